import {
  createTestTemplate,
  dropTestTemplate,
  type TestBackend,
  type TestTemplate,
} from '@ours/platform/testing';
import type { TestProject } from 'vitest/node';
import { migrationsDir } from '../../src/create-context.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    coachTemplate: TestTemplate;
  }
}

/** Migrates the coach schema once per run; each test file then gets its own copy. */
export default async function setup(project: TestProject) {
  const backend = (project.config.env?.TEST_DB ?? 'pglite') as TestBackend;
  const template = await createTestTemplate(backend, migrationsDir, 'coach');
  project.provide('coachTemplate', template);
  return () => dropTestTemplate(template);
}
