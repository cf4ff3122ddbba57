// Numbers, money and dates as an operator reads them, in the browser's own locale.

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

/** @param {number | null | undefined} value */
export function formatCount(value) {
  return value == null ? '–' : integer.format(value);
}

/** Short form for axis labels (12.5K). @param {number} value */
export function formatCompact(value) {
  return compact.format(value);
}

/** A 0..1 rate as a percentage. @param {number | null | undefined} value */
export function formatRate(value) {
  return value == null ? '–' : percent.format(value);
}

/**
 * US dollars: cents for amounts of a dollar or more, up to four decimals below (one request costs
 * a fraction of a cent).
 * @param {number | null | undefined} value
 */
export function formatUsd(value) {
  if (value == null) return '–';
  const small = Math.abs(value) < 1 && value !== 0;
  return new Intl.NumberFormat(undefined, {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: small ? 4 : 2,
  }).format(value);
}

/** Milliseconds, with the unit. @param {number | null | undefined} value */
export function formatMs(value) {
  return value == null ? '–' : `${integer.format(Math.round(value))} ms`;
}

/**
 * A calendar day key (YYYY-MM-DD, already a local date of the coach's time zone) for people:
 * formatted in UTC so the browser's own zone never shifts it to the day before.
 * @param {string} key
 * @param {'short' | 'long'} [style]
 */
export function formatDay(key, style = 'long') {
  const date = new Date(`${key}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return key;
  return new Intl.DateTimeFormat(undefined, {
    timeZone: 'UTC',
    ...(style === 'short'
      ? { day: 'numeric', month: 'short' }
      : { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }),
  }).format(date);
}

/** A calendar month key (YYYY-MM) as "December 2026". @param {string} key */
export function formatMonth(key) {
  const date = new Date(`${key}-01T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return key;
  return new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(date);
}

/** An instant in the browser's local time. @param {string | null | undefined} iso */
export function formatDateTime(iso) {
  if (!iso) return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** How long a run took, or that it is still going. @param {string} started @param {string | null} finished */
export function formatDuration(started, finished) {
  if (!finished) return 'running';
  const ms = new Date(finished).getTime() - new Date(started).getTime();
  if (!(ms >= 0)) return '–';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A date as YYYY-MM-DD in the browser's local calendar. @param {Date} date */
export function localDateKey(date) {
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * The day keys from `from` (inclusive) to `to` (exclusive).
 * @param {string} from
 * @param {string} to
 */
export function daysBetween(from, to) {
  const keys = [];
  const end = new Date(`${to}T00:00:00Z`).getTime();
  for (let t = new Date(`${from}T00:00:00Z`).getTime(); t < end; t += 86_400_000)
    keys.push(new Date(t).toISOString().slice(0, 10));
  return keys;
}
