import { addDays, isoWeekOf } from '@ours/platform/time';
import { describe, expect, it } from 'vitest';
import { weekWindow } from '../src/modules/digest/digest.service.ts';
import { dueZones } from '../src/modules/jobs/local-time-tick.ts';
import { scheduleConfigFromEnv } from '../src/modules/jobs/schedule-config.ts';
import { localInstant, pushAfter, zoneClock } from '../src/modules/jobs/zone-clock.ts';
import type { ZoneMark } from '../src/modules/jobs/zone-marks.repository.ts';
import { statusWindow } from '../src/modules/status-check/status-check.service.ts';

// Odd offsets (Kolkata +5:30, Chatham +12:45/+13:45, St John's -3:30/-2:30), a 30-minute DST
// (Lord Howe), and a change at midnight (Santiago: the spring day starts at 01:00).
const zones = [
  'Europe/London',
  'America/New_York',
  'Asia/Kolkata',
  'Pacific/Chatham',
  'America/St_Johns',
  'Australia/Lord_Howe',
  'America/Santiago',
];

const utcOffset = (at: Date, zone: string) => {
  const clock = zoneClock(at, zone);
  const wall = Date.parse(`${clock.date}T00:00:00Z`) + clock.minutes * 60_000;
  return Math.round((wall - at.getTime()) / 60_000);
};

/** The local dates on which the zone's offset changes, between July 2026 and July 2027. */
function changeDays(zone: string): string[] {
  const days: string[] = [];
  for (let day = '2026-07-01'; day < '2027-07-01'; day = addDays(day, 1)) {
    const before = utcOffset(new Date(`${day}T00:00:00Z`), zone);
    const after = utcOffset(new Date(`${addDays(day, 1)}T00:00:00Z`), zone);
    if (before !== after) days.push(zoneClock(new Date(`${addDays(day, 1)}T00:00:00Z`), zone).date);
  }
  return days;
}

/** Ticks every 15 minutes (every offset in the tz database is a multiple) and records what fired. */
function simulate(zone: string, from: Date, to: Date) {
  const group = { zone, raws: [zone] };
  // A running service: the zone's slots before `from` (a 21:00 local start) already ran.
  const start = zoneClock(from, zone);
  const lastSunday = addDays(start.date, -start.weekday);
  let mark: ZoneMark = { time_zone: zone, status_checked_on: start.date, digest_week: isoWeekOf(lastSunday) };
  const fired: { job: string; at: string; local: string }[] = [];
  for (let at = from.getTime(); at < to.getTime(); at += 15 * 60_000) {
    const now = new Date(at);
    const due = dueZones(now, [group], [mark]);
    const clock = zoneClock(now, zone);
    const local = `${clock.date} ${String(Math.floor(clock.minutes / 60)).padStart(2, '0')}:${String(clock.minutes % 60).padStart(2, '0')}`;
    for (const status of due.status) {
      fired.push({ job: 'status', at: now.toISOString(), local });
      mark = { ...mark, status_checked_on: status.date };
    }
    for (const digest of due.digest) {
      fired.push({ job: `digest ${digest.week}`, at: now.toISOString(), local });
      mark = { ...mark, digest_week: digest.week };
    }
  }
  return fired;
}

describe('local 08:00 and Sunday 20:00 across both clock changes of each zone', () => {
  it.each(zones)('%s changes its clocks twice a year (Kolkata never)', (zone) => {
    expect(changeDays(zone)).toHaveLength(zone === 'Asia/Kolkata' ? 0 : 2);
  });

  const cases = zones.flatMap((zone) =>
    (changeDays(zone).length ? changeDays(zone) : ['2026-10-25', '2027-03-28']).map(
      (day) => [zone, day] as const,
    ),
  );

  it.each(cases)('%s around %s: the check at 08:00 local every day, once', (zone, day) => {
    const first = addDays(day, -2);
    const fired = simulate(zone, localInstant(first, 21 * 60, zone), localInstant(addDays(day, 3), 0, zone))
      .filter((run) => run.job === 'status')
      .map((run) => run.local);
    expect(fired).toEqual([1, 2, 3, 4].map((n) => `${addDays(first, n)} 08:00`));
  });

  it.each(cases)('%s around %s: the digest at Sunday 20:00 local, once per week', (zone, day) => {
    const start = localInstant(addDays(day, -9), 21 * 60, zone);
    const fired = simulate(zone, start, localInstant(addDays(day, 9), 0, zone)).filter((run) =>
      run.job.startsWith('digest'),
    );
    expect(fired.length).toBeGreaterThanOrEqual(2);
    for (const run of fired) {
      expect(run.local.slice(11)).toBe('20:00');
      expect(zoneClock(new Date(run.at), zone).weekday).toBe(0);
      expect(run.job).toBe(`digest ${isoWeekOf(run.local.slice(0, 10))}`);
    }
  });

  it('the status window is three whole local days, also over a change (23 h and 23.5 h days)', () => {
    const hours = (date: string, zone: string) => {
      const window = statusWindow(date, zone);
      return window.bounds
        .slice(1)
        .map((end, i) => (Date.parse(end) - Date.parse(window.bounds[i] ?? '')) / 3_600_000);
    };
    expect(hours('2027-03-30', 'Europe/London')).toEqual([24, 23, 24]);
    expect(hours('2026-10-27', 'Europe/London')).toEqual([24, 25, 24]);
    expect(hours('2026-10-06', 'Australia/Lord_Howe')).toEqual([24, 23.5, 24]);
    expect(hours('2026-09-29', 'Pacific/Chatham')).toEqual([24, 23, 24]);
    // Santiago's spring day starts at 01:00 (midnight never happens).
    const santiago = statusWindow('2026-09-08', 'America/Santiago');
    expect(zoneClock(new Date(santiago.bounds[1] ?? ''), 'America/Santiago')).toMatchObject({
      date: '2026-09-06',
      minutes: 60,
    });
  });

  it('the digest week runs Sunday 20:00 to Sunday 20:00 local in every zone', () => {
    for (const zone of zones) {
      const window = weekWindow('2027-W14', zone);
      expect(zoneClock(window.start, zone)).toMatchObject({
        date: '2027-04-04',
        minutes: 20 * 60,
        weekday: 0,
      });
      expect(zoneClock(window.end, zone)).toMatchObject({ date: '2027-04-11', minutes: 20 * 60, weekday: 0 });
    }
  });
});

describe('quiet hours hold push until the local end', () => {
  const quiet = { start: 22 * 60, end: 7 * 60 };
  it.each([
    ['Europe/London', '2026-12-05T23:30:00Z', '2026-12-06T07:00:00.000Z'],
    ['Europe/London', '2026-12-06T06:59:00Z', '2026-12-06T07:00:00.000Z'],
    ['Europe/London', '2026-12-06T07:00:00Z', '2026-12-06T07:00:00.000Z'],
    ['Europe/London', '2026-12-06T21:59:00Z', '2026-12-06T21:59:00.000Z'],
    // The spring-forward night: 07:00 BST is 06:00 UTC; the fall-back night: 07:00 GMT.
    ['Europe/London', '2027-03-28T00:30:00Z', '2027-03-28T06:00:00.000Z'],
    ['Europe/London', '2026-10-24T22:30:00Z', '2026-10-25T07:00:00.000Z'],
    ['Asia/Kolkata', '2026-12-06T17:30:00Z', '2026-12-07T01:30:00.000Z'],
    ['Pacific/Chatham', '2026-12-06T10:00:00Z', '2026-12-06T17:15:00.000Z'],
    ['America/St_Johns', '2026-12-07T03:00:00Z', '2026-12-07T10:30:00.000Z'],
    ['Australia/Lord_Howe', '2026-10-03T12:00:00Z', '2026-10-03T20:00:00.000Z'],
  ])('%s at %s → %s', (zone, now, expected) => {
    expect(pushAfter(new Date(now), zone, quiet).toISOString()).toBe(expected);
  });

  it('handles quiet hours that do not span midnight, and none at all', () => {
    const afternoon = { start: 13 * 60, end: 15 * 60 };
    expect(pushAfter(new Date('2026-12-06T14:00:00Z'), 'Europe/London', afternoon).toISOString()).toBe(
      '2026-12-06T15:00:00.000Z',
    );
    expect(pushAfter(new Date('2026-12-06T16:00:00Z'), 'Europe/London', afternoon).toISOString()).toBe(
      '2026-12-06T16:00:00.000Z',
    );
    expect(pushAfter(new Date('2026-12-06T23:00:00Z'), 'Europe/London', undefined).toISOString()).toBe(
      '2026-12-06T23:00:00.000Z',
    );
  });
});

describe('QUIET_HOURS', () => {
  it('defaults to 22:00-07:00, accepts off, and names the variable when it is wrong', () => {
    expect(scheduleConfigFromEnv({}).quietHours).toEqual({ start: 22 * 60, end: 7 * 60 });
    expect(scheduleConfigFromEnv({ QUIET_HOURS: '23:30-06:15' }).quietHours).toEqual({
      start: 23 * 60 + 30,
      end: 6 * 60 + 15,
    });
    expect(scheduleConfigFromEnv({ QUIET_HOURS: 'off' }).quietHours).toBeUndefined();
    for (const wrong of ['22-07', '25:00-07:00', '07:00-07:00', 'nights'])
      expect(() => scheduleConfigFromEnv({ QUIET_HOURS: wrong })).toThrow(/QUIET_HOURS/);
  });
});
