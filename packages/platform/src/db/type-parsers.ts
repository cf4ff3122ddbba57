import { types as pgliteTypes } from '@electric-sql/pglite';

/**
 * How column values come back, the same from PGlite and from `pg` (both receive PostgreSQL's text
 * form and hand it to these functions; see docs/architecture.md, "Values from the database"):
 *
 * - `int8` (bigint, count(*), sequences): a JS number; a value beyond 2^53 - 1 throws rather than
 *   rounding silently (an audit `seq` will not get there).
 * - `numeric`: a JS number. The application stores at most 6 decimals under 10^9 (15 significant
 *   digits), which a double holds exactly; other values are the nearest double.
 * - `timestamptz`: an ISO 8601 string in UTC with PostgreSQL's own precision (microseconds, trailing
 *   zeros dropped) and a `+00:00` offset, as `to_json()` writes it: keyset cursors built from it
 *   compare exactly, which a JS Date (milliseconds) would not. `timestamp` likewise, without offset.
 * - `date`: `YYYY-MM-DD`; `time`, `interval`: PostgreSQL's text.
 * - `json`, `jsonb`: parsed. Arrays of any of these: JS arrays of the same.
 */
const int8 = 20;
const numeric = 1700;
const date = 1082;
const time = 1083;
const timestamp = 1114;
const timestamptz = 1184;
const interval = 1186;
const json = 114;
const jsonb = 3802;

/** Array type oid → element type oid, for the element types above. */
const arrayOf: Record<number, number> = {
  1016: int8,
  1231: numeric,
  1182: date,
  1183: time,
  1115: timestamp,
  1185: timestamptz,
  1187: interval,
  199: json,
  3807: jsonb,
};

function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value))
    throw new RangeError(`bigint ${text} is beyond 2^53 and cannot be read exactly`);
  return value;
}

const stamp =
  /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(\.\d+)?(?:([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?)?( BC)?$/;

/**
 * PostgreSQL's text for a timestamp, whatever the session's TimeZone, as ISO 8601 in UTC. The offset
 * is applied with integer arithmetic on the whole seconds; the fraction is kept digit for digit.
 * `infinity`, BC dates and anything unexpected come back as PostgreSQL wrote them.
 */
export function isoTimestamp(text: string, withOffset = true): string {
  // The common case, a UTC session (the adapters ask for one) and a 4-digit year, as plain string
  // work: `2026-12-04 13:48:50.33188+00` (PostgreSQL already drops trailing zeros). Every list row
  // has several timestamps, and the general path below costs ten times as much.
  const utc = withOffset ? text.length >= 22 && text.endsWith('+00') : text.length >= 19;
  if (utc && text.charCodeAt(0) !== 48 && text.charCodeAt(4) === 45 && text.charCodeAt(10) === 32) {
    const clock = withOffset ? text.slice(11, -3) : text.slice(11);
    if (clock.length === 8 || (clock.charCodeAt(8) === 46 && clock.length <= 15)) {
      return `${text.slice(0, 10)}T${clock}${withOffset ? '+00:00' : ''}`;
    }
  }
  const match = stamp.exec(text);
  if (!match || match[12]) return text;
  const [, y, mo, d, h, mi, s, fraction = '', sign, oh = '0', om = '0', os = '0'] = match;
  // Years outside ISO's four digits (Date.UTC would also read 0-99 as 1900-1999): PostgreSQL's text.
  if (Number(y) < 1000 || Number(y) > 9999) return text;
  let seconds = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
  if (sign) seconds -= (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60 + Number(os));
  const when = new Date(seconds * 1000);
  const trimmed = fraction.replace(/0+$/, '');
  const base = when.toISOString().slice(0, 19);
  return `${base}${trimmed === '.' ? '' : trimmed}${withOffset ? '+00:00' : ''}`;
}

const scalarParsers: Record<number, (text: string) => unknown> = {
  [int8]: parseInt8,
  [numeric]: Number,
  [date]: (text) => text,
  [time]: (text) => text,
  [timestamp]: (text) => isoTimestamp(text, false),
  [timestamptz]: (text) => isoTimestamp(text),
  [interval]: (text) => text,
  [json]: (text) => JSON.parse(text),
  [jsonb]: (text) => JSON.parse(text),
};

function arrayParser(arrayOid: number, element: (text: string) => unknown): (text: string) => unknown {
  return (text) => pgliteTypes.arrayParser(text, element, arrayOid);
}

/** Every parser the two adapters install, by type oid (scalars and their arrays). */
export const valueParsers: Record<number, (text: string) => unknown> = {
  ...scalarParsers,
  ...Object.fromEntries(
    Object.entries(arrayOf).map(([arrayOid, elementOid]) => [
      Number(arrayOid),
      arrayParser(Number(arrayOid), scalarParsers[elementOid] ?? String),
    ]),
  ),
};
