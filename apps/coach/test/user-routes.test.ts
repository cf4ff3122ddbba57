import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { asService } from './support/coach-logs.ts';
import { bearer, createUser, type TestUser, useTestApp } from './support/test-app.ts';

const t = useTestApp();

const get = (user: TestUser, url: string) => t.app.inject({ method: 'GET', url, headers: bearer(user) });

describe('mood logs', () => {
  it('records a log and returns it newest first within [from, to)', async () => {
    const user = await createUser();
    const post = (payload: object) =>
      t.app.inject({ method: 'POST', url: '/mood-logs', headers: bearer(user), payload });
    const first = await post({
      mood: 6,
      stress: 4,
      notes: '  slept well  ',
      logged_at: '2026-11-20T08:00:00Z',
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ mood: 6, stress: 4, notes: 'slept well' });
    await post({ mood: 3, stress: 8, logged_at: '2026-11-22T08:00:00Z' });
    await post({ mood: 7, stress: 2, logged_at: '2026-11-24T08:00:00Z' });
    const all = (await get(user, '/mood-logs')).json().items;
    expect(all.map((log: { mood: number }) => log.mood)).toEqual([7, 3, 6]);
    const range = (await get(user, '/mood-logs?from=2026-11-21T00:00:00Z&to=2026-11-24T08:00:00Z')).json()
      .items;
    expect(range.map((log: { mood: number }) => log.mood)).toEqual([3]);
  });

  it.each([
    [{ mood: 0, stress: 5 }, 'validation_failed'],
    [{ mood: 11, stress: 5 }, 'validation_failed'],
    [{ mood: 5.5, stress: 5 }, 'validation_failed'],
    [{ mood: '5', stress: 5 }, 'validation_failed'],
    [{ mood: 5 }, 'validation_failed'],
    [{ mood: 5, stress: 5, notes: 'x'.repeat(2001) }, 'validation_failed'],
    [{ mood: 5, stress: 5, logged_at: 'yesterday' }, 'validation_failed'],
    [{ mood: 5, stress: 5, logged_at: '2999-01-01T00:00:00Z' }, 'logged_at_in_future'],
    [{ mood: 5, stress: 5, user_id: '00000000-0000-4000-8000-000000000000' }, 'validation_failed'],
  ])('refuses %j with 400 %s', async (payload, code) => {
    const user = await createUser();
    const response = await t.app.inject({
      method: 'POST',
      url: '/mood-logs',
      headers: bearer(user),
      payload,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
  });

  it('refuses an inverted range', async () => {
    const user = await createUser();
    const response = await get(user, '/mood-logs?from=2026-11-25T00:00:00Z&to=2026-11-20T00:00:00Z');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_range');
  });
});

describe('notifications', () => {
  it('pages with an opaque cursor and filters unread', async () => {
    const user = await createUser();
    await get(user, '/notifications');
    await asService(t.db, (tx) =>
      sql`insert into coach_notifications (user_id, message, type, read, created_at)
        select ${user.id}, 'note ' || i, 'nudge', i % 2 = 0, now() - make_interval(mins => i)
        from generate_series(1, 25) as i`.execute(tx),
    );
    const first = (await get(user, '/notifications')).json();
    expect(first.items).toHaveLength(20);
    expect(first.items[0].message).toBe('note 1');
    const second = (await get(user, `/notifications?cursor=${first.next_cursor}`)).json();
    expect(second.items.map((n: { message: string }) => n.message)).toEqual([
      'note 21',
      'note 22',
      'note 23',
      'note 24',
      'note 25',
    ]);
    expect(second.next_cursor).toBeNull();
    const unread = (await get(user, '/notifications?unread_only=true&limit=100')).json();
    expect(unread.items).toHaveLength(13);
    expect(unread.items.every((n: { read: boolean }) => !n.read)).toBe(true);
  });

  it('refuses a forged cursor and a bad id', async () => {
    const user = await createUser();
    expect((await get(user, '/notifications?cursor=bm9wZQ')).json().error.code).toBe('invalid_cursor');
    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/notifications/not-a-uuid',
      headers: bearer(user),
      payload: { read: true },
    });
    expect(patch.statusCode).toBe(400);
  });
});

describe('history and notes', () => {
  it("lists the user's exchanges newest first with pagination", async () => {
    const user = await createUser();
    for (const content of ['one', 'two', 'three']) {
      await t.app.inject({
        method: 'POST',
        url: '/ask',
        headers: bearer(user),
        payload: { messages: [{ role: 'user', content }] },
      });
    }
    const page = (await get(user, '/history?limit=2')).json();
    expect(page.items.map((item: { user_message: string }) => item.user_message)).toEqual(['three', 'two']);
    const rest = (await get(user, `/history?limit=2&cursor=${page.next_cursor}`)).json();
    expect(rest.items.map((item: { user_message: string }) => item.user_message)).toEqual(['one']);
    expect(JSON.stringify(rest)).not.toContain('blocked_response');
  });

  it('lists weekly notes', async () => {
    const user = await createUser();
    await get(user, '/notes');
    await asService(t.db, (tx) =>
      tx
        .insertInto('ai_coach_notes')
        .values({ user_id: user.id, note: 'Good week', type: 'weekly_summary' })
        .execute(),
    );
    const notes = (await get(user, '/notes')).json();
    expect(notes.items).toMatchObject([{ note: 'Good week', type: 'weekly_summary' }]);
  });
});

describe('profile', () => {
  it('creates, partially updates and reads the profile', async () => {
    const user = await createUser();
    expect((await get(user, '/profile')).json()).toMatchObject({
      display_name: null,
      timezone: 'Europe/London',
      coaching_tone: 'balanced',
    });
    const put = (payload: object) =>
      t.app.inject({ method: 'PUT', url: '/profile', headers: bearer(user), payload });
    expect(
      (await put({ display_name: 'Jo', goals: ['sleep 8h', 'it\'s "quoted"'], coaching_tone: 'gentle' }))
        .statusCode,
    ).toBe(200);
    const updated = (await put({ injuries: ['shoulder'] })).json();
    expect(updated).toMatchObject({
      display_name: 'Jo',
      goals: ['sleep 8h', 'it\'s "quoted"'],
      coaching_tone: 'gentle',
      injuries: ['shoulder'],
    });
  });

  it.each([
    [{ timezone: 'Mars/Olympus' }, 'invalid_timezone'],
    [{ coaching_tone: 'harsh' }, 'validation_failed'],
    [{ goals: Array.from({ length: 21 }, () => 'g') }, 'validation_failed'],
  ])('refuses %j', async (payload, code) => {
    const user = await createUser();
    const response = await t.app.inject({ method: 'PUT', url: '/profile', headers: bearer(user), payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
  });
});
