import { asUser } from '@ours/platform/db';
import { describe, expect, it } from 'vitest';
import { asService, databaseError } from './support/coach-logs.ts';
import { bearer, createUser, type TestUser, useTestApp } from './support/test-app.ts';

const t = useTestApp({ PUSH_TOKENS_PER_USER: '3' });

let serial = 0;
/** A well-formed Expo token, unique per call. */
function expoToken(prefix = 'ExponentPushToken'): string {
  serial += 1;
  return `${prefix}[tok${String(serial).padStart(6, '0')}abcdefghij]`;
}

function register(user: TestUser, token: string, platform = 'ios') {
  return t.app.inject({
    method: 'POST',
    url: '/me/push-tokens',
    headers: bearer(user),
    payload: { token, platform },
  });
}

async function tokensOf(user: TestUser): Promise<{ id: string; token: string; platform: string }[]> {
  const response = await t.app.inject({ method: 'GET', url: '/me/push-tokens', headers: bearer(user) });
  expect(response.statusCode).toBe(200);
  return response.json().items;
}

describe('POST /me/push-tokens', () => {
  it('registers a new token with 201 and lists it', async () => {
    const user = await createUser();
    const token = expoToken();
    const response = await register(user, token, 'android');
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ token, platform: 'android' });
    expect(await tokensOf(user)).toEqual([expect.objectContaining({ id: response.json().id, token })]);
  });

  it('accepts the newer ExpoPushToken[...] spelling', async () => {
    const user = await createUser();
    expect((await register(user, expoToken('ExpoPushToken'), 'web')).statusCode).toBe(201);
  });

  it('answers 200 and keeps one row when the same user registers the token again', async () => {
    const user = await createUser();
    const token = expoToken();
    const first = await register(user, token, 'ios');
    const again = await register(user, token, 'android');
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect(again.json().platform).toBe('android');
    expect(Date.parse(again.json().last_registered_at)).toBeGreaterThan(
      Date.parse(first.json().last_registered_at),
    );
    expect(await tokensOf(user)).toHaveLength(1);
  });

  it('moves a token to the user who registers it last, revealing nothing of the first owner', async () => {
    const alice = await createUser();
    const bob = await createUser();
    const token = expoToken();
    const first = await register(alice, token);
    const moved = await register(bob, token);
    expect(moved.statusCode).toBe(201);
    expect(moved.json().id).not.toBe(first.json().id);
    expect(Object.keys(moved.json()).sort()).toEqual([
      'created_at',
      'id',
      'last_registered_at',
      'platform',
      'token',
    ]);
    expect(await tokensOf(alice)).toEqual([]);
    expect((await tokensOf(bob)).map((row) => row.token)).toEqual([token]);
  });

  it('evicts the least recently registered token beyond the per-user cap', async () => {
    const user = await createUser();
    const [a, b, c, d] = [expoToken(), expoToken(), expoToken(), expoToken()];
    for (const token of [a, b, c]) expect((await register(user, token)).statusCode).toBe(201);
    // Renewing `a` makes `b` the least recently registered.
    expect((await register(user, a as string)).statusCode).toBe(200);
    expect((await register(user, d as string)).statusCode).toBe(201);
    expect((await tokensOf(user)).map((row) => row.token).sort()).toEqual([a, c, d].sort());
  });

  it.each([
    ['garbage', 'not-a-token', 'unknown'],
    ['empty brackets', 'ExponentPushToken[]', 'unknown'],
    ['a raw APNs device token', 'a'.repeat(64), 'apns'],
    ['a raw FCM registration token', `fGx1dQ2sR3e:APA91b${'H'.repeat(140)}`, 'fcm'],
  ])('refuses %s with 400 invalid_push_token', async (_what, token, kind) => {
    const user = await createUser();
    const response = await register(user, token);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'invalid_push_token', details: { kind } });
    if (kind !== 'unknown') expect(response.json().error.message).toMatch(/Expo push token/);
    expect(await tokensOf(user)).toEqual([]);
  });

  it('refuses an unknown platform and a missing token', async () => {
    const user = await createUser();
    expect((await register(user, expoToken(), 'windows')).statusCode).toBe(400);
    const response = await t.app.inject({
      method: 'POST',
      url: '/me/push-tokens',
      headers: bearer(user),
      payload: { platform: 'ios' },
    });
    expect(response.statusCode).toBe(400);
  });

  it('needs a signed-in user', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/me/push-tokens',
      payload: { token: expoToken(), platform: 'ios' },
    });
    expect(response.statusCode).toBe(401);
  });
});

describe('DELETE /me/push-tokens/:id', () => {
  it('deletes your own token (204) and answers 404 for another user’s, leaving it in place', async () => {
    const alice = await createUser();
    const bob = await createUser();
    const id = (await register(alice, expoToken())).json().id;
    const byBob = await t.app.inject({
      method: 'DELETE',
      url: `/me/push-tokens/${id}`,
      headers: bearer(bob),
    });
    expect(byBob.statusCode).toBe(404);
    expect(byBob.json().error.code).toBe('push_token_not_found');
    expect(await tokensOf(alice)).toHaveLength(1);
    const byAlice = await t.app.inject({
      method: 'DELETE',
      url: `/me/push-tokens/${id}`,
      headers: bearer(alice),
    });
    expect(byAlice.statusCode).toBe(204);
    expect(await tokensOf(alice)).toEqual([]);
    const again = await t.app.inject({
      method: 'DELETE',
      url: `/me/push-tokens/${id}`,
      headers: bearer(alice),
    });
    expect(again.statusCode).toBe(404);
  });
});

describe('push tokens in the database', () => {
  it("keeps each user's tokens to themselves under row-level security", async () => {
    const alice = await createUser();
    const bob = await createUser();
    await register(alice, expoToken());
    expect(await tokensOf(bob)).toEqual([]);
    const seen = await asUser(t.db, bob, (tx) =>
      tx.selectFrom('push_tokens').select('id').where('user_id', '=', alice.id).execute(),
    );
    expect(seen).toEqual([]);
    // Users may not write tokens directly: registration goes through the service.
    expect(
      await databaseError(
        asUser(t.db, bob, (tx) =>
          tx
            .insertInto('push_tokens')
            .values({ user_id: bob.id, token: expoToken(), platform: 'ios' })
            .execute(),
        ),
      ),
    ).toMatch(/permission denied/);
  });

  it('refuses a malformed token even from the service role (CHECK)', async () => {
    const user = await createUser();
    await register(user, expoToken());
    expect(
      await databaseError(
        asService(t.db, (tx) =>
          tx
            .insertInto('push_tokens')
            .values({ user_id: user.id, token: 'bogus', platform: 'ios' })
            .execute(),
        ),
      ),
    ).toMatch(/check constraint/);
  });

  it('removes the tokens when the account is erased', async () => {
    const user = await createUser();
    await register(user, expoToken());
    const erased = await t.app.inject({
      method: 'DELETE',
      url: '/me',
      headers: bearer(user),
      payload: { confirm: 'DELETE_MY_DATA' },
    });
    expect(erased.statusCode).toBe(200);
    const left = await asService(t.db, (tx) =>
      tx.selectFrom('push_tokens').select('id').where('user_id', '=', user.id).execute(),
    );
    expect(left).toEqual([]);
  });
});
