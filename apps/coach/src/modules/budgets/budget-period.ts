const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The budget period holding `at`: its calendar month in the coach's time zone (COACH_TIMEZONE, the
 * zone of the jobs and of /admin/usage's days), as 'YYYY-MM'.
 */
export function budgetPeriod(at: Date, timeZone: string): string {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' });
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const year = parts.find((part) => part.type === 'year')?.value;
  const month = parts.find((part) => part.type === 'month')?.value;
  return `${year}-${month}`;
}
