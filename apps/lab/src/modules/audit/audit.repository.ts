import type { KeyObject } from 'node:crypto';
import { preparedStatement } from '@ours/platform/db';
import { sql } from 'kysely';
import type { LabExecutor } from '../../db/lab-database.ts';
import { type AuditFields, auditHash, auditMac, storedFields } from './audit-hash.ts';

/** What a caller records; the chain fields (seq, time, hashes) are the trail's to fill in. */
export type AuditInput = Omit<AuditFields, 'seq' | 'occurred_at' | 'prev_hash'>;

export interface AuditEntry extends AuditFields {
  hash: string;
}

/** An entry's columns in the order the API, the CSV export and the verifier read them. */
export const auditEntryColumns = [
  'seq',
  'occurred_at',
  'actor_id',
  'actor_email',
  'action',
  'entity_type',
  'entity_id',
  'before',
  'after',
  'reason',
  'request_id',
  'client_ip',
  'prev_hash',
  'hash',
] as const;

/**
 * Takes the chain's head for the rest of the transaction and reads it with the append time.
 * Appenders queue on a transaction advisory lock (a one-time filter, taken before the head row is
 * read), not on the row: writers parked on a row lock pin its page, which stops HOT pruning, and
 * under sustained load the one-row table bloated to dozens of pages and appends slowed fivefold.
 * The row lock still guards it.
 */
export async function lockHead(tx: LabExecutor): Promise<{ seq: number; hash: string; occurred_at: string }> {
  const head = await tx
    .selectFrom('audit_head')
    .select(['seq', 'hash', sql<string>`date_trunc('milliseconds', clock_timestamp())`.as('occurred_at')])
    .where('id', '=', true)
    .where(sql<boolean>`(select pg_advisory_xact_lock(hashtext('lab:audit-head'))) is not null`)
    .forUpdate()
    .modifyEnd(preparedStatement)
    .executeTakeFirst();
  if (!head) throw new Error('audit head is missing');
  return head;
}

/** A chained entry with its seal, and (from the sealer) the pending entry and transaction it came from. */
export interface SealedEntry extends AuditEntry {
  mac: string;
  tx_id?: string;
  pending_id?: string;
}

/**
 * Stores sealed entries (in order, right after the head) and moves the head past them, in one
 * statement: one JSON document however many entries, so no parameter limit applies. Storing an entry
 * that names its pending entry removes that pending row (a trigger, in the same statement).
 */
export async function insertEntries(tx: LabExecutor, entries: SealedEntry[]): Promise<void> {
  const last = entries.at(-1);
  if (!last) return;
  const rows = entries.map((entry) => ({
    ...storedFields(entry),
    hash: entry.hash,
    mac: entry.mac,
    tx_id: entry.tx_id ?? null,
    pending_id: entry.pending_id ?? null,
  }));
  const moved = await sql<{ seq: number }>`
    with appended as (
      insert into audit_entries (seq, occurred_at, actor_id, actor_email, action, entity_type, entity_id,
        before, after, reason, request_id, client_ip, prev_hash, hash, mac, tx_id, pending_id)
      select seq, occurred_at, actor_id, actor_email, action, entity_type, entity_id,
        nullif(before, 'null'::jsonb), nullif(after, 'null'::jsonb), reason, request_id, client_ip, prev_hash, hash,
        mac, coalesce(tx_id::xid8, pg_current_xact_id()), pending_id
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(seq bigint, occurred_at timestamptz,
        actor_id uuid, actor_email text, action text, entity_type text, entity_id text, before jsonb,
        after jsonb, reason text, request_id text, client_ip text, prev_hash text, hash text, mac text,
        tx_id text, pending_id uuid)
      returning 1)
    update audit_head set seq = ${last.seq}, hash = ${last.hash}
    where id and (select count(*) from appended) = ${entries.length}
    returning seq${preparedStatement}`.execute(tx);
  // Entries without the head moved would break every later append: fail the whole transaction instead.
  if (moved.rows.length !== 1) throw new Error('audit head did not move with the appended entries');
}

/** Chains and seals entries after `head`: each links to the one before and hashes its own fields. */
export function chainEntries(
  head: { seq: number; hash: string; occurred_at: string },
  inputs: AuditInput[],
  macKey: KeyObject,
): SealedEntry[] {
  let seq = head.seq;
  let prevHash = head.hash;
  return inputs.map((input) => {
    seq += 1;
    const fields = storedFields({ ...input, seq, occurred_at: head.occurred_at, prev_hash: prevHash });
    prevHash = auditHash(fields);
    return { ...fields, hash: prevHash, mac: auditMac(macKey, prevHash) };
  });
}

/** A stored entry as read back (the seal too, for verification). */
export interface StoredEntry extends AuditEntry {
  mac: string | null;
}

/**
 * A page of the chain in order, for streaming verification (keyset on seq: memory stays flat), up to
 * `throughSeq` when given.
 */
export function auditPage(
  tx: LabExecutor,
  afterSeq: number,
  limit: number,
  throughSeq = Number.MAX_SAFE_INTEGER,
): Promise<StoredEntry[]> {
  return tx
    .selectFrom('audit_entries')
    .select([...auditEntryColumns, 'mac'])
    .where('seq', '>', afterSeq)
    .where('seq', '<=', throughSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

export async function auditHead(tx: LabExecutor): Promise<{ seq: number; hash: string }> {
  const head = await tx.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirst();
  if (!head) throw new Error('audit head is missing');
  return head;
}

/** The first entry that must carry a seal (entries before it were written before seals existed). */
export async function sealedFromSeq(tx: LabExecutor): Promise<number> {
  const row = await tx.selectFrom('audit_settings').select('sealed_from_seq').executeTakeFirst();
  if (!row) throw new Error('audit settings are missing');
  return row.sealed_from_seq;
}
