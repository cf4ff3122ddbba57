import { type TestTemplate, templateSetup } from '@ours/platform/testing';

/** Migrates the lab schema once per run; each test file then gets its own copy. */
export default templateSetup('lab', new URL('../../migrations/', import.meta.url).pathname, 'labTemplate');

declare module 'vitest' {
  export interface ProvidedContext {
    labTemplate: TestTemplate;
  }
}
