import {
  createTestTemplate,
  dropTestTemplate,
  type TestBackend,
  type TestTemplate,
} from '@ours/platform/testing';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    labTemplate: TestTemplate;
  }
}

export const labMigrationsDir = new URL('../../migrations/', import.meta.url).pathname;

/** Migrates the lab schema once per run; each test file then gets its own copy. */
export default async function setup(project: TestProject) {
  const backend = (project.config.env?.TEST_DB ?? 'pglite') as TestBackend;
  const template = await createTestTemplate(backend, labMigrationsDir, 'lab');
  project.provide('labTemplate', template);
  return () => dropTestTemplate(template);
}
