import { isSampleStatus, type SampleQuery } from './sample-types.ts';
import type { sampleFilters } from './samples.routes.ts';

/** The list's filters as the address holds them: optional strings. */
export type SampleSearch = { [K in (typeof sampleFilters)[number]]?: string | undefined };

const day = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A filter date as the API wants it. The address keeps a calendar day ("2026-12-04"), read in the
 * reader's time zone: "from" is the start of that day, "to" the start of the next (the API's upper
 * bound is exclusive), so "to 4 Dec" includes the 4th. A full timestamp is passed as it is.
 */
export function filterInstant(value: string | undefined, end: boolean): string | undefined {
  if (!value) return undefined;
  if (!day.test(value)) return value;
  const date = new Date(`${value}T00:00:00`);
  if (Number.isNaN(date.getTime())) return undefined;
  if (end) date.setDate(date.getDate() + 1);
  return date.toISOString();
}

/** The API query of a filtered view (no paging). Values the API would refuse are left out. */
export function apiFilter(search: SampleSearch): Omit<SampleQuery, 'cursor' | 'limit'> {
  const query: Omit<SampleQuery, 'cursor' | 'limit'> = {};
  if (isSampleStatus(search.status)) query.status = search.status;
  if (search.project_id) query.project_id = search.project_id;
  if (search.batch_id) query.batch_id = search.batch_id;
  if (search.container_id) query.container_id = search.container_id;
  if (search.sample_type?.trim()) query.sample_type = search.sample_type.trim();
  if (search.q?.trim()) query.q = search.q.trim();
  const from = filterInstant(search.created_from, false);
  const to = filterInstant(search.created_to, true);
  if (from) query.created_from = from;
  if (to) query.created_to = to;
  if (search.include_deleted === 'true') query.include_deleted = true;
  if (search.lab_id) query.lab_id = search.lab_id;
  return query;
}

/** The same filter as a query string (for the CSV export, fetched as a file). */
export function filterQueryString(search: SampleSearch): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(apiFilter(search))) {
    if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const hasFilters = (search: SampleSearch) => Object.values(search).some((value) => !!value);
