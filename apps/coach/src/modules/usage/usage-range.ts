import { ValidationError } from '@ours/platform/errors';
import { addDays, isLocalDate, localDateOf, startOfLocalDate } from '@ours/platform/time';
import type { Span } from './usage-report.repository.ts';

export const hourMs = 3_600_000;
export const dayMs = 86_400_000;
const maxSpanDays = 366;

/** A `from`/`to` query value as an instant: a date is the start of that local day in the zone. */
function instantOf(value: string, name: string, timeZone: string): Date {
  if (isLocalDate(value)) return startOfLocalDate(value, timeZone);
  const at = new Date(value);
  if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(at.getTime())) return at;
  throw new ValidationError('invalid_range', `${name} must be a date (YYYY-MM-DD) or an RFC 3339 timestamp`);
}

/** [from, to): defaults to the last 30 local days, today included, up to now. */
export function usageRange(
  query: { from?: string | undefined; to?: string | undefined },
  now: Date,
  timeZone: string,
): { from: Date; to: Date } {
  const to = query.to === undefined ? now : instantOf(query.to, 'to', timeZone);
  const from =
    query.from === undefined
      ? startOfLocalDate(addDays(localDateOf(to, timeZone), -29), timeZone)
      : instantOf(query.from, 'from', timeZone);
  if (from.getTime() >= to.getTime()) throw new ValidationError('invalid_range', 'from must be before to');
  if (to.getTime() - from.getTime() > maxSpanDays * dayMs)
    throw new ValidationError('invalid_range', `the range may span at most ${maxSpanDays} days`);
  return { from, to };
}

const ceilTo = (at: Date, unit: number) => new Date(Math.ceil(at.getTime() / unit) * unit);
export const floorTo = (at: Date, unit: number) => new Date(Math.floor(at.getTime() / unit) * unit);

/**
 * Splits [from, to) into what a rollup of `unit` (complete up to `watermark`) covers and the raw
 * spans around it: whole units from the first unit boundary up to the last boundary or the
 * watermark, whichever is earlier.
 */
export function coverage(
  range: { from: Date; to: Date },
  unit: number,
  watermark: string | undefined,
): { covered: Span | undefined; raw: Span[] } {
  const whole = { from: range.from.toISOString(), to: range.to.toISOString() };
  if (!watermark) return { covered: undefined, raw: [whole] };
  const start = ceilTo(range.from, unit);
  const mark = new Date(watermark);
  const end = mark.getTime() <= range.to.getTime() ? mark : floorTo(range.to, unit);
  if (end.getTime() <= start.getTime()) return { covered: undefined, raw: [whole] };
  const raw: Span[] = [];
  if (range.from < start) raw.push({ from: whole.from, to: start.toISOString() });
  if (end < range.to) raw.push({ from: end.toISOString(), to: whole.to });
  return { covered: { from: start.toISOString(), to: end.toISOString() }, raw };
}
