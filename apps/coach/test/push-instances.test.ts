import { postgresDatabase } from '@ours/platform/db';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context.ts';
import { createContext } from '../src/create-context.ts';
import type { CoachDatabase, CoachSchema } from '../src/db/coach-database.ts';
import { type JobEngine, startJobEngine } from '../src/modules/jobs/job-engine.ts';
import { runPushDelivery } from '../src/modules/push/push-dispatcher.ts';
import { asService } from './support/coach-logs.ts';
import { type FakeExpoServer, startFakeExpoServer } from './support/fake-expo-server.ts';
import { createUser, openFileDatabase, startTestApp, type TestApp } from './support/test-app.ts';

let db: CoachDatabase;
let expo: FakeExpoServer;
let t: TestApp;

beforeAll(async () => {
  db = await openFileDatabase();
  // Each answer takes a while, so two instances' runs really overlap.
  expo = await startFakeExpoServer({ latencyMs: 50 });
  t = await startTestApp(db, {
    EXPO_PUSH_URL: expo.pushUrl,
    EXPO_RECEIPTS_URL: expo.receiptsUrl,
    PUSH_REQUEST_TIMEOUT_MS: '10000',
    PUSH_CONCURRENCY: '3',
  });
});
afterAll(async () => {
  await t?.close();
  await expo?.close();
  await db?.close();
});

let serial = 0;
/** `users` users with one device each, and one due nudge for each. */
async function dueNudges(users: number): Promise<string[]> {
  const tokens: string[] = [];
  await asService(db, async (tx) => {
    for (let index = 0; index < users; index += 1) {
      const user = await createUser();
      const token = `ExponentPushToken[inst${String(++serial).padStart(8, '0')}]`;
      tokens.push(token);
      await tx.insertInto('auth.users').values({ id: user.id, email: user.email }).execute();
      await tx.insertInto('push_tokens').values({ user_id: user.id, token, platform: 'android' }).execute();
      await tx
        .insertInto('coach_notifications')
        .values({
          user_id: user.id,
          message: 'Stretch?',
          type: 'nudge',
          push_after: new Date().toISOString(),
        })
        .execute();
    }
  });
  return tokens;
}

/** Another instance on the same database: its own pool on PostgreSQL (PGlite has one session). */
async function secondInstance(): Promise<{ ctx: AppContext; close(): Promise<void> }> {
  if (db.connection.kind !== 'postgres') {
    const ctx = await createContext(t.ctx.config, { db });
    return { ctx, close: async () => {} };
  }
  const secondDb = postgresDatabase<CoachSchema>(db.connection.url, 'authenticator', 4);
  const ctx = await createContext(t.ctx.config, { db: secondDb });
  return { ctx, close: () => secondDb.close() };
}

describe('two instances', () => {
  it('never send the same message twice when their runs overlap', async () => {
    const tokens = await dueNudges(450);
    const other = await secondInstance();
    try {
      const [first, second] = await Promise.all([
        runPushDelivery(t.ctx, { skipReceipts: true }),
        runPushDelivery(other.ctx, { skipReceipts: true }),
      ]);
      expect((first.deliveries ?? 0) + (second.deliveries ?? 0)).toBe(450);
      const sent = expo.sentMessages().filter((message) => tokens.includes(message.to));
      expect(sent).toHaveLength(450);
      expect(new Set(sent.map((message) => message.to)).size).toBe(450);
      for (const send of expo.sends) expect(send.messages.length).toBeLessThanOrEqual(100);
      if (db.connection.kind === 'postgres') {
        // Both took part (on PGlite one session serialises them, so either may do it all).
        expect(first.requests).toBeGreaterThan(0);
        expect(second.requests).toBeGreaterThan(0);
      }
    } finally {
      await other.close();
    }
  });
});

describe('the job queue', () => {
  let engine: JobEngine;
  beforeAll(async () => {
    engine = await startJobEngine(t.ctx, pino({ level: 'silent' }), { workers: true });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('delivers soon after ctx.push.wake()', async () => {
    expect(t.ctx.push).toBeDefined();
    const [token] = await dueNudges(1);
    t.ctx.push?.wake();
    const deadline = Date.now() + 20_000;
    while (!expo.sentMessages().some((message) => message.to === token)) {
      if (Date.now() > deadline) throw new Error('the woken run sent nothing');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(expo.sentMessages().filter((message) => message.to === token)).toHaveLength(1);
  });
});
