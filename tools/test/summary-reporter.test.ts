import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const vitest = new URL('../../node_modules/vitest/vitest.mjs', import.meta.url).pathname;

/** Runs Vitest in a child process on fixture files, as CI would, and returns the closing line. */
async function closingLine(glob: string): Promise<string> {
  const result = await run(process.execPath, [vitest, 'run', '--config', 'vitest.fixture.config.ts'], {
    cwd: fixtures,
    env: { ...process.env, FIXTURE_GLOB: glob, CI: '1' },
  }).catch((error: { stdout: string }) => error);
  const lines = result.stdout.trim().split('\n');
  return lines.at(-1) ?? '';
}

const ciPattern = /^[0-9]+ passed, [0-9]+ failed/;

describe('the closing summary line', { timeout: 60_000 }, () => {
  it('counts a suite whose beforeAll throws as failed, not only its tests as skipped', async () => {
    const line = await closingLine('before-all-throws.fixture.ts');
    expect(line).toMatch(ciPattern);
    expect(line).toMatch(/^0 passed, 1 failed, 2 skipped/);
  });

  it('counts a file whose afterAll throws as failed although its tests passed', async () => {
    expect(await closingLine('after-all-throws.fixture.ts')).toMatch(/^1 passed, 1 failed, 0 skipped/);
  });

  it('counts a file that cannot be collected as failed', async () => {
    expect(await closingLine('import-throws.fixture.ts')).toMatch(/^0 passed, 1 failed, 0 skipped/);
  });

  it('reports 0 failed when every test passes or is skipped on purpose', async () => {
    expect(await closingLine('passes.fixture.ts')).toBe('1 passed, 0 failed, 1 skipped');
  });
});
