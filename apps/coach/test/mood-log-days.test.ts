import { describe, expect, it } from 'vitest';
import { bearer, createUser, type TestUser, useTestApp } from './support/test-app.ts';

const t = useTestApp();

const get = (user: TestUser, url: string) => t.app.inject({ method: 'GET', url, headers: bearer(user) });
const moods = async (user: TestUser, query: string) => {
  const response = await get(user, `/mood-logs?${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items.map((log: { mood: number }) => log.mood);
};

describe('GET /mood-logs with days or timestamps', () => {
  it('takes from and to as YYYY-MM-DD (whole UTC days, to included) or full timestamps alike', async () => {
    const user = await createUser();
    for (const [mood, at] of [
      [1, '2019-12-31T23:59:59Z'],
      [2, '2020-01-01T00:00:00Z'],
      [3, '2020-01-31T23:30:00Z'],
      [4, '2020-02-01T00:00:00Z'],
    ] as const) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/mood-logs',
        headers: bearer(user),
        payload: { mood, stress: 5, logged_at: at },
      });
      expect(response.statusCode).toBe(201);
    }
    expect(await moods(user, 'from=2020-01-01')).toEqual([4, 3, 2]);
    expect(await moods(user, 'from=2020-01-01&to=2020-01-31')).toEqual([3, 2]);
    expect(await moods(user, 'from=2020-01-01&to=2020-01-31T23:00:00Z')).toEqual([2]);
    expect(await moods(user, 'from=2019-12-31T23:59:59Z&to=2020-01-01')).toEqual([2, 1]);
    expect(await moods(user, 'to=2019-12-31')).toEqual([1]);
  });

  it('refuses an impossible day, another format, or a range that ends before it starts, with 400', async () => {
    const user = await createUser();
    for (const [query, code] of [
      ['from=2020-02-30', 'validation_failed'],
      ['from=2020-1-5', 'validation_failed'],
      ['from=0999-01-01', 'validation_failed'],
      ['to=31/01/2020', 'validation_failed'],
      ['from=2020-02-02&to=2020-01-31', 'invalid_range'],
    ]) {
      const response = await get(user, `/mood-logs?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code, query).toBe(code);
    }
  });
});
