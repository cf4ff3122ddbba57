import type { TestProject } from 'vitest/node';
import {
  createTestTemplate,
  dropTestTemplate,
  type TestBackend,
  type TestTemplate,
} from './test-database.ts';

/**
 * A Vitest global setup that migrates one template per run for a service (on the project's
 * TEST_DB backend) and provides it under `key`; each test file then opens its own copy.
 */
export function templateSetup(service: string, migrationsDir: string, key: 'coachTemplate' | 'labTemplate') {
  return async (project: TestProject) => {
    const backend = (project.config.env?.TEST_DB ?? 'pglite') as TestBackend;
    const template: TestTemplate = await createTestTemplate(backend, migrationsDir, service);
    project.provide(key, template);
    return () => dropTestTemplate(template);
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    coachTemplate: TestTemplate;
    labTemplate: TestTemplate;
  }
}
