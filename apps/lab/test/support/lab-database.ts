import { openTestDatabase } from '@ours/platform/testing';
import { inject } from 'vitest';
import type { LabDatabase, LabSchema } from '../../src/db/lab-database.ts';

/** A fresh copy of the migrated lab database for one test (file), connected as the runtime role. */
export function openLabTestDatabase(): Promise<LabDatabase> {
  return openTestDatabase<LabSchema>(inject('labTemplate'), 'lab_app');
}
