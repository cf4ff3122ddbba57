import { type TestTemplate, templateSetup } from '@ours/platform/testing';
import { migrationsDir } from '../../src/create-context.ts';

/** Migrates the coach schema once per run; each test file then gets its own copy. */
export default templateSetup('coach', migrationsDir, 'coachTemplate');

declare module 'vitest' {
  export interface ProvidedContext {
    coachTemplate: TestTemplate;
  }
}
