import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signServiceToken } from '@ours/platform/auth';
import { ConfigError } from '@ours/platform/config';
import type { JobWithMetadata } from '@ours/platform/jobs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envToConfig } from '../src/config.ts';
import type { CoachDatabase } from '../src/db/coach-database.ts';
import { type AlertJobData, deliverAlert } from '../src/modules/alerts/alerts.service.ts';
import { serviceTokenIssuer } from '../src/modules/shared/service-role.ts';
import { type ModelPrice, priceFor, runUsageRollup } from '../src/modules/usage/index.ts';
import { asService, coachLogsOf } from './support/coach-logs.ts';
import { type FakeWebhookServer, startFakeWebhookServer } from './support/fake-webhook-server.ts';
import {
  bearer,
  createUser,
  openFileDatabase,
  startTestApp,
  type TestApp,
  testJwtSecret,
} from './support/test-app.ts';

const silent = pino({ level: 'silent' });
// USD per million tokens.
const gpt4o = { input: 2.5, output: 10, cached_input: 1.25 };
const prices = JSON.stringify({ 'gpt-4o': gpt4o, 'gpt-4o-mini': { input: 0.15, output: 0.6 } });
/** The expected cost of an uncached call, worked out here rather than by the trigger under test. */
const costOf = (price: ModelPrice, prompt: number, completion: number) =>
  (prompt * price.input_per_million + completion * price.output_per_million) / 1e6;

let db: CoachDatabase;
let hook: FakeWebhookServer;
let t: TestApp;
let service: { authorization: string };

beforeAll(async () => {
  db = await openFileDatabase();
  hook = await startFakeWebhookServer();
  t = await startTestApp(db, {
    MODEL_PRICES: prices,
    ALERT_WEBHOOK_URL: hook.url,
    OPENAI_MODEL: 'gpt-4o',
    OPENAI_FALLBACK_MODEL: '',
  });
  service = {
    authorization: `Bearer ${await signServiceToken(testJwtSecret, { issuer: serviceTokenIssuer })}`,
  };
});
afterAll(async () => {
  await t?.close();
  await hook?.close();
  await db?.close();
});

const ask = async (
  user = undefined as Awaited<ReturnType<typeof createUser>> | undefined,
  stream = false,
) => {
  const asker = user ?? (await createUser());
  const response = await t.app.inject({
    method: 'POST',
    url: '/ask',
    headers: bearer(asker),
    payload: {
      messages: [{ role: 'user', content: 'How should I train this week?' }],
      ...(stream ? { stream } : {}),
    },
  });
  expect(response.statusCode).toBe(200);
  const [row] = (await coachLogsOf(db, asker.id)).slice(-1);
  if (!row) throw new Error('no log row');
  return row;
};
const priceVersions = (model: string) =>
  asService(db, (tx) =>
    tx.selectFrom('model_prices').selectAll().where('model', '=', model).orderBy('effective_from').execute(),
  );
const signedUp = async () => {
  const user = await createUser();
  await asService(db, (tx) =>
    tx.insertInto('auth.users').values({ id: user.id, email: user.email }).execute(),
  );
  return user;
};
/** A log row written straight to the table, as any writer other than /ask would. */
const logRow = (
  userId: string,
  values: { model: string; prompt_tokens: number; completion_tokens: number },
) =>
  asService(db, (tx) =>
    tx
      .insertInto('ai_coach_logs')
      .values({
        user_id: userId,
        session_id: 's',
        user_message: 'm',
        ai_response: 'r',
        latency_ms: 40,
        ...values,
      })
      .returning(['price_id', 'cost_usd'])
      .executeTakeFirstOrThrow(),
  );
const alertsOf = (key: string) =>
  asService(db, (tx) =>
    tx.selectFrom('operator_alerts').selectAll().where('incident_key', '=', key).execute(),
  );

describe('cost per call', () => {
  it('logs cached tokens from the provider and charges them at the cached price', async () => {
    t.fake.enqueue({
      kind: 'reply',
      text: 'Rest on Sunday.',
      usage: { prompt_tokens: 1200, completion_tokens: 80, cached_tokens: 1024 },
    });
    const row = await ask();
    expect(row).toMatchObject({
      model: 'gpt-4o',
      prompt_tokens: 1200,
      completion_tokens: 80,
      cached_tokens: 1024,
    });
    const [price] = await priceVersions('gpt-4o');
    expect(row.price_id).toBe(price?.id);
    // (1200 - 1024) · 2.5 + 1024 · 1.25 + 80 · 10, per million.
    expect(row.cost_usd).toBeCloseTo((176 * 2.5 + 1024 * 1.25 + 80 * 10) / 1e6, 12);
  });

  it('reads cached tokens from the usage chunk of a stream', async () => {
    t.fake.enqueue({
      kind: 'stream',
      chunks: ['Rest ', 'on Sunday.'],
      usage: { prompt_tokens: 900, completion_tokens: 20, cached_tokens: 512 },
    });
    const row = await ask(undefined, true);
    expect(row).toMatchObject({ prompt_tokens: 900, completion_tokens: 20, cached_tokens: 512 });
    expect(row.cost_usd).toBeCloseTo((388 * 2.5 + 512 * 1.25 + 20 * 10) / 1e6, 12);
  });

  it('logs no cached tokens when the provider reports none, and charges every prompt token as input', async () => {
    t.fake.enqueue({
      kind: 'reply',
      text: 'Walk daily.',
      usage: { prompt_tokens: 100, completion_tokens: 10 },
    });
    const row = await ask();
    expect(row.cached_tokens).toBeNull();
    expect(row.cost_usd).toBeCloseTo((100 * 2.5 + 10 * 10) / 1e6, 12);
  });

  it('keeps the price an old call was charged when the price changes', async () => {
    const user = await createUser();
    t.fake.setDefault({
      kind: 'reply',
      text: 'Sleep well.',
      usage: { prompt_tokens: 1000, completion_tokens: 100 },
    });
    const before = await ask(user);
    const changed = await t.app.inject({
      method: 'PUT',
      url: '/admin/prices/gpt-4o',
      headers: service,
      payload: { input: 5, output: 20 },
    });
    expect(changed.statusCode).toBe(201);
    const after = await ask(user);
    t.fake.reset();
    expect(after.price_id).toBe(changed.json().id);
    expect(after.cost_usd).toBeCloseTo((1000 * 5 + 100 * 20) / 1e6, 12);
    const [again] = (await coachLogsOf(db, user.id)).filter((row) => row.id === before.id);
    expect(again?.price_id).toBe(before.price_id);
    expect(again?.cost_usd).toBeCloseTo((1000 * 2.5 + 100 * 10) / 1e6, 12);
    // The same price read through the exported lookup (the one PUT /admin/prices compares with).
    const price = await asService(db, (tx) => priceFor(tx, 'gpt-4o', new Date()));
    expect(price && costOf(price, 1000, 100)).toBeCloseTo(after.cost_usd ?? Number.NaN, 12);
    const old = await asService(db, (tx) => priceFor(tx, 'gpt-4o', before.timestamp));
    expect(old?.id).toBe(before.price_id);
    expect(await asService(db, (tx) => priceFor(tx, 'gpt-4o', '2000-01-01T00:00:00Z'))).toBeNull();
  });

  it("prices a dated snapshot name with its model's price", async () => {
    const user = await signedUp();
    await logRow(user.id, {
      model: 'gpt-4o-mini-2024-07-18',
      prompt_tokens: 1_000_000,
      completion_tokens: 0,
    });
    const [row] = await coachLogsOf(db, user.id);
    expect(row?.cost_usd).toBeCloseTo(0.15, 10);
  });
});

describe('a model without a price', () => {
  it('logs the call with its cost unknown, raises one alert, and closes it when a price is added', async () => {
    const user = await signedUp();
    const unpriced = () => logRow(user.id, { model: 'llama-3-70b', prompt_tokens: 10, completion_tokens: 5 });
    expect(await unpriced()).toEqual({ price_id: null, cost_usd: null });
    await runUsageRollup(t.ctx, silent);
    await unpriced();
    await runUsageRollup(t.ctx, silent);
    const [alert, ...more] = await alertsOf('price-missing:llama-3-70b');
    expect(more).toHaveLength(0);
    expect(alert).toMatchObject({ kind: 'price_missing', resolved_at: null });
    expect(alert?.text).toContain('No price for model "llama-3-70b"');
    // Delivered through the webhook like every operator alert.
    const job = { id: 'x', data: { alertId: alert?.id }, retryCount: 0, retryLimit: 3 };
    await deliverAlert(t.ctx, job as unknown as JobWithMetadata<AlertJobData>, silent);
    expect(hook.deliveries.map((d) => String(d.body.text))).toEqual([expect.stringContaining('llama-3-70b')]);

    const added = await t.app.inject({
      method: 'PUT',
      url: '/admin/prices/llama-3-70b',
      headers: service,
      payload: { input: 0.5, output: 0.5 },
    });
    expect(added.statusCode).toBe(201);
    const [closed] = await alertsOf('price-missing:llama-3-70b');
    expect(closed?.resolved_at).not.toBeNull();
    // The old unpriced rows do not raise it again.
    await runUsageRollup(t.ctx, silent);
    expect(await alertsOf('price-missing:llama-3-70b')).toHaveLength(1);
    expect((await unpriced()).cost_usd).toBeCloseTo((15 * 0.5) / 1e6, 12);
  });

  it('is not raised again for a dated snapshot once its model has a price', async () => {
    const user = await signedUp();
    await logRow(user.id, { model: 'mistral-large-2024-11-18', prompt_tokens: 10, completion_tokens: 5 });
    await runUsageRollup(t.ctx, silent);
    expect(await alertsOf('price-missing:mistral-large')).toEqual([
      expect.objectContaining({ resolved_at: null }),
    ]);
    const added = await t.app.inject({
      method: 'PUT',
      url: '/admin/prices/mistral-large',
      headers: service,
      payload: { input: 2, output: 6 },
    });
    expect(added.statusCode).toBe(201);
    // The snapshot's old unpriced row is covered by its model's price now: no new incident.
    await runUsageRollup(t.ctx, silent);
    expect(await alertsOf('price-missing:mistral-large')).toEqual([
      expect.objectContaining({ resolved_at: expect.anything() }),
    ]);
  });
});

describe('MODEL_PRICES', () => {
  it('adds a version at start only where the configured price differs from the one in force', async () => {
    const versions = (await priceVersions('gpt-4o-mini')).length;
    const same = await startTestApp(db, { MODEL_PRICES: prices });
    await same.close();
    expect(await priceVersions('gpt-4o-mini')).toHaveLength(versions);
    const changed = await startTestApp(db, {
      MODEL_PRICES: JSON.stringify({ 'gpt-4o-mini': { input: 0.2, output: 0.6 } }),
    });
    await changed.close();
    const after = await priceVersions('gpt-4o-mini');
    expect(after).toHaveLength(versions + 1);
    expect(after.at(-1)).toMatchObject({
      input_per_million: 0.2,
      output_per_million: 0.6,
      cached_input_per_million: null,
    });
  });

  it.each([
    ['{not json', /MODEL_PRICES must be JSON/],
    ['[1]', /MODEL_PRICES must be a JSON object/],
    ['{"gpt-4o":{"input":-1,"output":1}}', /MODEL_PRICES "gpt-4o".input must be a number/],
    ['{"gpt-4o":{"input":1}}', /MODEL_PRICES "gpt-4o".output must be a number/],
    ['{"gpt-4o":{"input":1,"output":1,"cache":1}}', /MODEL_PRICES "gpt-4o" has an unknown key "cache"/],
    ['{"gpt-4o":{"input":0.0000001,"output":1}}', /more than 6 decimals/],
  ])('refuses %s naming the variable', (value, message) => {
    expect(() => envToConfig({ MODEL_PRICES: value })).toThrow(ConfigError);
    expect(() => envToConfig({ MODEL_PRICES: value })).toThrow(message);
  });

  it('reads MODEL_PRICES_FILE and names it when its content is bad', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'coach-prices-')), 'prices.json');
    writeFileSync(file, prices);
    const { readEnv } = await import('../src/config.ts');
    expect(envToConfig(readEnv({ MODEL_PRICES_FILE: file })).usage.prices.get('gpt-4o')).toEqual({
      input: 2.5,
      output: 10,
      cachedInput: 1.25,
    });
    writeFileSync(file, '{"gpt-4o": 3}');
    expect(() => envToConfig(readEnv({ MODEL_PRICES_FILE: file }))).toThrow(
      /MODEL_PRICES_FILE "gpt-4o" must be an object/,
    );
  });
});

describe('/admin/prices', () => {
  it('lists the price in force and the history of each model', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const scheduled = await t.app.inject({
      method: 'PUT',
      url: '/admin/prices/gpt-4o-mini',
      headers: service,
      payload: { input: 1, output: 2, cached_input: 0.5, effective_from: future },
    });
    expect(scheduled.statusCode).toBe(201);
    const response = await t.app.inject({ method: 'GET', url: '/admin/prices', headers: service });
    expect(response.statusCode).toBe(200);
    const mini = response.json().models.find((m: { model: string }) => m.model === 'gpt-4o-mini');
    expect(mini.versions[0]).toMatchObject({ input_per_million: 1, cached_input_per_million: 0.5 });
    expect(Date.parse(mini.versions[0].effective_from)).toBe(Date.parse(future));
    // Not yet in force.
    expect(mini.current.id).toBe(mini.versions[1].id);
  });

  it.each([
    [{ input: -1, output: 1 }, 'validation_failed'],
    [{ input: 1 }, 'validation_failed'],
    [{ input: 1, output: 1, extra: 1 }, 'validation_failed'],
    [{ input: 1, output: 1, effective_from: '2020-01-01T00:00:00Z' }, 'effective_from_in_past'],
    [{ input: 1, output: 1, effective_from: 'tomorrow' }, 'validation_failed'],
    [{ input: 1.0000001, output: 1 }, 'invalid_price'],
  ])('answers 400 to %j', async (payload, code) => {
    const response = await t.app.inject({
      method: 'PUT',
      url: '/admin/prices/gpt-4o',
      headers: service,
      payload,
    });
    expect(response.statusCode).toBe(400);
    if (code !== 'validation_failed') expect(response.json().error.code).toBe(code);
  });

  it('answers 409 to a second version at the same instant', async () => {
    const at = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const put = () =>
      t.app.inject({
        method: 'PUT',
        url: '/admin/prices/gpt-4o',
        headers: service,
        payload: { input: 3, output: 3, effective_from: at },
      });
    expect((await put()).statusCode).toBe(201);
    const again = await put();
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('price_exists');
  });

  it('refuses a user token (403) and no token (401)', async () => {
    const user = await createUser();
    for (const [method, url] of [
      ['GET', '/admin/prices'],
      ['PUT', '/admin/prices/gpt-4o'],
    ] as const) {
      expect((await t.app.inject({ method, url, payload: { input: 1, output: 1 } })).statusCode).toBe(401);
      expect(
        (await t.app.inject({ method, url, headers: bearer(user), payload: { input: 1, output: 1 } }))
          .statusCode,
      ).toBe(403);
    }
  });
});
