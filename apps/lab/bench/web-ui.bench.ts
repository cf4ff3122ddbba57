import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumArgs, chromiumPath } from '@ours/platform/testing';
import { chromium, type Page } from 'playwright-core';
import { createLabBenchDatabase } from './bench-database.ts';
import { benchPassword, createBenchUsers } from './bench-users.ts';
import { signIn } from './lab-client.ts';
import { startLabServer } from './lab-server.ts';
import { seedLabSamples } from './sample-seeding.ts';
import { kilobytes, percentile, recordScripts, timeUntil } from './web-ui-pages.ts';
import { measureSpectrumRate } from './web-ui-spectra.ts';

/**
 * The web UI as a person meets it, in Debian's Chromium against a lab on PostgreSQL with 1,000,000
 * samples: the JavaScript the first page loads (gzipped, as served), and how long the samples list
 * takes to show its first page, cold (a full page load, session refresh included) and warm (an
 * in-app navigation or a filter change). One browser, one user: this is latency, not load.
 */
const samples = Number(process.env.BENCH_SAMPLES ?? 1_000_000);
const repeats = Number(process.env.BENCH_REPEATS ?? 15);
const budgetKb = 250;
const loadAtStart = loadavg()[0]!.toFixed(2);
const repository = new URL('../../../', import.meta.url).pathname;

function buildUi(outDir: string): void {
  const built = spawnSync(
    'npm',
    ['run', 'build', '-w', '@ours/lab-web', '--', '--outDir', outDir, '--emptyOutDir'],
    {
      cwd: repository,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (built.status !== 0) throw new Error('the web UI did not build');
}

/** Signs in on the sign-in page already shown (no reload: the scripts it loaded stay counted once). */
async function signInThroughPage(page: Page, email: string): Promise<void> {
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(benchPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}

/** How long a list may take before the round counts as not shown (and what the page said is kept). */
const capMs = Number(process.env.BENCH_CAP_MS ?? 20_000);
const notShown: string[] = [];

/** Milliseconds from `start` to the list's first row on screen; Infinity when it never came. */
async function timed(start: () => Promise<unknown>, page: Page): Promise<number> {
  try {
    return await timeUntil(start, () => page.locator('table tbody tr').first().waitFor({ timeout: capMs }));
  } catch {
    const said = await page
      .getByRole('alert')
      .first()
      .textContent({ timeout: 1_000 })
      .catch(() => null);
    notShown.push(
      `${new URL(page.url()).pathname}${new URL(page.url()).search}: ${said ?? 'no row and no message'}`,
    );
    return Number.POSITIVE_INFINITY;
  }
}

const uiDir = await mkdtemp(join(tmpdir(), 'lab-web-bench-'));
buildUi(uiDir);
process.env.LAB_WEB_UI_DIR = uiDir;
const database = await createLabBenchDatabase('lab_web_bench');
try {
  const [scientist] = await createBenchUsers(database, [
    { email: 'scientist@bench.test', full_name: 'Bench Scientist', roles: ['scientist'] },
    { email: 'admin@bench.test', full_name: 'Bench Admin', roles: ['admin'] },
  ]);
  const seedStarted = performance.now();
  const seeded = await seedLabSamples(database.adminUrl, samples, scientist!.id);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const server = await startLabServer(database.adminUrl, 10);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1366, height: 860 } });
    const page = await context.newPage();
    const scripts = recordScripts(page);
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.waitForLoadState('networkidle');
    const signInScripts = scripts.splice(0);
    await signInThroughPage(page, 'scientist@bench.test');
    await page.waitForLoadState('networkidle');
    const dashboardScripts = scripts.splice(0);
    const firstPageKb = (list: typeof scripts) => list.reduce((sum, script) => sum + script.gzipped, 0);

    const cold: number[] = [];
    const warm: number[] = [];
    const filtered: Record<string, number[]> = {
      status: [],
      'q (id prefix)': [],
      'created within 30 days': [],
    };
    for (let round = 0; round < repeats; round++) {
      cold.push(await timed(() => page.goto('/samples'), page));
      await page.goto('/');
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      warm.push(
        await timed(
          () =>
            page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Samples' }).click(),
          page,
        ),
      );
      const statuses = ['in_storage', 'received', 'in_process', 'consumed'];
      filtered.status!.push(
        await timed(() => page.goto(`/samples?status=${statuses[round % statuses.length]}`), page),
      );
      // An id prefix and a 30-day window that certainly hold samples (ids run S0000001 upwards).
      const someId = String(1 + Math.floor(Math.random() * samples)).padStart(7, '0');
      const prefix = `S${someId.slice(0, 3)}`;
      const span = seeded.to.getTime() - seeded.from.getTime() - 30 * 86_400_000;
      const windowStart = new Date(seeded.from.getTime() + Math.random() * span);
      const day = (date: Date) => date.toISOString().slice(0, 10);
      filtered['q (id prefix)']!.push(await timed(() => page.goto(`/samples?q=${prefix}`), page));
      filtered['created within 30 days']!.push(
        await timed(
          () =>
            page.goto(
              `/samples?created_from=${day(windowStart)}&created_to=${day(new Date(windowStart.getTime() + 30 * 86_400_000))}`,
            ),
          page,
        ),
      );
    }
    // The live run view: spectra pushed at about 10 Hz, then as fast as the engine acquires.
    const admin = await signIn(server.url, 'admin@bench.test', benchPassword);
    await admin.ok('POST', '/api/admin/demo-data', undefined, 201);
    // Its own browser profile: this one's session cookie belongs to the scientist.
    const adminContext = await browser.newContext({
      baseURL: server.url,
      viewport: { width: 1366, height: 860 },
    });
    const runPage = await adminContext.newPage();
    await runPage.goto('/sign-in');
    await signInThroughPage(runPage, 'admin@bench.test');
    const rates = [];
    for (const acquisitionMs of [80, 30])
      rates.push(await measureSpectrumRate(admin, runPage, acquisitionMs, 10));

    const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : `> ${capMs}`);
    const line = (name: string, values: number[]) =>
      `| ${name} | ${values.length} | ${ms(percentile(values, 50))} | ${ms(percentile(values, 95))} | ${ms(Math.max(...values))} |`;
    console.log(
      [
        '',
        `### Web UI (${samples.toLocaleString('en-GB')} samples, PostgreSQL, Debian Chromium headless, one user)`,
        '',
        `| first page | scripts | JavaScript gzipped (KB) | budget |`,
        '|---|---|---|---|',
        `| sign-in (signed out) | ${signInScripts.length} | ${kilobytes(firstPageKb(signInScripts))} | ${budgetKb} KB |`,
        `| dashboard, after signing in (added) | ${dashboardScripts.length} | ${kilobytes(firstPageKb(dashboardScripts))} | |`,
        `| both together | ${signInScripts.length + dashboardScripts.length} | ${kilobytes(firstPageKb([...signInScripts, ...dashboardScripts]))} | ${budgetKb} KB |`,
        '',
        '| samples list, first page shown | runs | p50 ms | p95 ms | max ms |',
        '|---|---|---|---|---|',
        line('cold: full page load of /samples (scripts cached, session refresh, list)', cold),
        line('warm: from the dashboard through the navigation', warm),
        ...Object.entries(filtered).map(([name, values]) => line(`cold, filtered by ${name}`, values)),
        '',
        '| live spectrum (1024 points), simulated Raman acquiring every | spectra arrived per s (SSE) | drawn per s | skipped |',
        '|---|---|---|---|',
        ...rates.map(
          (rate) =>
            `| ${rate.acquisitionMs} ms | ${rate.arrivedPerSecond.toFixed(1)} | ${rate.drawnPerSecond.toFixed(1)} | ${rate.dropped} |`,
        ),
        ...(notShown.length > 0
          ? ['', `Not shown within ${capMs} ms:`, ...notShown.map((what) => `- ${what}`)]
          : []),
        '',
        `Load average (1 min) at the end: ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores (${loadAtStart} at the start). Seeding took ${seedSeconds.toFixed(0)} s (not part of any figure). Command: \`node apps/lab/bench/web-ui.bench.ts\` (BENCH_SAMPLES, BENCH_REPEATS).`,
      ].join('\n'),
    );
    await context.close();
  } finally {
    await browser.close();
    await server.stop();
  }
} finally {
  await database.drop();
  await rm(uiDir, { recursive: true, force: true });
}
