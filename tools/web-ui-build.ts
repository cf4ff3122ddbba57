import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const webRoot = new URL('../apps/lab-web/', import.meta.url).pathname;
const builtIndex = join(webRoot, 'dist', 'index.html');

/** The newest modification time among the UI's sources (src/, index.html, vite.config.ts). */
function newestSource(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestSource(join(path, entry)));
  return newest;
}

/** Whether the lab's web UI needs building: never built, or a source changed since the build. */
export function webUiStale(): boolean {
  if (!existsSync(builtIndex)) return true;
  const built = statSync(builtIndex).mtimeMs;
  const sources = [join(webRoot, 'src'), join(webRoot, 'index.html'), join(webRoot, 'vite.config.ts')];
  return sources.some((source) => newestSource(source) > built);
}

/**
 * Builds the web UI into apps/lab-web/dist when it is stale, so `npm start` always serves the UI of
 * the checked-out source (`npm ci` builds it too, through the root `prepare` script).
 */
export async function ensureWebUiBuilt(log: (line: string) => void): Promise<void> {
  if (!webUiStale()) return;
  log('Building the lab web UI (apps/lab-web)…');
  const { build } = await import('vite');
  await build({ root: webRoot, logLevel: 'warn' });
}
