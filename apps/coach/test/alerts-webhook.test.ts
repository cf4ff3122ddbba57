import { signServiceToken } from '@ours/platform/auth';
import { ConfigError } from '@ours/platform/config';
import { postgresDatabase } from '@ours/platform/db';
import type { JobWithMetadata } from '@ours/platform/jobs';
import { waitForValue } from '@ours/platform/testing';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context.ts';
import { createContext } from '../src/create-context.ts';
import type { CoachDatabase, CoachSchema } from '../src/db/coach-database.ts';
import { webhookBody } from '../src/modules/alerts/alert-text.ts';
import { type AlertJobData, deliverAlert, raiseAlert } from '../src/modules/alerts/alerts.service.ts';
import { alertsConfigFromEnv } from '../src/modules/alerts/alerts-config.ts';
import { crisisReviewAlert, jobFailedAlert, withFailureAlerts } from '../src/modules/alerts/index.ts';
import { type JobEngine, startJobEngine } from '../src/modules/jobs/job-engine.ts';
import { serviceTokenIssuer } from '../src/modules/shared/service-role.ts';
import { runStatusCheck } from '../src/modules/status-check/status-check.service.ts';
import { asService } from './support/coach-logs.ts';
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
const crisisMessage = 'I want to kill myself';
let db: CoachDatabase;
let hook: FakeWebhookServer;
let t: TestApp;
let engine: JobEngine;

beforeAll(async () => {
  db = await openFileDatabase();
  hook = await startFakeWebhookServer();
  t = await startTestApp(db, { ALERT_WEBHOOK_URL: hook.url });
  engine = await startJobEngine(t.ctx, silent, { workers: true, alertRetryDelaySeconds: 1 });
  t.ctx.jobs = engine;
});
afterAll(async () => {
  t.ctx.jobs = undefined;
  await engine?.stop();
  await t?.close();
  await hook?.close();
  await db?.close();
});
beforeEach(() => {
  hook.deliveries.length = 0;
});

const alertsByKey = (key: string) =>
  asService(db, (tx) =>
    tx.selectFrom('operator_alerts').selectAll().where('incident_key', '=', key).execute(),
  );
/** The alert's row once its delivery is recorded (the webhook hears it a moment before). */
const deliveredRow = (key: string) =>
  waitForValue(`${key} delivered`, async () => {
    const [row] = await alertsByKey(key);
    return row?.status === 'delivered' ? row : undefined;
  });
const askCrisis = async (ctxApp: TestApp = t) => {
  const user = await createUser();
  const started = performance.now();
  const response = await ctxApp.app.inject({
    method: 'POST',
    url: '/ask',
    headers: bearer(user),
    payload: { messages: [{ role: 'user', content: crisisMessage }] },
  });
  expect(response.statusCode).toBe(200);
  expect(response.json().reason).toBe('crisis_support');
  const [entry] = await asService(db, (tx) =>
    tx.selectFrom('ai_coach_logs').select(['id']).where('user_id', '=', user.id).execute(),
  );
  if (!entry) throw new Error('no log entry');
  return { entryId: entry.id, ms: performance.now() - started };
};
const jobState = async (id: string) => {
  const { rows } = await sql<{ state: string }>`select state from pgboss.job where id = ${id}`.execute(
    db.kysely,
  );
  return rows[0]?.state;
};

describe('crisis-review alerts', () => {
  it('delivers one Slack message naming the entry, never the message', async () => {
    const { entryId } = await askCrisis();
    const [delivery] = await waitForValue('the delivery', () =>
      hook.deliveries.length > 0 ? hook.deliveries : undefined,
    );
    // Nothing more arrives for the same entry.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(hook.deliveries).toHaveLength(1);
    expect(delivery?.contentType).toBe('application/json');
    expect(Object.keys(delivery?.body ?? {})).toEqual(['text']);
    const text = String(delivery?.body.text);
    expect(text).toContain(entryId);
    expect(text).toContain('categories: suicide');
    expect(text).not.toMatch(/kill|myself/i);
    const row = await deliveredRow(`crisis-review:${entryId}`);
    expect(row).toMatchObject({ kind: 'crisis_review', status: 'delivered', attempts: 1, last_error: null });
  });

  it('records one alert when two instances raise the same entry at once', async () => {
    const second = await secondInstance();
    try {
      const draft = crisisReviewAlert(crypto.randomUUID(), new Date(), ['suicide']);
      const ids = await Promise.all([raiseAlert(t.ctx, draft), raiseAlert(second.ctx, draft)]);
      expect(ids.filter((id) => id !== undefined)).toHaveLength(1);
      await waitForValue('the delivery', () => (hook.deliveries.length > 0 ? true : undefined));
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(hook.deliveries).toHaveLength(1);
      expect(await alertsByKey(draft.incidentKey)).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('retries after the webhook answers 500 and delivers once', async () => {
    hook.failNext(500);
    const { entryId } = await askCrisis();
    await waitForValue('the retried delivery', () => (hook.deliveries.length > 0 ? true : undefined));
    const row = await deliveredRow(`crisis-review:${entryId}`);
    expect(row).toMatchObject({ status: 'delivered', attempts: 2, last_error: null });
    expect(hook.deliveries).toHaveLength(1);
  });

  it('keeps /ask answering while the webhook is unreachable, and delivers once it is back', async () => {
    await hook.stop();
    let entryId: string;
    try {
      const asked = await askCrisis();
      entryId = asked.entryId;
      // The webhook is never called on the request path.
      expect(asked.ms).toBeLessThan(2_000);
      const failed = await waitForValue('a failed attempt', async () => {
        const [row] = await alertsByKey(`crisis-review:${entryId}`);
        return row && row.attempts >= 1 && row.last_error ? row : undefined;
      });
      expect(failed.status).toBe('pending');
      expect(failed.last_error).toBe('webhook unreachable: ECONNREFUSED');
    } finally {
      await hook.restart();
    }
    await waitForValue(
      'the delivery after the outage',
      () => (hook.deliveries.length > 0 ? true : undefined),
      25_000,
    );
    const row = await deliveredRow(`crisis-review:${entryId}`);
    expect(row.attempts).toBeGreaterThanOrEqual(2);
  }, 40_000);

  it('gives up after the last retry and says so', async () => {
    const draft = crisisReviewAlert(crypto.randomUUID(), new Date(), ['suicide']);
    // Raised where no queue runs (a tool): recorded, delivered by hand below as the last attempt.
    const id = await raiseAlert({ ...t.ctx, jobs: undefined }, draft);
    if (!id) throw new Error('not raised');
    hook.failNext(503);
    const lastAttempt = { id: 'x', data: { alertId: id }, retryCount: 12, retryLimit: 12 };
    await expect(
      deliverAlert(t.ctx, lastAttempt as unknown as JobWithMetadata<AlertJobData>, silent),
    ).rejects.toThrow('webhook answered HTTP 503');
    const [row] = await alertsByKey(draft.incidentKey);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, last_error: 'webhook answered HTTP 503' });
  });
});

describe('review entries from the daily status check', () => {
  it('alerts once for the entries a run queued, not again for the same entries', async () => {
    await askCrisis();
    await waitForValue('the /ask alert', () => (hook.deliveries.length > 0 ? true : undefined));
    hook.deliveries.length = 0;
    // Tomorrow's run: its window is the three days before, today included.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const first = await runStatusCheck(t.ctx, { date: tomorrow, trigger: 'manual', log: silent });
    expect(first.heldForReview).toBeGreaterThan(0);
    await waitForValue('the review alert', () => (hook.deliveries.length > 0 ? true : undefined));
    const text = String(hook.deliveries[0]?.body.text);
    expect(text).toMatch(/held \d+ user\(s\) back from an automated nudge/);
    expect(text).toMatch(/Entries: coach_reviews [0-9a-f-]{36}/);
    expect(text).not.toMatch(/kill|myself/i);
    await runStatusCheck(t.ctx, { date: tomorrow, trigger: 'manual', log: silent });
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(hook.deliveries).toHaveLength(1);
  });
});

describe('job failure alerts', () => {
  const key = 'job-failed:check-user-status';
  const runJob = async (data: object) => {
    const id = await engine.boss.send('check-user-status', data, { retryLimit: 0 });
    if (!id) throw new Error('not queued');
    return waitForValue('the job to finish', async () => {
      const state = await jobState(id);
      return state === 'completed' || state === 'failed' ? state : undefined;
    });
  };

  it('alerts once per failure streak of a scheduled job, again after it recovered', async () => {
    // An impossible date makes the real status check throw.
    expect(await runJob({ trigger: 'api', date: 'not-a-date' })).toBe('failed');
    expect(await runJob({ trigger: 'api', date: 'not-a-date' })).toBe('failed');
    await waitForValue('the delivery', () => (hook.deliveries.length > 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(hook.deliveries).toHaveLength(1);
    expect(String(hook.deliveries[0]?.body.text)).toMatch(
      /Job "check-user-status" failed at .*\nError: RangeError/,
    );
    expect(await deliveredRow(key)).toMatchObject({ status: 'delivered', resolved_at: null });
    expect(await alertsByKey(key)).toHaveLength(1);

    expect(await runJob({ trigger: 'api', date: '2026-11-30' })).toBe('completed');
    expect((await alertsByKey(key))[0]?.resolved_at).not.toBeNull();
    expect(await runJob({ trigger: 'api', date: 'not-a-date' })).toBe('failed');
    await waitForValue('the second streak', () => (hook.deliveries.length > 1 ? true : undefined));
    expect(await alertsByKey(key)).toHaveLength(2);
  }, 40_000);

  it('passes the result and the error through unchanged', async () => {
    const ok = withFailureAlerts(t.ctx, silent, 'memory-retention', async (n: number) => n * 2);
    expect(await ok(21)).toBe(42);
    const boom = new Error('disk full');
    const failing = withFailureAlerts(t.ctx, silent, 'memory-retention', async () => {
      throw boom;
    });
    await expect(failing()).rejects.toBe(boom);
    expect(await alertsByKey('job-failed:memory-retention')).toMatchObject([{ kind: 'job_failed' }]);
    await waitForValue('the delivery', () => (hook.deliveries.length > 0 ? true : undefined));
  });
});

describe('without ALERT_WEBHOOK_URL', () => {
  it('sends nothing and queues nothing', async () => {
    const plain = await startTestApp(db, {});
    // Even with a queue at hand, an instance without a webhook queues nothing.
    plain.ctx.jobs = engine;
    try {
      const count = async () => {
        const alerts = await asService(db, (tx) =>
          tx
            .selectFrom('operator_alerts')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow(),
        );
        const { rows } = await sql<{
          n: number;
        }>`select count(*)::int as n from pgboss.job where name = 'operator-alert'`.execute(db.kysely);
        return [Number(alerts.n), rows[0]?.n];
      };
      const before = await count();
      await askCrisis(plain);
      await withFailureAlerts(plain.ctx, silent, 'memory-sync', async () => {
        throw new Error('down');
      })().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await count()).toEqual(before);
      expect(hook.deliveries).toHaveLength(0);
    } finally {
      plain.ctx.jobs = undefined;
      await plain.close();
    }
  });
});

describe('what an operator sees', () => {
  it('lists alerts with their delivery state for a service token only', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/admin/alerts' })).statusCode).toBe(401);
    const user = await createUser();
    expect(
      (await t.app.inject({ method: 'GET', url: '/admin/alerts', headers: bearer(user) })).statusCode,
    ).toBe(403);
    const token = await signServiceToken(testJwtSecret, { issuer: serviceTokenIssuer });
    const response = await t.app.inject({
      method: 'GET',
      url: '/admin/alerts',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ webhook_configured: true, format: 'slack' });
    expect(body.counts.delivered).toBeGreaterThanOrEqual(3);
    expect(body.counts.failed).toBeGreaterThanOrEqual(1);
    // The webhook's token never leaves the configuration.
    expect(response.body).not.toContain('fake-token');
  });

  it('counts alerts by delivery state in /metrics', async () => {
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/coach_operator_alerts\{status="delivered"\} [1-9]/);
    expect(metrics).toMatch(/coach_operator_alerts\{status="failed"\} [1-9]/);
    expect(metrics).toContain('coach_operator_alert_webhook_configured 1');
  });
});

describe('webhook formats', () => {
  it.each([
    ['https://hooks.slack.com/services/T1/B2/x', undefined, 'slack'],
    ['https://discord.com/api/webhooks/1/x', undefined, 'discord'],
    ['https://discordapp.com/api/webhooks/1/x', undefined, 'discord'],
    ['https://discord.com/api/webhooks/1/x/slack', undefined, 'slack'],
    ['https://chat.example.com/hook', 'discord', 'discord'],
  ])('%s with format %s is %s', (url, format, expected) => {
    const env = { ALERT_WEBHOOK_URL: url, ...(format ? { ALERT_WEBHOOK_FORMAT: format } : {}) };
    expect(alertsConfigFromEnv(env).format).toBe(expected);
  });

  it('puts the text where each service reads it', () => {
    expect(webhookBody('slack', 'hi')).toEqual({ text: 'hi' });
    expect(webhookBody('discord', 'hi')).toEqual({ content: 'hi', allowed_mentions: { parse: [] } });
  });

  it('refuses a bad format or URL naming the variable, never echoing the URL', () => {
    expect(() => alertsConfigFromEnv({ ALERT_WEBHOOK_FORMAT: 'teams' })).toThrow(ConfigError);
    expect(() => alertsConfigFromEnv({ ALERT_WEBHOOK_URL: 'ftp://secret-token@x' })).toThrow(
      /ALERT_WEBHOOK_URL/,
    );
    try {
      alertsConfigFromEnv({ ALERT_WEBHOOK_URL: 'not a url secret-token' });
    } catch (error) {
      expect(String(error)).not.toContain('secret-token');
    }
  });

  it('keeps job alerts within Discord limits and without a stack', () => {
    const error = new Error(`${'x'.repeat(5_000)}\n    at secret (file.ts:1:1)`);
    const draft = jobFailedAlert('memory-sync', error, new Date());
    expect(draft.text.length).toBeLessThanOrEqual(1_900);
    expect(draft.text).not.toContain('at secret');
  });
});

/** Another instance on the same database: its own pool on PostgreSQL (PGlite has one session). */
async function secondInstance(): Promise<{ ctx: AppContext; close(): Promise<void> }> {
  if (db.connection.kind !== 'postgres') return { ctx: t.ctx, close: async () => {} };
  const secondDb = postgresDatabase<CoachSchema>(db.connection.url, 'authenticator', 2);
  const ctx = await createContext(t.ctx.config, { db: secondDb });
  // Its queue sends go through its own transaction (see raiseAlert), so the first one's client serves.
  ctx.jobs = engine;
  return { ctx, close: () => secondDb.close() };
}
