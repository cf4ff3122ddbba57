import { addDays, isoWeekOf, type LocalDate, wallClockIn } from '@ours/platform/time';

/**
 * The wall clock of a time zone at an instant, at minute precision (zones such as Asia/Kolkata,
 * Pacific/Chatham or Australia/Lord_Howe are 30 or 45 minutes off the hour, or change by 30).
 * Node's tz database is the one source of truth: SQL receives instants, never zone names.
 */
export interface ZoneClock {
  date: LocalDate;
  /** Minutes since local midnight, 0..1439. */
  minutes: number;
  /** 0 = Sunday ... 6 = Saturday. */
  weekday: number;
}

const validity = new Map<string, boolean>();

/** Whether `zone` is a time zone name this runtime knows (IANA, e.g. Europe/London). */
export function isTimeZone(zone: string): boolean {
  let known = validity.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: zone });
      known = true;
    } catch {
      known = false;
    }
    // Bounded: a database full of garbage zone names must not grow this without end.
    if (validity.size < 10_000) validity.set(zone, known);
  }
  return known;
}

export function zoneClock(instant: Date, zone: string): ZoneClock {
  const wall = wallClockIn(instant, zone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`,
    minutes: wall.hour * 60 + wall.minute,
    weekday: new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay(),
  };
}

/** The zone's offset from UTC at that instant, in minutes. */
function offsetMinutes(instant: Date, zone: string): number {
  const clock = zoneClock(instant, zone);
  const [year = 0, month = 1, day = 1] = clock.date.split('-').map(Number);
  const wall = Date.UTC(year, month - 1, day) + clock.minutes * 60_000;
  return Math.round((wall - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
}

/**
 * The instant the zone's wall clock reads `minutes` after midnight on `date`. In a spring-forward
 * gap (the time never happens) it answers the first instant after the gap; in a fall-back overlap,
 * the first of the two.
 */
export function localInstant(date: LocalDate, minutes: number, zone: string): Date {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  const wall = Date.UTC(year, month - 1, day) + minutes * 60_000;
  // The offsets just before and after the wall time bracket any change; try the earlier instant first.
  const candidates = [
    offsetMinutes(new Date(wall - 26 * 3_600_000), zone),
    offsetMinutes(new Date(wall + 26 * 3_600_000), zone),
  ]
    .map((offset) => wall - offset * 60_000)
    .sort((a, b) => a - b);
  for (const at of candidates) {
    const clock = zoneClock(new Date(at), zone);
    if (clock.date === date && clock.minutes === minutes) return new Date(at);
  }
  // A gap: the wall time does not exist; the clock jumped past it at the change.
  return gapEnd(wall, zone, candidates);
}

function gapEnd(wall: number, zone: string, candidates: number[]): Date {
  // Search the minute the clock first reads later than `wall` (a gap is at most a few hours).
  let low = Math.min(...candidates) - 3 * 3_600_000;
  let high = Math.max(...candidates) + 3 * 3_600_000;
  const wallOf = (at: number) => {
    const clock = zoneClock(new Date(at), zone);
    const [year = 0, month = 1, day = 1] = clock.date.split('-').map(Number);
    return Date.UTC(year, month - 1, day) + clock.minutes * 60_000;
  };
  while (high - low > 60_000) {
    const middle = Math.floor((low + high) / 2 / 60_000) * 60_000;
    if (wallOf(middle) >= wall) high = middle;
    else low = middle;
  }
  return new Date(high);
}

/** The start of a local date (midnight, or the first instant after a gap at midnight). */
export function startOfDay(date: LocalDate, zone: string): Date {
  return localInstant(date, 0, zone);
}

/**
 * The ISO week whose digest is due at `clock`: from Sunday `minutes` local through the Monday that
 * follows (a digest missed while the service was down is caught up the next day); otherwise none.
 */
export function closingWeek(clock: ZoneClock, minutes: number): string | undefined {
  if (clock.weekday === 0 && clock.minutes >= minutes) return isoWeekOf(clock.date);
  if (clock.weekday === 1) return isoWeekOf(addDays(clock.date, -1));
  return undefined;
}

/** Quiet hours as minutes after local midnight; `start > end` spans midnight (22:00-07:00). */
export interface QuietHours {
  start: number;
  end: number;
}

/**
 * When push may deliver something created at `now` for a user in `zone`: now, or the next local
 * end of quiet hours (DST-correct, also when the quiet hours span midnight).
 */
export function pushAfter(now: Date, zone: string, quiet: QuietHours | undefined): Date {
  if (!quiet || quiet.start === quiet.end) return now;
  const clock = zoneClock(now, zone);
  const inQuiet =
    quiet.start < quiet.end
      ? clock.minutes >= quiet.start && clock.minutes < quiet.end
      : clock.minutes >= quiet.start || clock.minutes < quiet.end;
  if (!inQuiet) return now;
  const endDate = clock.minutes < quiet.end ? clock.date : addDays(clock.date, 1);
  return localInstant(endDate, quiet.end, zone);
}

/** `HH:MM` as minutes after midnight, or undefined when it is not a real time of day. */
export function minutesOf(text: string): number | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/** A user's own quiet hours (`HH:MM` pair from their profile), or the deployment's. */
export function quietHoursOf(
  start: string | null | undefined,
  end: string | null | undefined,
  fallback: QuietHours | undefined,
): QuietHours | undefined {
  const from = start ? minutesOf(start) : undefined;
  const to = end ? minutesOf(end) : undefined;
  return from !== undefined && to !== undefined ? { start: from, end: to } : fallback;
}
