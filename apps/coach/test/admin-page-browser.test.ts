import type { AddressInfo } from 'node:net';
import { signServiceToken } from '@ours/platform/auth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoachDatabase } from '../src/db/coach-database.ts';
import { serviceTokenIssuer } from '../src/modules/shared/service-role.ts';
import {
  expectAccessible,
  launchBrowser,
  newContext,
  screenshot,
  watchPageProblems,
} from './support/coach-browser.ts';
import { asService } from './support/coach-logs.ts';
import {
  createUser,
  openFileDatabase,
  startTestApp,
  type TestApp,
  type TestUser,
  testJwtSecret,
  useTestApp,
} from './support/test-app.ts';

// Days are UTC on both sides (the coach's COACH_TIMEZONE and the browser's zone), so the seeded rows
// fall on the days the assertions name wherever the machine is.
const t = useTestApp({ ADMIN_PAGE_ENABLED: 'true', COACH_TIMEZONE: 'UTC' });
let disabled: TestApp;
let emptyDb: CoachDatabase;
let empty: TestApp;
let emptyURL: string;
let browser: Browser;
let baseURL: string;
let disabledURL: string;
let serviceToken: string;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

const dayMs = 86_400_000;
const dayKey = (daysAgo: number) => new Date(Date.now() - daysAgo * dayMs).toISOString().slice(0, 10);
const noonOf = (daysAgo: number) => new Date(`${dayKey(daysAgo)}T12:00:00Z`);

async function listen(app: TestApp['app']): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/**
 * Six requests: in the last 7 days alice 3 (gpt-4o), bob 1 on gpt-4o-mini and 1 timeout fallback;
 * carol 1 ten days ago. Costs come from the prices below (the database prices each row as written).
 */
async function seedUsage(): Promise<void> {
  const today = new Date(Date.now() - 1000);
  const rows = [
    {
      user: () => alice,
      at: noonOf(1),
      model: 'gpt-4o',
      prompt: 1200,
      completion: 300,
      cached: 0,
      latency: 900,
    },
    {
      user: () => alice,
      at: noonOf(1),
      model: 'gpt-4o',
      prompt: 800,
      completion: 200,
      cached: 0,
      latency: 1100,
    },
    {
      user: () => alice,
      at: noonOf(2),
      model: 'gpt-4o',
      prompt: 1000,
      completion: 250,
      cached: 0,
      latency: 1500,
    },
    {
      user: () => bob,
      at: today,
      model: 'gpt-4o-mini',
      prompt: 600,
      completion: 150,
      cached: 200,
      latency: 700,
    },
    {
      user: () => bob,
      at: today,
      model: 'gpt-4o',
      prompt: null,
      completion: null,
      cached: null,
      latency: 2000,
      fallback: 'timeout' as const,
    },
    {
      user: () => carol,
      at: noonOf(10),
      model: 'gpt-4o',
      prompt: 400,
      completion: 100,
      cached: 0,
      latency: 1000,
    },
  ];
  await asService(t.db, async (tx) => {
    await tx
      .insertInto('model_prices')
      .values([
        {
          model: 'gpt-4o',
          input_per_million: '2.5',
          output_per_million: '10',
          cached_input_per_million: '1.25',
          effective_from: new Date('2020-01-01T00:00:00Z'),
        },
        {
          model: 'gpt-4o-mini',
          input_per_million: '0.15',
          output_per_million: '0.6',
          effective_from: new Date('2020-01-01T00:00:00Z'),
        },
      ])
      .execute();
    await tx
      .insertInto('auth.users')
      .values([alice, bob, carol].map(({ id, email }) => ({ id, email })))
      .execute();
    await tx
      .insertInto('ai_coach_logs')
      .values(
        rows.map((row, index) => ({
          user_id: row.user().id,
          session_id: `s${index}`,
          user_message: 'How should I train this week?',
          ai_response: row.fallback ? 'A canned reply' : 'A model reply',
          success: !row.fallback,
          fallback_reason: row.fallback ?? null,
          model: row.model,
          prompt_tokens: row.prompt,
          completion_tokens: row.completion,
          cached_tokens: row.cached,
          token_usage: row.prompt === null ? null : row.prompt + (row.completion ?? 0),
          latency_ms: row.latency,
          timestamp: row.at,
          created_at: row.at,
        })),
      )
      .execute();
    await tx
      .insertInto('job_runs')
      .values([
        {
          name: 'check-user-status',
          slot: dayKey(0),
          trigger: 'api',
          status: 'success',
          started_at: new Date(Date.now() - 60_000),
          finished_at: new Date(Date.now() - 57_500),
          total: 3,
          processed: 3,
          succeeded: 2,
          failed: 0,
          skipped: 1,
        },
        {
          name: 'weekly-digest',
          slot: '2026-W48',
          trigger: 'schedule',
          status: 'failed',
          started_at: new Date(Date.now() - 3_600_000),
          finished_at: new Date(Date.now() - 3_590_000),
          total: 7,
          processed: 7,
          succeeded: 0,
          failed: 7,
          error: 'The model could not be reached',
        },
      ])
      .execute();
  });
}

beforeAll(async () => {
  [alice, bob, carol] = await Promise.all([
    createUser({ email: 'alice@example.com' }),
    createUser({ email: 'bob@example.com' }),
    createUser({ email: 'carol@example.com' }),
  ]);
  await seedUsage();
  serviceToken = await signServiceToken(testJwtSecret, { issuer: serviceTokenIssuer });
  baseURL = await listen(t.app);
  disabled = await startTestApp(t.db, { COACH_TIMEZONE: 'UTC' });
  disabledURL = await listen(disabled.app);
  // A second database with nothing in it: what a new deployment's operator sees first.
  emptyDb = await openFileDatabase();
  empty = await startTestApp(emptyDb, { ADMIN_PAGE_ENABLED: 'true', COACH_TIMEZONE: 'UTC' });
  emptyURL = await listen(empty.app);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await disabled?.close();
  await empty?.close();
  await emptyDb?.close();
});

/** A fresh tab on the operator page (empty sessionStorage), with its problems collected. */
async function openAdmin(
  origin = baseURL,
): Promise<{ page: Page; problems: string[]; close(): Promise<void> }> {
  const context = await newContext(browser, origin);
  const page = await context.newPage();
  const problems = watchPageProblems(page);
  return { page, problems, close: () => context.close() };
}

async function signInWith(page: Page, token: string): Promise<void> {
  await page.goto('/admin');
  await page.getByLabel('Service-role token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const storedToken = (page: Page) => page.evaluate(() => sessionStorage.getItem('coach-admin-token'));
const card = (page: Page, label: string) =>
  page.locator('.card', { has: page.locator('.card-label', { hasText: label }) }).locator('.card-value');
const rowOf = (page: Page, table: string, first: string) =>
  page.getByRole('table', { name: table }).getByRole('row').filter({ hasText: first });

describe('the operator page in the browser', () => {
  it('is a 404 naming admin_page_disabled when not configured', async () => {
    const { page, close } = await openAdmin(disabledURL);
    const response = await page.goto('/admin');
    expect(response?.status()).toBe(404);
    expect(await page.locator('body').textContent()).toContain('admin_page_disabled');
    await close();
  });

  it('asks for a token, and says so when the token is not valid, keeping nothing', async () => {
    const { page, problems, close } = await openAdmin();
    await page.goto('/admin');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expect(page.getByRole('button', { name: 'Sign out' }).isVisible()).resolves.toBe(false);
    await expectAccessible(page, 'the sign-in form');
    await screenshot(page, 'coach-admin-sign-in');

    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'Paste a service-role token first',
    );

    await page.getByLabel('Service-role token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'was not accepted' }).waitFor();
    expect(await storedToken(page)).toBeNull();
    await expect(page.locator('#dashboard').isVisible()).resolves.toBe(false);
    expect(problems).toEqual([]);
    await close();
  });

  it("refuses a user's token, saying a service-role token is needed", async () => {
    const { page, problems, close } = await openAdmin();
    await signInWith(page, (await createUser()).token);
    await page.getByRole('alert').filter({ hasText: 'not a service-role token' }).waitFor();
    expect(await storedToken(page)).toBeNull();
    await expect(page.locator('#dashboard').isVisible()).resolves.toBe(false);
    expect(problems).toEqual([]);
    await close();
  });

  it('with a service-role token shows the usage, models, budgets and job runs from the APIs', async () => {
    const { page, problems, close } = await openAdmin();
    // A pasted "Bearer " prefix and stray whitespace are forgiven.
    await signInWith(page, `  Bearer ${serviceToken}\n`);
    await page.getByRole('heading', { name: 'Usage' }).waitFor();
    expect(await storedToken(page)).toBe(serviceToken);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);

    // The default range is 30 days: all six requests.
    await expect.poll(() => card(page, 'Requests').textContent()).toBe('6');
    await expect(card(page, 'Tokens').textContent()).resolves.toBe('5,000');
    await expect(card(page, 'Cost').textContent()).resolves.toMatch(/\$0\.0172$/);
    await expect(card(page, 'Success rate').textContent()).resolves.toBe('83.3%');

    // Charts: one bar per seeded day and series, each value in its title.
    const bar = (day: number, series: string) =>
      page.locator(`#chart-requests rect[data-day="${dayKey(day)}"][data-series="${series}"]`);
    await expect(bar(1, 'Answered by the model').getAttribute('data-value')).resolves.toBe('2');
    await expect(bar(0, 'Answered by the model').getAttribute('data-value')).resolves.toBe('1');
    await expect(bar(0, 'Fallbacks').getAttribute('data-value')).resolves.toBe('1');
    await expect(bar(10, 'Answered by the model').getAttribute('data-value')).resolves.toBe('1');
    await expect(bar(1, 'Answered by the model').locator('title').textContent()).resolves.toMatch(
      /: 2 answered by the model$/,
    );
    await expect(
      page
        .locator(`#chart-tokens rect[data-day="${dayKey(1)}"][data-series="Prompt tokens"]`)
        .getAttribute('data-value'),
    ).resolves.toBe('2000');
    await expect(
      page
        .locator(`#chart-cost rect[data-day="${dayKey(2)}"]`)
        .locator('title')
        .textContent(),
    ).resolves.toMatch(/: US\$0\.005$/);
    await expect(page.locator('#chart-latency circle[data-series="Median (p50)"]').count()).resolves.toBe(4);
    await expect(
      rowOf(page, 'Fallback reasons', 'timeout').getByRole('cell').allTextContents(),
    ).resolves.toEqual(['The model took too long (timeout)', '1', '16.7%']);
    await expect(
      rowOf(page, 'Top users', 'alice@example.com').getByRole('cell').allTextContents(),
    ).resolves.toEqual(['alice@example.com', '3', '3,750', expect.stringMatching(/\$0\.015$/)]);
    await expect(
      rowOf(page, 'Top users', 'carol@example.com').getByRole('cell').nth(1).textContent(),
    ).resolves.toBe('1');
    const mini = rowOf(page, 'Usage per model', 'gpt-4o-mini').getByRole('cell');
    await expect(mini.nth(1).textContent()).resolves.toBe('1');
    await expect(mini.nth(3).textContent()).resolves.toBe('600');
    await expect(mini.nth(4).textContent()).resolves.toBe('150');
    const gpt4o = page
      .getByRole('table', { name: 'Usage per model' })
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'gpt-4o', exact: true }) })
      .getByRole('cell');
    await expect(gpt4o.nth(1).textContent()).resolves.toBe('5');
    await expect(gpt4o.nth(2).textContent()).resolves.toBe('80%');

    await page.getByText('No budgets set').waitFor();
    // A budget set through the API shows after a refresh, with its use against the limit.
    const put = await fetch(`${baseURL}/admin/budgets/global`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${serviceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ token_limit: 100_000, cost_limit_usd: null }),
    });
    expect(put.status).toBe(200);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect
      .poll(() => rowOf(page, 'Budgets', 'All users together').getByRole('cell').allTextContents())
      .toEqual([
        'All users together',
        expect.stringMatching(/ of 100,000 \(/),
        expect.stringMatching(/\(no limit\)$/),
      ]);

    const digestRun = rowOf(page, 'Recent job runs', 'weekly-digest').getByRole('cell');
    await expect(digestRun.nth(3).textContent()).resolves.toBe('failed');
    await expect(digestRun.nth(10).textContent()).resolves.toBe('The model could not be reached');
    const statusRun = rowOf(page, 'Recent job runs', 'check-user-status').getByRole('cell');
    await expect(statusRun.nth(1).textContent()).resolves.toBe(dayKey(0));
    await expect(statusRun.nth(5).textContent()).resolves.toBe('2.5 s');
    await expect(statusRun.nth(7).textContent()).resolves.toBe('2');
    await expect(rowOf(page, 'Schedules', 'weekly-digest').isVisible()).resolves.toBe(true);
    // This app is set to run the jobs but starts no scheduler: the page says so instead of "runs them".
    await expect(
      page.getByText('This server is set to run the jobs, but its scheduler is not running').isVisible(),
    ).resolves.toBe(true);

    await expectAccessible(page, 'the dashboard');
    await screenshot(page, 'coach-admin');
    expect(problems).toEqual([]);

    // Seven days leave carol's request of ten days ago out.
    await page.getByRole('button', { name: '7 days' }).click();
    await expect.poll(() => card(page, 'Requests').textContent()).toBe('5');
    await expect(card(page, 'Tokens').textContent()).resolves.toBe('4,500');
    await expect(page.getByRole('button', { name: '7 days' }).getAttribute('aria-pressed')).resolves.toBe(
      'true',
    );
    await expect(rowOf(page, 'Top users', 'carol@example.com').count()).resolves.toBe(0);
    await expect(
      page.locator('#chart-requests rect[data-series="Answered by the model"]').count(),
    ).resolves.toBe(3);
    expect(problems).toEqual([]);
    await close();
  });

  it('on a server with no usage, budgets or runs yet, says so in each section instead of drawing nothing', async () => {
    const { page, problems, close } = await openAdmin(emptyURL);
    await signInWith(page, serviceToken);
    await expect.poll(() => card(page, 'Requests').textContent()).toBe('0');
    await expect(card(page, 'Cost').textContent()).resolves.toMatch(/\$0\.00$/);
    await expect(card(page, 'Latency (median)').textContent()).resolves.toBe('–');
    for (const chart of ['requests', 'tokens', 'cost', 'latency']) {
      await expect(page.locator(`#chart-${chart} .empty-label`).textContent()).resolves.toBe(
        'No requests in this range',
      );
      await expect(page.locator(`#chart-${chart} rect, #chart-${chart} circle`).count()).resolves.toBe(0);
    }
    for (const note of [
      'No fallbacks in this range.',
      'No requests in this range.',
      'No model calls in this range.',
      'No budgets set: usage is not limited.',
      'No job has run yet.',
    ])
      await page.getByText(note, { exact: true }).waitFor();
    await expectAccessible(page, 'the empty dashboard');
    await screenshot(page, 'coach-admin-empty');
    expect(problems).toEqual([]);
    await close();
  });

  it('keeps the sign-in across a reload of the tab, and forgets the token on sign out', async () => {
    const { page, problems, close } = await openAdmin();
    await signInWith(page, serviceToken);
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(false);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await storedToken(page)).toBeNull();
    await expect(page.locator('#dashboard').isVisible()).resolves.toBe(false);
    await expect(page.getByLabel('Service-role token').inputValue()).resolves.toBe('');
    // Nothing of the figures stays in the page either.
    await expect(page.locator('.card').count()).resolves.toBe(0);
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(problems).toEqual([]);
    await close();
  });

  it('sends the operator back to sign in when the kept token stops being accepted', async () => {
    const { page, close } = await openAdmin();
    await page.goto('/admin');
    const expired = await signServiceToken('another-secret-that-is-long-enough-000000', {
      issuer: serviceTokenIssuer,
    });
    await page.evaluate((token) => sessionStorage.setItem('coach-admin-token', token), expired);
    await page.reload();
    await page.getByRole('alert').filter({ hasText: 'was not accepted' }).waitFor();
    expect(await storedToken(page)).toBeNull();
    await close();
  });
});
