import { createHmac, type KeyObject, randomUUID, timingSafeEqual } from 'node:crypto';
import { preparedStatement } from '@ours/platform/db';
import { sql } from 'kysely';
import type { LabExecutor } from '../../db/lab-database.ts';
import type { AuditInput } from './audit.repository.ts';
import { canonicalJson } from './canonical-json.ts';

/** An entry written by its change's transaction, waiting for the sealer to chain it. */
export interface PendingEntry extends Required<Omit<AuditInput, 'before' | 'after'>> {
  id: string;
  occurred_at: string;
  before: unknown;
  after: unknown;
}

/** A pending entry as the sealer reads it back: with its transaction and authentication. */
export interface StoredPending extends PendingEntry {
  tx_id: string;
  mac: string;
}

const pendingMacContext = 'polymorph-lite pending audit entry v1\n';

/**
 * The server's authentication of a pending entry: HMAC under the audit key over the entry's RFC 8785
 * form (prefixed, so it can never be mistaken for an entry's seal, which covers a bare hash).
 */
export function pendingMac(key: KeyObject, entry: PendingEntry): string {
  const { id, occurred_at, actor_id, actor_email, action, entity_type, entity_id } = entry;
  const { before, after, reason, request_id, client_ip } = entry;
  const content = canonicalJson({
    id,
    occurred_at: new Date(occurred_at).toISOString(),
    actor_id,
    actor_email,
    action,
    entity_type,
    entity_id,
    before,
    after,
    reason,
    request_id,
    client_ip,
  });
  return createHmac('sha256', key).update(pendingMacContext).update(content).digest('hex');
}

/** Whether the pending entry was written by a server holding `key` (constant time). */
export function pendingMacValid(key: KeyObject, entry: StoredPending): boolean {
  if (!/^[0-9a-f]{64}$/.test(entry.mac)) return false;
  return timingSafeEqual(Buffer.from(pendingMac(key, entry), 'hex'), Buffer.from(entry.mac, 'hex'));
}

/** Entries for one append, stamped with one time and authenticated with the server's key. */
export function pendingEntries(key: KeyObject, inputs: AuditInput[], occurredAt: Date): StoredPending[] {
  const occurred_at = occurredAt.toISOString();
  return inputs.map((input) => {
    const entry: PendingEntry = {
      id: randomUUID(),
      occurred_at,
      actor_id: input.actor_id ?? null,
      actor_email: input.actor_email ?? null,
      action: input.action,
      entity_type: input.entity_type,
      entity_id: input.entity_id ?? null,
      before: input.before ?? null,
      after: input.after ?? null,
      reason: input.reason ?? null,
      request_id: input.request_id ?? null,
      client_ip: input.client_ip ?? null,
    };
    return { ...entry, tx_id: '', mac: pendingMac(key, entry) };
  });
}

/** Stores pending entries in the caller's transaction, in order: one statement however many. */
export async function insertPending(tx: LabExecutor, entries: StoredPending[]): Promise<void> {
  const rows = entries.map(({ tx_id: _tx, ...entry }, ord) => ({ ...entry, ord }));
  await sql`
    insert into audit_pending (id, occurred_at, actor_id, actor_email, action, entity_type, entity_id,
      before, after, reason, request_id, client_ip, mac)
    select id, occurred_at, actor_id, actor_email, action, entity_type, entity_id,
      nullif(before, 'null'::jsonb), nullif(after, 'null'::jsonb), reason, request_id, client_ip, mac
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id uuid, occurred_at timestamptz,
      actor_id uuid, actor_email text, action text, entity_type text, entity_id text, before jsonb,
      after jsonb, reason text, request_id text, client_ip text, mac text, ord int)
    order by ord${preparedStatement}`.execute(tx);
}

/**
 * Whether any committed entry waits to be sealed (only those written more than `olderThan` ago, when
 * given, by the database's clock): one probe of the position index, never a scan of the table.
 */
export async function anyPending(executor: LabExecutor, olderThan?: string): Promise<boolean> {
  const age = olderThan === undefined ? sql`` : sql`where occurred_at < now() - ${olderThan}::interval`;
  const { rows } = await sql`
    select 1 from (select occurred_at from audit_pending order by position limit 1) oldest ${age}`.execute(
    executor,
  );
  return rows.length > 0;
}

/**
 * The oldest committed pending entries: the transactions holding the first `rows` of them (by the
 * order they were written), each transaction's entries together and in their order (a transaction
 * is never split across two batches, however many entries it wrote). Read through indexes, never by
 * scanning the table: sealing leaves dead rows behind until the next vacuum, up to one per entry.
 */
export async function pendingBatch(tx: LabExecutor, rows: number): Promise<StoredPending[]> {
  const { rows: batch } = await sql<StoredPending>`
    with oldest as (
      select distinct tx_id from (select tx_id from audit_pending order by position limit ${rows}) o),
    txs as (
      select p.tx_id, min(p.position) as first
      from audit_pending p join oldest using (tx_id) group by p.tx_id)
    select p.id, p.tx_id::text as tx_id, p.occurred_at, p.actor_id, p.actor_email, p.action, p.entity_type,
      p.entity_id, p.before, p.after, p.reason, p.request_id, p.client_ip, p.mac
    from audit_pending p join txs using (tx_id)
    order by txs.first, p.position${preparedStatement}`.execute(tx);
  return batch;
}
