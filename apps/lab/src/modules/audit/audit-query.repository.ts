import { type Executor, queryRows } from '@ours/platform/db';
import { type SQL, sql } from 'drizzle-orm';
import { isUuid } from '../shared/uuid.ts';
import type { AuditEntry } from './audit.repository.ts';

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

function conditions(filter: AuditFilter): SQL {
  const parts: SQL[] = [sql`true`];
  if (filter.actor) {
    parts.push(
      isUuid(filter.actor)
        ? sql`actor_id = ${filter.actor}::uuid`
        : sql`actor_email = ${filter.actor.trim().toLowerCase()}`,
    );
  }
  if (filter.action) parts.push(sql`action = ${filter.action}`);
  if (filter.entity_type) parts.push(sql`entity_type = ${filter.entity_type}`);
  if (filter.entity_id) parts.push(sql`entity_id = ${filter.entity_id}`);
  if (filter.from) parts.push(sql`occurred_at >= ${filter.from}::timestamptz`);
  if (filter.to) parts.push(sql`occurred_at < ${filter.to}::timestamptz`);
  return sql.join(parts, sql` and `);
}

const columns = sql`seq::float8 as seq, to_json(occurred_at) #>> '{}' as occurred_at, actor_id, actor_email,
  action, entity_type, entity_id, before, after, reason, request_id, client_ip, prev_hash, hash`;

/** Newest first, keyset on seq: `beforeSeq` is the last seq of the previous page. */
export function auditSearch(
  tx: Executor,
  filter: AuditFilter,
  page: { beforeSeq?: number | undefined; limit: number },
): Promise<AuditEntry[]> {
  const after = page.beforeSeq === undefined ? sql`` : sql`and seq < ${page.beforeSeq}`;
  return queryRows<AuditEntry>(
    tx,
    sql`select ${columns} from audit_entries where ${conditions(filter)} ${after} order by seq desc limit ${page.limit}`,
  );
}

/** Oldest first from `afterSeq`, for exports that stream the whole filtered trail. */
export function auditExportPage(tx: Executor, filter: AuditFilter, afterSeq: number, limit: number) {
  return queryRows<AuditEntry>(
    tx,
    sql`select ${columns} from audit_entries where ${conditions(filter)} and seq > ${afterSeq}
        order by seq limit ${limit}`,
  );
}
