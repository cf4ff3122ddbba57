import { api, data, download } from '../../api/client.ts';
import type { GetQuery, GetReply } from '../../api/types.ts';
import type { auditFilters } from './audit.routes.ts';

export type AuditEntry = GetReply<'/api/compliance/audit'>['items'][number];
export type AuditQuery = GetQuery<'/api/compliance/audit'>;
export type Verification = GetReply<'/api/compliance/audit/verify'>;
export type AuditFilter = { [K in (typeof auditFilters)[number]]?: string | undefined };

/** Entries per page: enough to scan, small enough to load at once. */
export const auditPageSize = 50;

/** One page of the trail, newest first, from `cursor` (the API's keyset: entries before that seq). */
export function fetchAuditPage(filter: AuditFilter, cursor: string | undefined) {
  return data(
    api.GET('/api/compliance/audit', { params: { query: { ...filter, cursor, limit: auditPageSize } } }),
  );
}

/** One entry by its seq: the page of one that ends just after it (the API has no lookup by seq). */
export async function fetchAuditEntry(seq: number): Promise<AuditEntry | undefined> {
  const page = await data(
    api.GET('/api/compliance/audit', { params: { query: { cursor: String(seq + 1), limit: 1 } } }),
  );
  return page.items.find((entry) => entry.seq === seq);
}

export function verifyTrail() {
  return data(api.GET('/api/compliance/audit/verify'));
}

/** The filtered trail as the API exports it (CSV or JSON), as a file's bytes. */
export function exportTrail(filter: AuditFilter, format: 'csv' | 'json'): Promise<Blob> {
  const query = new URLSearchParams({ format });
  for (const [key, value] of Object.entries(filter)) if (value) query.set(key, value);
  return download(`/api/compliance/audit/export?${query.toString()}`);
}

/** The signature an entry records, when it is one (signature.create keeps its id in `after`). */
export function signatureIdOf(entry: AuditEntry): string | undefined {
  if (entry.action !== 'signature.create') return undefined;
  const after = entry.after as { signature_id?: unknown } | null;
  return typeof after?.signature_id === 'string' ? after.signature_id : undefined;
}
