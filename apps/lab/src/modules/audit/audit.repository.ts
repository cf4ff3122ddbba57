import { type Executor, queryRows } from '@ours/platform/db';
import { sql } from 'drizzle-orm';
import { type AuditFields, auditHash } from './audit-hash.ts';

/** What a caller records; the chain fields (seq, time, hashes) are the trail's to fill in. */
export type AuditInput = Omit<AuditFields, 'seq' | 'occurred_at' | 'prev_hash'>;

export interface AuditEntry extends AuditFields {
  hash: string;
}

/**
 * Appends one entry inside the caller's transaction, as its LAST statement: the head row is locked
 * only from here to the commit, so concurrent writers queue for milliseconds and the chain never
 * forks. No change without its entry, no entry without its change: both commit or neither does.
 */
export async function appendAudit(tx: Executor, input: AuditInput): Promise<AuditEntry> {
  const [head] = await queryRows<{ seq: string | number; hash: string }>(
    tx,
    sql`select seq, hash from audit_head where id for update`,
  );
  if (!head) throw new Error('audit head is missing');
  const fields: AuditFields = {
    ...input,
    seq: Number(head.seq) + 1,
    occurred_at: new Date().toISOString(),
    prev_hash: head.hash,
  };
  const hash = auditHash(fields);
  await tx.execute(sql`
    with appended as (
      insert into audit_entries (seq, occurred_at, actor_id, actor_email, action, entity_type, entity_id,
        before, after, reason, request_id, client_ip, prev_hash, hash)
      values (${fields.seq}, ${fields.occurred_at}::timestamptz, ${fields.actor_id}, ${fields.actor_email},
        ${fields.action}, ${fields.entity_type}, ${fields.entity_id}, ${json(fields.before)}::jsonb, ${json(fields.after)}::jsonb,
        ${fields.reason}, ${fields.request_id}, ${fields.client_ip}, ${fields.prev_hash}, ${hash})
      returning seq, hash)
    update audit_head set seq = appended.seq, hash = appended.hash from appended where audit_head.id`);
  return { ...fields, hash };
}

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** A page of the chain in order, for streaming verification (keyset on seq: memory stays flat). */
export function auditPage(tx: Executor, afterSeq: number, limit: number): Promise<AuditEntry[]> {
  return queryRows<AuditEntry>(
    tx,
    sql`select seq::int8::text as seq, to_json(occurred_at) #>> '{}' as occurred_at, actor_id, actor_email, action,
          entity_type, entity_id, before, after, reason, request_id, client_ip, prev_hash, hash
        from audit_entries where audit_entries.seq > ${afterSeq} order by audit_entries.seq limit ${limit}`,
  );
}

export async function auditHead(tx: Executor): Promise<{ seq: number; hash: string }> {
  const [head] = await queryRows<{ seq: string | number; hash: string }>(
    tx,
    sql`select seq, hash from audit_head`,
  );
  if (!head) throw new Error('audit head is missing');
  return { seq: Number(head.seq), hash: head.hash };
}
