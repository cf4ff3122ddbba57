import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';

/** The JavaScript a page load fetched: each script's URL with its gzipped size. */
export interface ScriptBytes {
  url: string;
  gzipped: number;
}

/** Starts recording the scripts the page fetches; read the list after the page is shown. */
export function recordScripts(page: Page): ScriptBytes[] {
  const scripts: ScriptBytes[] = [];
  page.on('response', async (response) => {
    if (response.request().resourceType() !== 'script') return;
    const body = await response.body().catch(() => undefined);
    if (body)
      scripts.push({ url: new URL(response.url()).pathname, gzipped: gzipSync(body, { level: 9 }).length });
  });
  return scripts;
}

export const kilobytes = (bytes: number) => (bytes / 1024).toFixed(1);

/** Milliseconds from `start` (a navigation or a click) until `shown` resolves. */
export async function timeUntil(
  start: () => Promise<unknown>,
  shown: () => Promise<unknown>,
): Promise<number> {
  const started = performance.now();
  await start();
  await shown();
  return performance.now() - started;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
