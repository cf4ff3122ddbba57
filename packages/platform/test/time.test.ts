import { describe, expect, it } from 'vitest';
import {
  addDays,
  isLocalDate,
  isoWeekOf,
  localDateOf,
  mondayOfIsoWeek,
  nextLocalHour,
  startOfLocalDate,
} from '../src/time/index.ts';

const london = 'Europe/London';

describe('London calendar arithmetic', () => {
  it.each([
    ['2026-01-15', '2026-01-15T00:00:00.000Z'],
    ['2026-07-15', '2026-07-14T23:00:00.000Z'],
    ['2026-03-29', '2026-03-29T00:00:00.000Z'],
    ['2026-03-30', '2026-03-29T23:00:00.000Z'],
    ['2026-10-25', '2026-10-24T23:00:00.000Z'],
    ['2026-10-26', '2026-10-26T00:00:00.000Z'],
  ])('%s starts at %s', (date, instant) => {
    expect(startOfLocalDate(date, london).toISOString()).toBe(instant);
  });

  it('reads the local date of an instant across midnight in summer time', () => {
    expect(localDateOf(new Date('2026-07-14T23:30:00Z'), london)).toBe('2026-07-15');
    expect(localDateOf(new Date('2026-01-14T23:30:00Z'), london)).toBe('2026-01-14');
  });

  it.each([
    ['2026-11-23', '2026-W48'],
    ['2026-11-22', '2026-W47'],
    ['2027-01-01', '2026-W53'],
    ['2026-01-01', '2026-W01'],
    ['2024-12-30', '2025-W01'],
  ])('ISO week of %s is %s', (date, week) => {
    expect(isoWeekOf(date)).toBe(week);
  });

  it('finds the Monday of a week and rejects weeks that do not exist', () => {
    expect(mondayOfIsoWeek('2026-W47')).toBe('2026-11-16');
    expect(mondayOfIsoWeek('2026-W53')).toBe('2026-12-28');
    expect(mondayOfIsoWeek('2025-W53')).toBeUndefined();
    expect(mondayOfIsoWeek('2026-W00')).toBeUndefined();
    expect(mondayOfIsoWeek('2026-47')).toBeUndefined();
  });

  it('adds days over month ends and validates dates', () => {
    expect(addDays('2026-02-27', 3)).toBe('2026-03-02');
    expect(isLocalDate('2026-02-29')).toBe(false);
    expect(isLocalDate('2028-02-29')).toBe(true);
  });
});

describe('the next local hour', () => {
  const at = (iso: string) => new Date(iso);
  it('finds the next 06:00 in London across daylight saving changes', () => {
    expect(nextLocalHour(at('2030-01-15T05:00:00Z'), 6, london).toISOString()).toBe(
      '2030-01-15T06:00:00.000Z',
    );
    expect(nextLocalHour(at('2030-01-15T06:00:00Z'), 6, london).toISOString()).toBe(
      '2030-01-16T06:00:00.000Z',
    );
    expect(nextLocalHour(at('2030-07-15T04:30:00Z'), 6, london).toISOString()).toBe(
      '2030-07-15T05:00:00.000Z',
    );
    // 31 March 2030: clocks go forward at 01:00 UTC; 27 October: back.
    expect(nextLocalHour(at('2030-03-30T07:00:00Z'), 6, london).toISOString()).toBe(
      '2030-03-31T05:00:00.000Z',
    );
    expect(nextLocalHour(at('2030-10-26T06:00:00Z'), 6, london).toISOString()).toBe(
      '2030-10-27T06:00:00.000Z',
    );
  });

  it('works in any zone, e.g. New York and Kolkata', () => {
    expect(nextLocalHour(at('2026-03-08T12:00:00Z'), 8, 'America/New_York').toISOString()).toBe(
      '2026-03-09T12:00:00.000Z',
    );
    expect(nextLocalHour(at('2026-03-08T00:00:00Z'), 8, 'Asia/Kolkata').toISOString()).toBe(
      '2026-03-08T02:30:00.000Z',
    );
  });
});
