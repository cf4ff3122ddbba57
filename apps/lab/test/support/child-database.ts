import { clonePostgresTemplate } from '@ours/platform/testing';
import { inject } from 'vitest';
import { testSecrets } from './lab-app.ts';

/**
 * The database environment for a lab child process: a copy of the template on PostgreSQL (its drop
 * pushed onto `cleanups`), or PGlite in `dir`.
 */
export async function childDatabaseEnv(
  dir: string,
  cleanups: (() => Promise<unknown>)[],
): Promise<Record<string, string>> {
  const template = inject('labTemplate');
  if (template.backend === 'pglite') return { LAB_DATA_DIR: dir };
  const clone = await clonePostgresTemplate(template, 'lab_app');
  cleanups.push(clone.drop);
  return { ...testSecrets, DATABASE_URL: clone.runtimeUrl, DATABASE_ADMIN_URL: clone.adminUrl };
}
