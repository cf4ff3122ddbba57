import { type Executor, queryRows } from '@ours/platform/db';
import { sql } from 'drizzle-orm';
import { type AuditFields, auditHash, canonicalParts, storedFields } from './audit-hash.ts';

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
  // Everything but the chain fields is canonicalised here, before the lock; one statement then takes
  // the lock, stamps the time, completes the canonical text (see `canonicalParts`), hashes it, inserts
  // and moves the head, so the lock is held for one round trip and the commit. Appenders queue on a
  // transaction advisory lock (a one-time filter, taken before the head row is read), not on the row:
  // writers parked on a row lock pin its page, which stops HOT pruning, and under sustained load the
  // one-row table bloated to dozens of pages and appends slowed fivefold. The row lock still guards it.
  const parts = canonicalParts(input);
  const [row] = await queryRows<{
    seq: string | number;
    occurred_at: string;
    prev_hash: string;
    hash: string;
  }>(
    tx,
    sql`
    with head as (
      select seq + 1 as seq, hash as prev_hash from audit_head
      where id and (select pg_advisory_xact_lock(hashtext('lab:audit-head'))) is not null for update),
    stamped as (
      select seq, prev_hash, date_trunc('milliseconds', clock_timestamp()) as occurred_at from head),
    entry as (
      select seq, prev_hash, occurred_at,
        to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_text from stamped),
    appended as (
      insert into audit_entries (seq, occurred_at, actor_id, actor_email, action, entity_type, entity_id,
        before, after, reason, request_id, client_ip, prev_hash, hash)
      select seq, occurred_at, ${input.actor_id ?? null}, ${input.actor_email ?? null}, ${input.action},
        ${input.entity_type}, ${input.entity_id ?? null}, ${json(input.before)}::jsonb, ${json(input.after)}::jsonb,
        ${input.reason ?? null}, ${input.request_id ?? null}, ${input.client_ip ?? null}, prev_hash,
        encode(sha256(convert_to(${parts.head} || ',"occurred_at":"' || occurred_text || '","prev_hash":"'
          || prev_hash || '",' || ${parts.tail} || ',"seq":' || seq::text || '}', 'UTF8')), 'hex')
      from entry
      returning seq, prev_hash, hash, (select occurred_text from entry) as occurred_at)
    update audit_head set seq = appended.seq, hash = appended.hash from appended where audit_head.id
    returning appended.seq, appended.occurred_at, appended.prev_hash, appended.hash`,
  );
  if (!row) throw new Error('audit head is missing');
  const fields: AuditFields = {
    ...input,
    seq: Number(row.seq),
    occurred_at: row.occurred_at,
    prev_hash: row.prev_hash,
  };
  // The database hashed the spliced text; it must be the entry's canonical form, or nothing commits.
  if (auditHash(fields) !== row.hash) throw new Error('audit entry hash does not match its canonical form');
  return { ...fields, hash: row.hash };
}

/**
 * Appends several entries (in order) inside the caller's transaction, as its last statements: the
 * bulk form of `appendAudit` for one change that touches many records (bulk create, CSV import,
 * split). Two round trips however many entries: one takes the lock and reads the head and the time,
 * one inserts every entry and moves the head. The hashes are computed here over the same canonical
 * form the verifier recomputes; all entries share one `occurred_at`, as they share one transaction.
 */
export async function appendAuditEntries(tx: Executor, inputs: AuditInput[]): Promise<AuditEntry[]> {
  if (inputs.length === 0) return [];
  if (inputs.length === 1) return [await appendAudit(tx, inputs[0] as AuditInput)];
  const [head] = await queryRows<{ seq: string | number; hash: string; occurred_at: string }>(
    tx,
    sql`select seq, hash,
          to_char(date_trunc('milliseconds', clock_timestamp()) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
            as occurred_at
        from audit_head
        where id and (select pg_advisory_xact_lock(hashtext('lab:audit-head'))) is not null for update`,
  );
  if (!head) throw new Error('audit head is missing');
  let seq = Number(head.seq);
  let prevHash = head.hash;
  const entries = inputs.map((input): AuditEntry => {
    seq += 1;
    const fields: AuditFields = { ...input, seq, occurred_at: head.occurred_at, prev_hash: prevHash };
    prevHash = auditHash(fields);
    return { ...fields, hash: prevHash };
  });
  const rows = entries.map((entry) => ({ ...storedFields(entry), hash: entry.hash }));
  const moved = await queryRows<{ seq: string | number }>(
    tx,
    sql`
    with appended as (
      insert into audit_entries (seq, occurred_at, actor_id, actor_email, action, entity_type, entity_id,
        before, after, reason, request_id, client_ip, prev_hash, hash)
      select seq, occurred_at, actor_id, actor_email, action, entity_type, entity_id,
        nullif(before, 'null'::jsonb), nullif(after, 'null'::jsonb), reason, request_id, client_ip, prev_hash, hash
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(seq bigint, occurred_at timestamptz,
        actor_id uuid, actor_email text, action text, entity_type text, entity_id text, before jsonb,
        after jsonb, reason text, request_id text, client_ip text, prev_hash text, hash text)
      returning 1)
    update audit_head set seq = ${seq}, hash = ${prevHash}
    where id and (select count(*) from appended) = ${entries.length}
    returning seq`,
  );
  // Entries without the head moved would break every later append: fail the whole transaction instead.
  if (moved.length !== 1) throw new Error('audit head did not move with the appended entries');
  return entries;
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
