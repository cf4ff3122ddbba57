import { PgBoss } from '@ours/platform/jobs';
import { describe, expect, it } from 'vitest';
import { localTimeSlots } from '../src/modules/jobs/job-schedules.ts';

// previewSchedule walks pg-boss's own cron evaluation; no connection is opened for it.
const boss = new PgBoss({ connectionString: 'postgres://unused@127.0.0.1:1/unused' });
const london = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function fires(cron: string, from: string, count: number): { utc: string; london: string }[] {
  return boss
    .previewSchedule(cron, { tz: 'Europe/London', from: new Date(from), count })
    .map((date) => ({ utc: date.toISOString(), london: london.format(date) }));
}

describe('London schedules across the clock changes', () => {
  it.each([
    ['spring 2026', '2026-03-15T00:00:00Z'],
    ['autumn 2026', '2026-10-11T00:00:00Z'],
    ['spring 2027', '2027-03-14T00:00:00Z'],
    ['autumn 2027', '2027-10-17T00:00:00Z'],
  ])('weekly digest fires on Sundays at 20:00 London around %s', (_season, from) => {
    const runs = fires(localTimeSlots['weekly-digest'].cron, from, 4);
    expect(runs.map((run) => run.london)).toEqual(['Sun 20:00', 'Sun 20:00', 'Sun 20:00', 'Sun 20:00']);
    // The UTC hour moves with the clocks: 20:00 in GMT, 19:00 in BST.
    expect(new Set(runs.map((run) => run.utc.slice(11, 16))).size).toBe(2);
  });

  it.each([
    [
      '2026-03-27T00:00:00Z',
      ['2026-03-27T08:00', '2026-03-28T08:00', '2026-03-29T07:00', '2026-03-30T07:00'],
    ],
    [
      '2026-10-23T00:00:00Z',
      ['2026-10-23T07:00', '2026-10-24T07:00', '2026-10-25T08:00', '2026-10-26T08:00'],
    ],
    [
      '2027-03-26T00:00:00Z',
      ['2027-03-26T08:00', '2027-03-27T08:00', '2027-03-28T07:00', '2027-03-29T07:00'],
    ],
    [
      '2027-10-29T00:00:00Z',
      ['2027-10-29T07:00', '2027-10-30T07:00', '2027-10-31T08:00', '2027-11-01T08:00'],
    ],
  ])('status check fires daily at 08:00 London from %s', (from, utc) => {
    const runs = fires(localTimeSlots['check-user-status'].cron, from, 4);
    expect(runs.map((run) => run.utc.slice(0, 16))).toEqual(utc);
    expect(runs.every((run) => run.london.endsWith('08:00'))).toBe(true);
  });
});
