import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CoachDatabase } from '../src/db/coach-database.ts';
import { runPushDelivery } from '../src/modules/push/push-dispatcher.ts';
import { asService } from './support/coach-logs.ts';
import { type FakeExpoServer, startFakeExpoServer } from './support/fake-expo-server.ts';
import {
  bearer,
  createUser,
  openFileDatabase,
  startTestApp,
  type TestApp,
  type TestUser,
} from './support/test-app.ts';

let db: CoachDatabase;
let expo: FakeExpoServer;
let t: TestApp;
const accessToken = 'expo-access-token-for-tests';

beforeAll(async () => {
  db = await openFileDatabase();
  expo = await startFakeExpoServer();
  t = await startTestApp(db, {
    EXPO_PUSH_URL: expo.pushUrl,
    EXPO_RECEIPTS_URL: expo.receiptsUrl,
    EXPO_ACCESS_TOKEN: accessToken,
    PUSH_MAX_ATTEMPTS: '3',
    PUSH_RETRY_BASE_SECONDS: '10',
    PUSH_REQUEST_TIMEOUT_MS: '5000',
    PUSH_RECEIPT_DELAY_SECONDS: '60',
    PUSH_RECEIPT_DEADLINE_SECONDS: '3600',
  });
});
afterAll(async () => {
  await t?.close();
  await expo?.close();
  await db?.close();
});

// Each test acts at its own time, days after the last, so no test's retries come due in another's.
let clock = Date.now();
let t0: Date;
beforeEach(() => {
  clock += 10 * 86_400_000;
  t0 = new Date(clock);
  t.ctx.now = () => t0;
});
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

let serial = 0;
async function userWithTokens(count: number): Promise<{ user: TestUser; tokens: string[] }> {
  const user = await createUser();
  const tokens = Array.from(
    { length: count },
    () => `ExponentPushToken[dev${String(++serial).padStart(8, '0')}xyz]`,
  );
  await asService(db, async (tx) => {
    await tx.insertInto('auth.users').values({ id: user.id, email: user.email }).execute();
    if (tokens.length > 0) {
      await tx
        .insertInto('push_tokens')
        .values(tokens.map((token) => ({ user_id: user.id, token, platform: 'ios' as const })))
        .execute();
    }
  });
  return { user, tokens };
}

/** What the schedule part writes: a nudge whose push channel may deliver from `pushAfter`. */
function notify(
  userId: string,
  pushAfter: Date | null,
  message = 'Time for a short walk?',
  type: 'ai_coach_proactive' | 'reminder' = 'ai_coach_proactive',
): Promise<string> {
  return asService(db, async (tx) => {
    const row = await tx
      .insertInto('coach_notifications')
      .values({
        user_id: userId,
        message,
        type,
        push_after: pushAfter?.toISOString() ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  });
}

function deliveriesOf(notificationId: string) {
  return asService(db, (tx) =>
    tx
      .selectFrom('push_deliveries')
      .leftJoin('push_tokens', 'push_tokens.id', 'push_deliveries.token_id')
      .select([
        'push_deliveries.status',
        'push_deliveries.reason',
        'push_deliveries.attempts',
        'push_deliveries.ticket_id',
        'push_deliveries.next_attempt_at',
        'push_deliveries.token_id',
        'push_tokens.token',
      ])
      .where('notification_id', '=', notificationId)
      .execute(),
  );
}

function tokenCount(userId: string): Promise<number> {
  return asService(
    db,
    async (tx) =>
      (await tx.selectFrom('push_tokens').select('id').where('user_id', '=', userId).execute()).length,
  );
}

async function pushChannel(user: TestUser, notificationId: string) {
  const response = await t.app.inject({ method: 'GET', url: '/notifications', headers: bearer(user) });
  expect(response.statusCode).toBe(200);
  const item = response.json().items.find((row: { id: string }) => row.id === notificationId);
  return item.channels.push;
}

/** A port nothing listens on (bound, then released): connecting is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const messagesTo = (tokens: string[]) => expo.sentMessages().filter((message) => tokens.includes(message.to));
const run = (seconds = 0) => runPushDelivery(t.ctx, { now: at(seconds) });

describe('sending', () => {
  it('sends a due notification to every device, with the access token, and confirms it by receipt', async () => {
    const { user, tokens } = await userWithTokens(2);
    const id = await notify(user.id, t0, 'You logged three calm days in a row.');
    const sendsBefore = expo.sends.length;
    await run();
    const sent = messagesTo(tokens);
    expect(sent.map((message) => message.to).sort()).toEqual([...tokens].sort());
    expect(sent[0]).toEqual({
      to: expect.any(String),
      title: 'Your coach',
      body: 'You logged three calm days in a row.',
      data: { notification_id: id },
      sound: 'default',
    });
    for (const send of expo.sends.slice(sendsBefore))
      expect(send.headers.authorization).toBe(`Bearer ${accessToken}`);
    expect((await deliveriesOf(id)).map((row) => row.status)).toEqual(['sent', 'sent']);
    expect(await pushChannel(user, id)).toEqual({ status: 'sent', devices: 2 });

    // Receipts are asked for only once PUSH_RECEIPT_DELAY_SECONDS have passed.
    const receiptsBefore = expo.receiptRequests.length;
    await run(30);
    expect(expo.receiptRequests.length).toBe(receiptsBefore);
    await run(61);
    const asked = expo.receiptRequests.slice(receiptsBefore);
    expect(asked.flatMap((request) => request.ids)).toEqual(
      expect.arrayContaining((await deliveriesOf(id)).map((row) => row.ticket_id)),
    );
    expect(asked[0]?.headers.authorization).toBe(`Bearer ${accessToken}`);
    expect((await deliveriesOf(id)).map((row) => row.status)).toEqual(['delivered', 'delivered']);
    expect(await pushChannel(user, id)).toEqual({ status: 'delivered', devices: 2 });
    // A second run sends nothing again.
    await run(120);
    expect(messagesTo(tokens)).toHaveLength(2);
  });

  it('sends 250 devices in requests of at most 100 messages (100, 100, 50)', async () => {
    const { user, tokens } = await userWithTokens(250);
    const id = await notify(user.id, t0);
    const sendsBefore = expo.sends.length;
    const summary = await run();
    const sizes = expo.sends.slice(sendsBefore).map((send) => send.messages.length);
    expect(sizes.sort((a, b) => b - a)).toEqual([100, 100, 50]);
    expect(summary).toMatchObject({ notifications: 1, deliveries: 250, requests: 3 });
    expect(new Set(messagesTo(tokens).map((message) => message.to)).size).toBe(250);
    expect(new Set((await deliveriesOf(id)).map((row) => row.status))).toEqual(new Set(['sent']));
  });

  it('holds a notification whose push_after is ahead, and sends it once due', async () => {
    const { user, tokens } = await userWithTokens(1);
    const id = await notify(user.id, at(3_600));
    await run();
    expect(messagesTo(tokens)).toEqual([]);
    expect(await pushChannel(user, id)).toEqual({ status: 'held', devices: 0 });
    t.ctx.now = () => at(3_600);
    expect(await pushChannel(user, id)).toEqual({ status: 'queued', devices: 0 });
    await run(3_600);
    expect(messagesTo(tokens)).toHaveLength(1);
    expect(await pushChannel(user, id)).toEqual({ status: 'sent', devices: 1 });
  });

  it('leaves in-app-only notifications alone and says no_device for a user without tokens', async () => {
    const { user } = await userWithTokens(0);
    const inAppOnly = await notify(user.id, null, 'Drink some water', 'reminder');
    const pushed = await notify(user.id, t0);
    await run();
    expect(await pushChannel(user, inAppOnly)).toEqual({ status: 'not_requested', devices: 0 });
    expect(await pushChannel(user, pushed)).toEqual({ status: 'no_device', devices: 0 });
  });
});

describe('DeviceNotRegistered', () => {
  it('at the ticket: removes the token and fails that delivery with the reason', async () => {
    const { user, tokens } = await userWithTokens(2);
    const [gone, kept] = tokens as [string, string];
    expo.ticketErrors.set(gone, 'DeviceNotRegistered');
    const id = await notify(user.id, t0);
    await run();
    const rows = await deliveriesOf(id);
    expect(rows).toContainEqual(
      expect.objectContaining({ status: 'failed', reason: 'DeviceNotRegistered', token_id: null }),
    );
    expect(rows).toContainEqual(expect.objectContaining({ status: 'sent', token: kept }));
    expect(await tokenCount(user.id)).toBe(1);
    // One device still got it: the channel says sent.
    expect(await pushChannel(user, id)).toEqual({ status: 'sent', devices: 2 });
  });

  it('at the receipt: removes the token and fails the delivery', async () => {
    const { user, tokens } = await userWithTokens(1);
    expo.receiptErrors.set(tokens[0] as string, 'DeviceNotRegistered');
    const id = await notify(user.id, t0);
    await run();
    expect(await tokenCount(user.id)).toBe(1);
    await run(61);
    expect(await deliveriesOf(id)).toEqual([
      expect.objectContaining({ status: 'failed', reason: 'DeviceNotRegistered' }),
    ]);
    expect(await tokenCount(user.id)).toBe(0);
    expect(await pushChannel(user, id)).toEqual({
      status: 'failed',
      reason: 'DeviceNotRegistered',
      devices: 1,
    });
  });
});

describe('other ticket errors', () => {
  it('fails MessageTooBig at once, and retries MessageRateExceeded', async () => {
    const { user, tokens } = await userWithTokens(2);
    const [big, limited] = tokens as [string, string];
    expo.ticketErrors.set(big, 'MessageTooBig');
    expo.ticketErrors.set(limited, 'MessageRateExceeded');
    const id = await notify(user.id, t0);
    await run();
    const rows = await deliveriesOf(id);
    expect(rows).toContainEqual(
      expect.objectContaining({ token: big, status: 'failed', reason: 'MessageTooBig' }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({ token: limited, status: 'queued', reason: 'MessageRateExceeded' }),
    );
    expo.ticketErrors.delete(limited);
    await run(11);
    expect(await deliveriesOf(id)).toContainEqual(
      expect.objectContaining({ token: limited, status: 'sent', reason: null }),
    );
    expect(messagesTo([big])).toHaveLength(1);
  });
});

describe('whole-request failures', () => {
  it('waits out a 429 for its Retry-After, then sends', async () => {
    const { user, tokens } = await userWithTokens(1);
    const id = await notify(user.id, t0);
    expo.failNextSends({ status: 429, retryAfter: 120 });
    await run();
    const [row] = await deliveriesOf(id);
    expect(row).toMatchObject({ status: 'queued', reason: 'expo_http_429', attempts: 1 });
    expect(Date.parse(row?.next_attempt_at as string)).toBe(at(120).getTime());
    expect(await pushChannel(user, id)).toEqual({ status: 'queued', devices: 1 });
    await run(60);
    expect(messagesTo(tokens)).toEqual([]);
    await run(120);
    expect(messagesTo(tokens)).toHaveLength(1);
    expect(await deliveriesOf(id)).toEqual([expect.objectContaining({ status: 'sent', attempts: 2 })]);
  });

  it.each([
    ['a 500', { status: 500 } as const, 'expo_http_500'],
    ['no answer (timeout)', 'hang' as const, 'expo_timeout'],
  ])('retries after %s with backoff, then sends', async (_what, failure, reason) => {
    const { user, tokens } = await userWithTokens(1);
    const id = await notify(user.id, t0);
    expo.failNextSends(failure);
    // A short timeout for the hang; the file's default is generous for a loaded machine.
    t.ctx.config.push.requestTimeoutMs = 300;
    try {
      await run();
    } finally {
      t.ctx.config.push.requestTimeoutMs = 5_000;
    }
    expect(await deliveriesOf(id)).toEqual([
      expect.objectContaining({ status: 'queued', reason, attempts: 1 }),
    ]);
    await run(10);
    expect(await deliveriesOf(id)).toEqual([expect.objectContaining({ status: 'sent', attempts: 2 })]);
    expect(messagesTo(tokens)).toHaveLength(1);
  });

  it('retries when Expo is unreachable (connection refused)', async () => {
    const { user } = await userWithTokens(1);
    const id = await notify(user.id, t0);
    const pushUrl = t.ctx.config.push.pushUrl;
    t.ctx.config.push.pushUrl = `http://127.0.0.1:${await closedPort()}/--/api/v2/push/send`;
    try {
      await run();
    } finally {
      t.ctx.config.push.pushUrl = pushUrl;
    }
    expect(await deliveriesOf(id)).toEqual([
      expect.objectContaining({ status: 'queued', reason: 'expo_unreachable: ECONNREFUSED' }),
    ]);
    await run(10);
    expect(await deliveriesOf(id)).toEqual([expect.objectContaining({ status: 'sent' })]);
  });

  it('gives up after PUSH_MAX_ATTEMPTS with the last reason, doubling the wait each time', async () => {
    const { user, tokens } = await userWithTokens(1);
    const id = await notify(user.id, t0);
    expo.failNextSends({ status: 500 }, { status: 503 }, { status: 500 });
    await run();
    await run(9);
    expect(await deliveriesOf(id)).toEqual([expect.objectContaining({ status: 'queued', attempts: 1 })]);
    await run(10);
    const [second] = await deliveriesOf(id);
    expect(second).toMatchObject({ status: 'queued', attempts: 2, reason: 'expo_http_503' });
    expect(Date.parse(second?.next_attempt_at as string)).toBe(at(30).getTime());
    await run(30);
    expect(await deliveriesOf(id)).toEqual([
      expect.objectContaining({ status: 'failed', attempts: 3, reason: 'expo_http_500' }),
    ]);
    expect(await pushChannel(user, id)).toEqual({ status: 'failed', reason: 'expo_http_500', devices: 1 });
    await run(3_600);
    expect(messagesTo(tokens)).toEqual([]);
  });

  it('fails at once on a 400 that retrying cannot fix', async () => {
    const { user } = await userWithTokens(1);
    const id = await notify(user.id, t0);
    expo.failNextSends({ status: 400 });
    await run();
    expect(await deliveriesOf(id)).toEqual([
      expect.objectContaining({ status: 'failed', reason: 'expo_http_400: VALIDATION_ERROR', attempts: 1 }),
    ]);
  });
});

describe('receipts', () => {
  it('keeps asking for a missing receipt, then fails it as receipt_unavailable at the deadline', async () => {
    const { user, tokens } = await userWithTokens(1);
    expo.receiptErrors.set(tokens[0] as string, 'missing');
    const id = await notify(user.id, t0);
    await run();
    await run(61);
    expect(await deliveriesOf(id)).toEqual([expect.objectContaining({ status: 'sent' })]);
    await run(1_800);
    expect(await deliveriesOf(id)).toEqual([expect.objectContaining({ status: 'sent' })]);
    await run(3_600);
    expect(await deliveriesOf(id)).toEqual([
      expect.objectContaining({ status: 'failed', reason: 'receipt_unavailable' }),
    ]);
    expect(await pushChannel(user, id)).toEqual({
      status: 'failed',
      reason: 'receipt_unavailable',
      devices: 1,
    });
  });

  it('asks again after the receipts request itself fails', async () => {
    const { user } = await userWithTokens(1);
    const id = await notify(user.id, t0);
    await run();
    expo.failNextReceipts({ status: 500 });
    await run(61);
    expect(await deliveriesOf(id)).toEqual([expect.objectContaining({ status: 'sent' })]);
    await run(200);
    expect(await deliveriesOf(id)).toEqual([expect.objectContaining({ status: 'delivered' })]);
  });
});

describe('tokens changing under a queued message', () => {
  it('fails the message as token_removed instead of sending it to the device’s new owner', async () => {
    const { user, tokens } = await userWithTokens(1);
    const other = await userWithTokens(0);
    const id = await notify(user.id, t0);
    expo.failNextSends({ status: 500 });
    await run();
    // The device signs in to another account before the retry.
    const moved = await t.app.inject({
      method: 'POST',
      url: '/me/push-tokens',
      headers: bearer(other.user),
      payload: { token: tokens[0], platform: 'android' },
    });
    expect(moved.statusCode).toBe(201);
    await run(10);
    expect(await deliveriesOf(id)).toEqual([
      expect.objectContaining({ status: 'failed', reason: 'token_removed' }),
    ]);
    expect(messagesTo(tokens)).toEqual([]);
  });
});
