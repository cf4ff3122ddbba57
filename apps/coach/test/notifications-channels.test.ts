import { describe, expect, it } from 'vitest';
import { runPushDelivery } from '../src/modules/push/push-dispatcher.ts';
import { asService } from './support/coach-logs.ts';
import { bearer, createUser, type TestUser, useTestApp } from './support/test-app.ts';

// No Expo here: deliveries are arranged directly, as the dispatcher would leave them.
const t = useTestApp({ PUSH_ENABLED: 'false' });

async function seededUser(): Promise<TestUser> {
  const user = await createUser();
  await asService(t.db, (tx) =>
    tx.insertInto('auth.users').values({ id: user.id, email: user.email }).execute(),
  );
  return user;
}

let serial = 0;
async function notification(
  user: TestUser,
  fields: { push_after?: string | null; push_dispatched_at?: string | null; created_at?: string } = {},
  deliveries: {
    status: 'queued' | 'sent' | 'delivered' | 'failed';
    reason?: string;
    finished_at?: string;
  }[] = [],
): Promise<string> {
  return asService(t.db, async (tx) => {
    const { id } = await tx
      .insertInto('coach_notifications')
      .values({ user_id: user.id, message: `note ${++serial}`, type: 'reminder', ...fields })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const delivery of deliveries) {
      const token = await tx
        .insertInto('push_tokens')
        .values({
          user_id: user.id,
          token: `ExponentPushToken[chan${String(++serial).padStart(8, '0')}]`,
          platform: 'ios',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('push_deliveries')
        .values({ notification_id: id, token_id: token.id, user_id: user.id, ...delivery })
        .execute();
    }
    return id;
  });
}

async function listed(user: TestUser, query = '') {
  const response = await t.app.inject({
    method: 'GET',
    url: `/notifications${query}`,
    headers: bearer(user),
  });
  expect(response.statusCode).toBe(200);
  return response.json() as {
    items: { id: string; channels: { in_app: unknown; push: unknown } }[];
    next_cursor: string | null;
  };
}

const past = '2026-01-01T08:00:00.000Z';
const future = '2999-01-01T08:00:00.000Z';

describe('GET /notifications channels', () => {
  it('keeps the existing fields and adds in_app and push states', async () => {
    const user = await seededUser();
    const id = await notification(user);
    const [item] = (await listed(user)).items;
    expect(item).toEqual({
      id,
      message: expect.any(String),
      type: 'reminder',
      read: false,
      priority: 'normal',
      created_at: expect.any(String),
      channels: { in_app: { status: 'delivered' }, push: { status: 'not_requested', devices: 0 } },
    });
  });

  it.each([
    ['held while push_after is ahead', { push_after: future }, [], { status: 'held', devices: 0 }],
    ['queued once due but not yet fanned out', { push_after: past }, [], { status: 'queued', devices: 0 }],
    [
      'no_device when fanned out to no token',
      { push_after: past, push_dispatched_at: past },
      [],
      { status: 'no_device', devices: 0 },
    ],
    [
      'delivered when any device got it',
      { push_after: past, push_dispatched_at: past },
      [{ status: 'failed', reason: 'DeviceNotRegistered' }, { status: 'delivered' }, { status: 'sent' }],
      { status: 'delivered', devices: 3 },
    ],
    [
      'sent while receipts are awaited',
      { push_after: past, push_dispatched_at: past },
      [{ status: 'sent' }, { status: 'queued' }],
      { status: 'sent', devices: 2 },
    ],
    [
      'queued while retrying',
      { push_after: past, push_dispatched_at: past },
      [
        { status: 'queued', reason: 'expo_http_500' },
        { status: 'failed', reason: 'MessageTooBig' },
      ],
      { status: 'queued', devices: 2 },
    ],
    [
      'failed with the latest reason when every device failed',
      { push_after: past, push_dispatched_at: past },
      [
        { status: 'failed', reason: 'expo_http_500', finished_at: '2026-01-01T08:01:00Z' },
        { status: 'failed', reason: 'DeviceNotRegistered', finished_at: '2026-01-01T08:05:00Z' },
      ],
      { status: 'failed', reason: 'DeviceNotRegistered', devices: 2 },
    ],
  ] as const)('push is %s', async (_what, fields, deliveries, expected) => {
    const user = await seededUser();
    const id = await notification(user, fields, [...deliveries]);
    const item = (await listed(user)).items.find((row) => row.id === id);
    expect(item?.channels.push).toEqual(expected);
  });

  it('pages as before, each page with its channels', async () => {
    const user = await seededUser();
    for (let day = 1; day <= 3; day += 1) {
      await notification(
        user,
        { created_at: `2026-02-0${day}T08:00:00Z`, push_after: past, push_dispatched_at: past },
        [{ status: 'delivered' }],
      );
    }
    const first = await listed(user, '?limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.next_cursor).not.toBeNull();
    const second = await listed(user, `?limit=2&cursor=${encodeURIComponent(first.next_cursor ?? '')}`);
    expect(second.items).toHaveLength(1);
    expect(second.next_cursor).toBeNull();
    for (const item of [...first.items, ...second.items]) {
      expect(item.channels.push).toEqual({ status: 'delivered', devices: 1 });
    }
  });

  it('answers PATCH with the channels too, and shows another user nothing', async () => {
    const alice = await seededUser();
    const bob = await seededUser();
    const id = await notification(alice, { push_after: past, push_dispatched_at: past }, [
      { status: 'sent' },
    ]);
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/notifications/${id}`,
      headers: bearer(alice),
      payload: { read: true },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      id,
      read: true,
      channels: { push: { status: 'sent', devices: 1 } },
    });
    expect((await listed(bob)).items).toEqual([]);
  });

  it('leaves everything undispatched while push is disabled (PUSH_ENABLED=false)', async () => {
    const user = await seededUser();
    const id = await notification(user, { push_after: past });
    expect(await runPushDelivery(t.ctx)).toEqual({
      notifications: 0,
      deliveries: 0,
      requests: 0,
      receiptRequests: 0,
    });
    expect((await listed(user)).items.find((row) => row.id === id)?.channels.push).toEqual({
      status: 'queued',
      devices: 0,
    });
  });
});
