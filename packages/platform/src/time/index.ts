/**
 * Calendar arithmetic in an IANA time zone (DST-correct), shared by every service: which day it is
 * somewhere, when a local day starts, ISO weeks. Dates are `YYYY-MM-DD` strings, never Date objects,
 * because a Date is an instant, not a day.
 */

/** A calendar date in some time zone, written YYYY-MM-DD. */
export type LocalDate = string;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A zone's wall clock at an instant, field by field (hour 0..23). */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/**
 * The wall clock of `timeZone` at `instant` (one cached formatter per zone, so hot loops over many
 * zones stay cheap). Throws a RangeError for a zone name this runtime does not know.
 */
export function wallClockIn(instant: Date, timeZone: string): WallClock {
  const p = partsIn(instant, timeZone);
  return {
    year: p.year ?? 0,
    month: p.month ?? 1,
    day: p.day ?? 1,
    hour: p.hour ?? 0,
    minute: p.minute ?? 0,
    second: p.second ?? 0,
  };
}

function partsIn(instant: Date, timeZone: string): Record<string, number> {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return parts;
}

/** Offset of the zone from UTC at that instant, in milliseconds (e.g. +1 h in British Summer Time). */
function offsetMs(instant: Date, timeZone: string): number {
  const p = partsIn(instant, timeZone);
  const asUtc = Date.UTC(
    p.year ?? 0,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The calendar date at that instant in the zone. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  const p = partsIn(instant, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

function dateParts(date: LocalDate): [number, number, number] {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  return [year, month, day];
}

/** The instant the local wall clock reads `hour`:00 on `date` in the zone (correct on clock-change days). */
export function localTimeOn(date: LocalDate, hour: number, timeZone: string): Date {
  const [year, month, day] = dateParts(date);
  const naive = Date.UTC(year, month - 1, day, hour);
  // Two passes: the offset at the first guess can differ from the offset at the answer near a change.
  let guess = naive - offsetMs(new Date(naive), timeZone);
  guess = naive - offsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

/** The instant the local date begins in the zone (correct on clock-change days too). */
export function startOfLocalDate(date: LocalDate, timeZone: string): Date {
  return localTimeOn(date, 0, timeZone);
}

/** The first instant after `now` when the zone's wall clock reads `hour`:00. */
export function nextLocalHour(now: Date, hour: number, timeZone: string): Date {
  for (let day = localDateOf(now, timeZone); ; day = addDays(day, 1)) {
    const at = localTimeOn(day, hour, timeZone);
    if (at.getTime() > now.getTime()) return at;
  }
}

/** `date` moved by `days` calendar days. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const [year, month, day] = dateParts(date);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** ISO 8601 week of a date, e.g. 2026-W47 (weeks start on Monday; week 1 holds the first Thursday). */
export function isoWeekOf(date: LocalDate): string {
  const [year, month, day] = dateParts(date);
  const utc = new Date(Date.UTC(year, month - 1, day));
  const weekday = utc.getUTCDay() || 7;
  utc.setUTCDate(utc.getUTCDate() + 4 - weekday);
  const weekYear = utc.getUTCFullYear();
  const week = Math.ceil(((utc.getTime() - Date.UTC(weekYear, 0, 1)) / 86_400_000 + 1) / 7);
  return `${weekYear}-W${String(week).padStart(2, '0')}`;
}

/** Monday of an ISO week, or undefined when the key is not a real week. */
export function mondayOfIsoWeek(weekKey: string): LocalDate | undefined {
  const match = /^(\d{4})-W(\d{2})$/.exec(weekKey);
  if (!match) return undefined;
  const [year, week] = [Number(match[1]), Number(match[2])];
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday = new Date(jan4);
  monday.setUTCDate(jan4.getUTCDate() - ((jan4.getUTCDay() || 7) - 1) + (week - 1) * 7);
  const date = monday.toISOString().slice(0, 10);
  return week >= 1 && isoWeekOf(date) === weekKey ? date : undefined;
}

/** Whether the text is a real calendar date written YYYY-MM-DD. */
export function isLocalDate(text: string): text is LocalDate {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && addDays(text, 0) === text;
}
