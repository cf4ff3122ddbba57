import type { KeyObject } from 'node:crypto';
import { afterCommit } from '@ours/platform/db';
import type { Kysely } from 'kysely';
import type { LabExecutor, LabSchema } from '../../db/lab-database.ts';
import { type AuditEntry, type AuditInput, auditEntryColumns } from './audit.repository.ts';
import { anyPending, insertPending, pendingEntries } from './audit-pending.ts';
import { AuditSealer, type SealerEvents } from './audit-sealer.ts';

/** An appended entry: its time at once, its place in the chain once its transaction has committed. */
export interface AuditReceipt {
  /** The pending entry's id (the chain entry names it as `pending_id`). */
  id: string;
  occurred_at: string;
  /**
   * The chain entry, after the commit (every entry of a committed transaction is sealed before the
   * transaction's caller gets its result).
   */
  sealed: () => Promise<AuditEntry>;
}

/** Writes the audit trail: every regulated change appends its entries in its own transaction. */
export interface AuditTrail {
  /** Appends one entry; see `appendMany`. */
  append(tx: LabExecutor, input: AuditInput): Promise<AuditReceipt>;
  /**
   * Appends entries (in order) inside the caller's transaction (opened with `db.transaction`), as
   * pending entries: one statement, no lock, so writers of any lab commit side by side. The database
   * refuses to commit a change without its entry (coverage triggers), and the entry commits with its
   * change or not at all. Once the transaction has committed, and before its caller hears so, the
   * sealer chains and seals the entries; they keep their order, stay together, and share the time of
   * this call.
   */
  appendMany(tx: LabExecutor, inputs: AuditInput[]): Promise<AuditReceipt[]>;
  /**
   * Seals every entry committed so far on this database, whoever wrote it: at a server's start and on
   * its poll, for entries a server left pending when it died between its commit and the seal.
   */
  sealCommitted(pool: Kysely<LabSchema>): Promise<void>;
  /**
   * Before a read of the trail: resolves once every entry committed so far is in the chain, so what
   * the read shows covers every change it could see (a run completed by a background worker, say,
   * whose entry is being sealed right after its commit). One index probe when nothing is pending.
   */
  caughtUp(pool: Kysely<LabSchema>): Promise<void>;
  /** Where sealers report forged pending entries and failures (a server's logger). */
  reportTo(events: SealerEvents): void;
}

/** The trail for this server: entries are authenticated and sealed with `macKey` (from its secret key). */
export function createAuditTrail(macKey: KeyObject): AuditTrail {
  const events: SealerEvents = {};
  const sealers = new WeakMap<Kysely<LabSchema>, AuditSealer>();
  const sealerFor = (pool: Kysely<LabSchema>) => {
    let sealer = sealers.get(pool);
    if (!sealer) {
      sealer = new AuditSealer(pool, macKey, events);
      sealers.set(pool, sealer);
    }
    return sealer;
  };

  const appendMany = async (tx: LabExecutor, inputs: AuditInput[]): Promise<AuditReceipt[]> => {
    if (inputs.length === 0) return [];
    const entries = pendingEntries(macKey, inputs, new Date());
    await insertPending(tx, entries);
    let pool: Kysely<LabSchema> | undefined;
    afterCommit(tx, async (committedOn) => {
      pool = committedOn;
      await sealerFor(committedOn).sealedAfterNow();
    });
    return entries.map((entry) => ({
      id: entry.id,
      occurred_at: entry.occurred_at,
      sealed: async () => {
        if (!pool) throw new Error('an audit entry is sealed only after its transaction commits');
        return pool
          .selectFrom('audit_entries')
          .select([...auditEntryColumns])
          .where('entity_type', '=', entry.entity_type)
          .where('entity_id', entry.entity_id === null ? 'is' : '=', entry.entity_id)
          .where('pending_id', '=', entry.id)
          .executeTakeFirstOrThrow();
      },
    }));
  };
  return {
    appendMany,
    append: async (tx, input) => {
      const [receipt] = await appendMany(tx, [input]);
      if (!receipt) throw new Error('the audit append returned no entry');
      return receipt;
    },
    sealCommitted: (pool) => sealerFor(pool).sealedAfterNow(),
    caughtUp: async (pool) => {
      if (await anyPending(pool)) await sealerFor(pool).sealedAfterNow();
    },
    reportTo: (reported) => Object.assign(events, reported),
  };
}
