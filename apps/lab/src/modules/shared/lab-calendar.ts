import { localDateOf } from '@ours/platform/time';

/**
 * The lab's civil time zone: expiry dates are calendar days there, and the scheduled jobs (the
 * daily alert job at 06:00) run on its clock. (One zone for every lab until labs carry their own.)
 */
export const labTimeZone = 'Europe/London';

/** Today's date (YYYY-MM-DD) in the lab's zone at `now`; a lot is expired once its expiry date is before it. */
export function labToday(now: Date): string {
  return localDateOf(now, labTimeZone);
}
