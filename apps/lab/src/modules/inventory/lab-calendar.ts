/**
 * The lab's civil time zone: expiry dates are calendar days there, and the daily alert job runs at
 * 06:00 there. (One zone for every lab until labs carry their own.)
 */
export const labTimeZone = 'Europe/London';

const dayFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: labTimeZone,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today's date (YYYY-MM-DD) in the lab's zone at `now`; a lot is expired once its expiry date is before it. */
export function labToday(now: Date): string {
  return dayFormat.format(now);
}

/** `date` (YYYY-MM-DD) moved by `days` calendar days. */
export function addDays(date: string, days: number): string {
  const moved = new Date(`${date}T00:00:00Z`);
  moved.setUTCDate(moved.getUTCDate() + days);
  return moved.toISOString().slice(0, 10);
}

const wallClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: labTimeZone,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** How far the lab's wall clock is ahead of UTC at `at`, in milliseconds (0 or 1 h for London). */
function zoneOffset(at: Date): number {
  const part = (type: string) =>
    Number(wallClock.formatToParts(at).find((candidate) => candidate.type === type)?.value);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/** The first instant after `now` when the lab's wall clock reads `hour`:00 (DST-correct). */
export function nextWallClockHour(now: Date, hour: number): Date {
  let day = labToday(now);
  for (;;) {
    const guess = Date.UTC(
      Number(day.slice(0, 4)),
      Number(day.slice(5, 7)) - 1,
      Number(day.slice(8, 10)),
      hour,
    );
    const at = new Date(guess - zoneOffset(new Date(guess - zoneOffset(new Date(guess)))));
    if (at.getTime() > now.getTime()) return at;
    day = addDays(day, 1);
  }
}
