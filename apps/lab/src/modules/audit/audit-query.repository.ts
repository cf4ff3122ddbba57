import type { SelectQueryBuilder } from 'kysely';
import type { LabExecutor, LabSchema } from '../../db/lab-database.ts';
import { isUuid } from '../shared/uuid.ts';
import { type AuditEntry, auditEntryColumns } from './audit.repository.ts';

/** What the trail can be searched by; every field optional. */
export interface AuditFilter {
  /** A user id or an e-mail address. */
  actor?: string | undefined;
  action?: string | undefined;
  entity_type?: string | undefined;
  entity_id?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** Entries matching the filter (every field optional), columns as the API shows them. */
function filtered(
  tx: LabExecutor,
  filter: AuditFilter,
): SelectQueryBuilder<LabSchema, 'audit_entries', AuditEntry> {
  let query = tx.selectFrom('audit_entries').select(auditEntryColumns);
  if (filter.actor) {
    query = isUuid(filter.actor)
      ? query.where('actor_id', '=', filter.actor)
      : query.where('actor_email', '=', filter.actor.trim().toLowerCase());
  }
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.entity_type) query = query.where('entity_type', '=', filter.entity_type);
  if (filter.entity_id) query = query.where('entity_id', '=', filter.entity_id);
  if (filter.from) query = query.where('occurred_at', '>=', filter.from);
  if (filter.to) query = query.where('occurred_at', '<', filter.to);
  return query;
}

/** Newest first, keyset on seq: `beforeSeq` is the last seq of the previous page. */
export function auditSearch(
  tx: LabExecutor,
  filter: AuditFilter,
  page: { beforeSeq?: number | undefined; limit: number },
): Promise<AuditEntry[]> {
  let query = filtered(tx, filter);
  if (page.beforeSeq !== undefined) query = query.where('seq', '<', page.beforeSeq);
  return query.orderBy('seq', 'desc').limit(page.limit).execute();
}

/** Oldest first from `afterSeq`, for exports that stream the whole filtered trail. */
export function auditExportPage(
  tx: LabExecutor,
  filter: AuditFilter,
  afterSeq: number,
  limit: number,
): Promise<AuditEntry[]> {
  return filtered(tx, filter).where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
}

/** Every entry about one record, oldest first (a sample's history, say). */
export function entityEntries(tx: LabExecutor, entityType: string, entityId: string): Promise<AuditEntry[]> {
  return filtered(tx, { entity_type: entityType, entity_id: entityId }).orderBy('seq').execute();
}
