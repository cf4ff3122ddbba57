import { randomUUID } from 'node:crypto';
import { postgresDatabase } from '@ours/platform/db';
import { addDays } from '@ours/platform/time';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../src/create-context.ts';
import type { CoachDatabase, CoachSchema } from '../src/db/coach-database.ts';
import { type JobEngine, startJobEngine } from '../src/modules/jobs/job-engine.ts';
import { runLocalTimeTick } from '../src/modules/jobs/local-time-tick.ts';
import { localInstant } from '../src/modules/jobs/zone-clock.ts';
import { asService } from './support/coach-logs.ts';
import { bearer, createUser, useTestApp } from './support/test-app.ts';

const t = useTestApp();
const quiet = pino({ level: 'silent' });
let clock = new Date('2026-12-01T00:00:00Z');

beforeAll(() => {
  // Time moves only when a test says so: every tick reads ctx.now().
  t.ctx.now = () => clock;
});

/** A user whose profile names `zone` (null: no profile), stressed at local noon on each day given. */
async function stressedUser(zone: string | null, stressedDays: string[]): Promise<string> {
  const id = randomUUID();
  await asService(t.db, async (tx) => {
    await tx
      .insertInto('auth.users')
      .values({ id, email: `${id}@example.com` })
      .execute();
    if (zone) await tx.insertInto('user_profiles').values({ user_id: id, timezone: zone }).execute();
    for (const day of stressedDays) {
      const at = localInstant(day, 12 * 60, zone ?? 'Europe/London').toISOString();
      await tx.insertInto('mood_logs').values({ user_id: id, mood: 2, stress: 9, logged_at: at }).execute();
    }
  });
  return id;
}

function nudgesOf(userId: string) {
  return asService(t.db, (tx) =>
    tx
      .selectFrom('coach_notifications')
      .select(['type', 'message', 'push_after'])
      .where('user_id', '=', userId)
      .where('type', '=', 'ai_coach_proactive')
      .execute(),
  );
}

function markOf(userId: string) {
  return asService(t.db, (tx) =>
    tx
      .selectFrom('user_schedule_marks')
      .select(['status_checked_on', 'time_zone'])
      .where('user_id', '=', userId)
      .executeTakeFirst(),
  );
}

async function tickAt(at: Date, log: { warn(details: object, message: string): void } = quiet) {
  clock = at;
  return runLocalTimeTick(t.ctx, t.ctx.jobs?.boss, log);
}

const minute = 60_000;

describe('the status check at 08:00 in each user’s own zone', () => {
  const day = '2026-12-10';
  const zones = [
    'Pacific/Chatham',
    'Australia/Lord_Howe',
    'Asia/Kolkata',
    'Europe/London',
    'America/St_Johns',
    'America/New_York',
  ];
  const users = new Map<string, string>();

  beforeAll(async () => {
    for (const zone of zones) users.set(zone, await stressedUser(zone, [addDays(day, -2), addDays(day, -1)]));
  });

  it('nudges nobody before their 08:00 and each user exactly at it, zone by zone', async () => {
    const eight = zones
      .map((zone) => ({ zone, at: localInstant(day, 8 * 60, zone) }))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
    const nudged = new Set<string>();
    for (const { zone, at } of eight) {
      await tickAt(new Date(at.getTime() - minute));
      expect((await nudgesOf(users.get(zone) ?? '')).length, `${zone} before 08:00`).toBe(0);
      const tick = await tickAt(at);
      nudged.add(zone);
      expect(tick.status?.zones.map((zone) => zone.time_zone)).toContain(zone);
      for (const other of zones)
        expect((await nudgesOf(users.get(other) ?? '')).length, `${other} at ${zone}'s 08:00`).toBe(
          nudged.has(other) ? 1 : 0,
        );
    }
  });

  it('records one run per tick that did work, named by its minute, with per-zone counts', async () => {
    const runs = await asService(t.db, (tx) =>
      tx.selectFrom('job_runs').selectAll().where('name', '=', 'check-user-status').execute(),
    );
    const london = localInstant(day, 8 * 60, 'Europe/London')
      .toISOString()
      .slice(0, 16);
    const run = runs.find((row) => row.slot === `${london}Z`);
    expect(run).toMatchObject({ trigger: 'schedule', status: 'success', succeeded: 1 });
    const details = run?.details as { zones?: { time_zone: string; nudged: number }[] } | undefined;
    expect(details?.zones).toContainEqual(
      expect.objectContaining({ time_zone: 'Europe/London', nudged: 1, date: day }),
    );
    // The minute before an 08:00 found nothing due and wrote nothing.
    const before = new Date(localInstant(day, 8 * 60, 'Europe/London').getTime() - minute);
    expect(runs.some((row) => row.slot === `${before.toISOString().slice(0, 16)}Z`)).toBe(false);
  });

  it('a tick with nothing due writes nothing', async () => {
    const before = await asService(t.db, (tx) => tx.selectFrom('job_runs').select('id').execute());
    const tick = await tickAt(new Date(localInstant(day, 8 * 60, 'America/New_York').getTime() + 5 * minute));
    expect(tick.status).toBeNull();
    expect(await asService(t.db, (tx) => tx.selectFrom('job_runs').select('id').execute())).toHaveLength(
      before.length,
    );
  });
});

describe('catch-up and quiet hours', () => {
  it('catches up a missed 08:00 later the same local day, holding push until 07:00 local', async () => {
    const day = '2026-12-14';
    const id = await stressedUser('Asia/Tokyo', [addDays(day, -3), addDays(day, -1)]);
    // The service was down all day in Tokyo: the next tick is at 23:30 local.
    const late = localInstant(day, 23 * 60 + 30, 'Asia/Tokyo');
    await tickAt(late);
    const [nudge] = await nudgesOf(id);
    expect(nudge?.push_after).toBe(
      localInstant(addDays(day, 1), 7 * 60, 'Asia/Tokyo')
        .toISOString()
        .replace('.000Z', '+00:00'),
    );
  });

  it('delivers at once outside quiet hours', async () => {
    const day = '2026-12-15';
    const id = await stressedUser('Asia/Tokyo', [addDays(day, -2), addDays(day, -1)]);
    const eight = localInstant(day, 8 * 60, 'Asia/Tokyo');
    await tickAt(eight);
    const [nudge] = await nudgesOf(id);
    expect(Date.parse(nudge?.push_after ?? '')).toBe(eight.getTime());
  });
});

describe('a user’s own quiet hours', () => {
  it('are set through the profile as a pair, and refused alone or empty', async () => {
    const user = await createUser();
    const put = (payload: object) =>
      t.app.inject({ method: 'PUT', url: '/profile', headers: bearer(user), payload });
    for (const [payload, code] of [
      [{ quiet_hours_start: '21:00' }, 'invalid_quiet_hours'],
      [{ quiet_hours_start: '21:00', quiet_hours_end: null }, 'invalid_quiet_hours'],
      [{ quiet_hours_start: '07:00', quiet_hours_end: '07:00' }, 'invalid_quiet_hours'],
      [{ quiet_hours_start: '25:00', quiet_hours_end: '07:00' }, 'validation_failed'],
    ] as const) {
      const response = await put(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.code).toBe(code);
    }
    const saved = await put({
      timezone: 'Asia/Kolkata',
      quiet_hours_start: '06:00',
      quiet_hours_end: '09:30',
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ quiet_hours_start: '06:00', quiet_hours_end: '09:30' });
    const cleared = await put({ quiet_hours_start: null, quiet_hours_end: null });
    expect(cleared.json()).toMatchObject({
      timezone: 'Asia/Kolkata',
      quiet_hours_start: null,
      quiet_hours_end: null,
    });
  });

  it('hold the push of a nudge written inside them until their local end', async () => {
    const day = '2026-12-16';
    const id = await stressedUser('Asia/Karachi', [addDays(day, -2), addDays(day, -1)]);
    await asService(t.db, (tx) =>
      tx
        .updateTable('user_profiles')
        .set({ quiet_hours_start: '06:00', quiet_hours_end: '09:30' })
        .where('user_id', '=', id)
        .execute(),
    );
    await tickAt(localInstant(day, 8 * 60, 'Asia/Karachi'));
    const [nudge] = await nudgesOf(id);
    expect(Date.parse(nudge?.push_after ?? '')).toBe(
      localInstant(day, 9 * 60 + 30, 'Asia/Karachi').getTime(),
    );
  });
});

describe('changing time zone never brings a second check on the same local day', () => {
  const day = '2026-12-17';

  it('east to west: nudged at 08:00 Auckland, then moved to Chicago: Chicago’s 08:00 that date passes', async () => {
    const id = await stressedUser('Pacific/Auckland', [addDays(day, -2), addDays(day, -1)]);
    await tickAt(localInstant(day, 8 * 60, 'Pacific/Auckland'));
    expect(await nudgesOf(id)).toHaveLength(1);
    await asService(t.db, (tx) =>
      tx
        .updateTable('user_profiles')
        .set({ timezone: 'America/Chicago' })
        .where('user_id', '=', id)
        .execute(),
    );
    const tick = await tickAt(localInstant(day, 8 * 60, 'America/Chicago'));
    const chicago = tick.status?.zones.find((zone) => zone.time_zone === 'America/Chicago');
    expect(chicago).toMatchObject({ date: day, candidates: 0 });
    expect(tick.status?.alreadyChecked).toBeGreaterThanOrEqual(1);
    // Left alone, not refused by the 72-hour rule: the mark is still Auckland's check.
    expect(await markOf(id)).toEqual({ status_checked_on: day, time_zone: 'Pacific/Auckland' });
    expect(await nudgesOf(id)).toHaveLength(1);
  });

  it('west to east: nudged at 08:00 Los Angeles, then moved to Berlin (its day still open): not checked again', async () => {
    const id = await stressedUser('America/Los_Angeles', [addDays(day, -2), addDays(day, -1)]);
    await tickAt(localInstant(day, 8 * 60, 'America/Los_Angeles'));
    expect(await nudgesOf(id)).toHaveLength(1);
    await asService(t.db, (tx) =>
      tx.updateTable('user_profiles').set({ timezone: 'Europe/Berlin' }).where('user_id', '=', id).execute(),
    );
    // Berlin has no other users: its first tick claims it for the same date, past 08:00.
    const tick = await tickAt(new Date(localInstant(day, 8 * 60, 'America/Los_Angeles').getTime() + minute));
    const berlin = tick.status?.zones.find((zone) => zone.time_zone === 'Europe/Berlin');
    expect(berlin).toMatchObject({ date: day, candidates: 0 });
    expect(tick.status?.alreadyChecked).toBeGreaterThanOrEqual(1);
    expect(await markOf(id)).toEqual({ status_checked_on: day, time_zone: 'America/Los_Angeles' });
    expect(await nudgesOf(id)).toHaveLength(1);
  });
});

describe('time zones that are not IANA names', () => {
  it('the profile route refuses one with 400 invalid_timezone', async () => {
    const user = await createUser();
    const response = await t.app.inject({
      method: 'PUT',
      url: '/profile',
      headers: bearer(user),
      payload: { timezone: 'Mars/Olympus_Mons' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_timezone');
  });

  it('one written straight into the database follows the default zone, warns once, and breaks nothing', async () => {
    const day = '2026-12-21';
    const mars = await stressedUser(null, [addDays(day, -2), addDays(day, -1)]);
    await asService(t.db, (tx) =>
      tx.insertInto('user_profiles').values({ user_id: mars, timezone: 'Mars/Olympus_Mons' }).execute(),
    );
    const kolkata = await stressedUser('Asia/Kolkata', [addDays(day, -2), addDays(day, -1)]);
    const warnings: string[] = [];
    const log = {
      warn: (details: object, message: string) => warnings.push(`${JSON.stringify(details)} ${message}`),
    };
    await tickAt(localInstant(day, 8 * 60, 'Asia/Kolkata'), log);
    expect(await nudgesOf(kolkata)).toHaveLength(1);
    expect(await nudgesOf(mars)).toHaveLength(0);
    await tickAt(new Date(localInstant(day, 8 * 60, 'Europe/London').getTime() - minute), log);
    expect(await nudgesOf(mars)).toHaveLength(0);
    await tickAt(localInstant(day, 8 * 60, 'Europe/London'), log);
    expect(await nudgesOf(mars)).toHaveLength(1);
    expect(warnings.filter((line) => line.includes('Mars/Olympus_Mons'))).toHaveLength(1);
  });
});

describe('two instances ticking at once', () => {
  let second: CoachDatabase | undefined;

  afterAll(async () => second?.close());

  it('never nudge a user twice nor run a zone’s slot twice', async () => {
    const day = '2026-12-23';
    const ids = await Promise.all(
      ['Europe/Lisbon', 'Africa/Lagos', null, 'Europe/Dublin'].flatMap((zone) =>
        Array.from({ length: 5 }, () => stressedUser(zone, [addDays(day, -3), addDays(day, -2)])),
      ),
    );
    if (t.db.connection.kind === 'postgres')
      second = postgresDatabase<CoachSchema>(t.db.connection.url, 'authenticator', 3);
    // Two instances are two contexts with their own connection pools (PGlite has one connection).
    const other = second ? await createContext(t.ctx.config, { db: second, now: () => clock }) : t.ctx;
    // London's 08:00: Lisbon, Dublin and users without a profile at 08:00, Lagos at 09:00.
    clock = localInstant(day, 8 * 60, 'Europe/London');
    const [a, b] = await Promise.all([
      runLocalTimeTick(t.ctx, undefined, quiet),
      runLocalTimeTick(other, undefined, quiet),
    ]);
    for (const id of ids) expect(await nudgesOf(id)).toHaveLength(1);
    expect((a.status?.nudged ?? 0) + (b.status?.nudged ?? 0)).toBe(ids.length);
    const runs = await asService(t.db, (tx) =>
      tx
        .selectFrom('job_runs')
        .select('id')
        .where('name', '=', 'check-user-status')
        .where('slot', '=', `${clock.toISOString().slice(0, 16)}Z`)
        .execute(),
    );
    expect(runs).toHaveLength(1);
  });
});

describe('the weekly digest at Sunday 20:00 in each user’s own zone', () => {
  let engine: JobEngine;
  const note = `${Array.from({ length: 150 }, (_, i) => (i % 10 === 0 ? 'Steady' : 'progress')).join(' ')}.`;
  // ISO week 2027-W01: Monday 4 to Sunday 10 January 2027.
  const sunday = '2027-01-10';
  const zones = ['Pacific/Chatham', 'Asia/Kolkata', 'America/St_Johns'];
  const users = new Map<string, string>();

  beforeAll(async () => {
    // Workers for the per-user digest queue; the tick itself is driven by hand below.
    engine = await startJobEngine(t.ctx, quiet, {
      workers: true,
      schedules: { 'local-time-tick': '0 0 1 1 *' },
      digestRetryDelaySeconds: 1,
    });
    t.ctx.jobs = engine;
    t.fake.setDefault({ kind: 'reply', text: note });
    for (const zone of zones) {
      const id = randomUUID();
      await asService(t.db, async (tx) => {
        await tx
          .insertInto('auth.users')
          .values({ id, email: `${id}@example.com` })
          .execute();
        await tx.insertInto('user_profiles').values({ user_id: id, timezone: zone }).execute();
        // Wednesday noon local: inside this zone's week.
        const at = localInstant('2027-01-06', 12 * 60, zone).toISOString();
        await tx.insertInto('mood_logs').values({ user_id: id, mood: 7, stress: 3, logged_at: at }).execute();
      });
      users.set(zone, id);
    }
  });
  afterAll(async () => {
    t.ctx.jobs = undefined;
    await engine.stop();
  });

  const digestOf = (userId: string) =>
    asService(t.db, async (tx) => ({
      notes: await tx
        .selectFrom('ai_coach_notes')
        .select('week_key')
        .where('user_id', '=', userId)
        .where('type', '=', 'weekly_summary')
        .execute(),
      notices: await tx
        .selectFrom('coach_notifications')
        .select(['message', 'push_after'])
        .where('user_id', '=', userId)
        .where('type', '=', 'weekly_digest')
        .execute(),
    }));

  async function waitForNote(userId: string) {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const digest = await digestOf(userId);
      if (digest.notices.length > 0) return digest;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('no weekly note was written');
  }

  it('writes each user’s note and notice at their own Sunday 20:00, not before', async () => {
    const done = new Set<string>();
    for (const zone of zones) {
      const at = localInstant(sunday, 20 * 60, zone);
      await tickAt(new Date(at.getTime() - minute));
      const tick = await tickAt(at);
      expect(tick.digest?.run).toMatchObject({ name: 'weekly-digest', slot: '2027-W01' });
      const digest = await waitForNote(users.get(zone) ?? '');
      done.add(zone);
      expect(digest.notes).toEqual([{ week_key: '2027-W01' }]);
      expect(digest.notices).toEqual([
        { message: 'Your weekly summary is ready', push_after: expect.any(String) },
      ]);
      for (const other of zones.filter((zone) => !done.has(zone)))
        expect((await digestOf(users.get(other) ?? '')).notes, `${other} at ${zone}'s 20:00`).toHaveLength(0);
    }
  }, 60_000);
});
