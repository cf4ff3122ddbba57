import type { ProvidedContext } from 'vitest';
import type { TestProject } from 'vitest/node';
import {
  createTestTemplate,
  dropTestTemplate,
  type TestBackend,
  type TestTemplate,
} from './test-database.ts';

/** The provided-context keys that hold a `TestTemplate` (each app declares its own). */
type TemplateKey = {
  [K in keyof ProvidedContext]: ProvidedContext[K] extends TestTemplate ? K : never;
}[keyof ProvidedContext];

/**
 * A Vitest global setup that migrates one template per run for a service (on the project's
 * TEST_DB backend) and provides it under `key`; each test file then opens its own copy. The app
 * declares the key on Vitest's `ProvidedContext`.
 */
export function templateSetup(service: string, migrationsDir: string, key: TemplateKey) {
  return async (project: TestProject) => {
    const requested = project.config.env?.TEST_DB ?? 'pglite';
    if (requested !== 'pglite' && requested !== 'postgres')
      throw new Error(`TEST_DB must be pglite or postgres, got ${requested}`);
    const backend: TestBackend = requested;
    const template: TestTemplate = await createTestTemplate(backend, migrationsDir, service);
    // A program that declares no template key (a browser suite) sees TemplateKey as never.
    project.provide(key, template as ProvidedContext[typeof key]);
    return () => dropTestTemplate(template);
  };
}
