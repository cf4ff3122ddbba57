import { localDateOf } from '@ours/platform/time';

/**
 * The budget period holding `at`: its calendar month in the coach's time zone (COACH_TIMEZONE, the
 * zone of the jobs and of /admin/usage's days), as 'YYYY-MM'.
 */
export function budgetPeriod(at: Date, timeZone: string): string {
  return localDateOf(at, timeZone).slice(0, 7);
}
