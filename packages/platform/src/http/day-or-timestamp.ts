import { Type } from 'typebox';

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A query bound for a range meant in days or instants alike: a day (`2026-01-31`) or a full
 * RFC 3339 timestamp (`2026-01-31T08:00:00Z`). Turn it into an instant with `rangeBound`.
 */
export const DayOrTimestamp = (description: string) =>
  Type.Union(
    [
      // Years from 1000, as the date-time format allows: the database stores any day that passes.
      Type.String({ format: 'date', pattern: '^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$' }),
      Type.String({ format: 'date-time' }),
    ],
    { description: `${description}: a day (YYYY-MM-DD, a whole UTC day) or a timestamp (RFC 3339)` },
  );

/**
 * The instant a `[from, to)` bound stands for. A day starts at 00:00 UTC as `from`; as `to` it
 * includes that whole day (ends at the next midnight), so `from=2026-01-01&to=2026-01-31` is all of
 * January. Timestamps are returned as given.
 */
export function rangeBound(value: string, side: 'from' | 'to'): string {
  if (!dayPattern.test(value)) return value;
  const start = new Date(`${value}T00:00:00Z`);
  if (side === 'to') start.setUTCDate(start.getUTCDate() + 1);
  return start.toISOString();
}
