import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

/**
 * Builds the UI from its current source once per run, into a directory of the run's own (so two
 * runs side by side never serve each other's half-written build), and hands it to the lab servers
 * the tests start (LAB_WEB_UI_DIR).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = await mkdtemp(join(tmpdir(), 'lab-web-build-'));
  await build({
    root: join(import.meta.dirname, '..', '..'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  project.provide('labWebBuild', outDir);
  return () => rm(outDir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    labWebBuild: string;
  }
}
