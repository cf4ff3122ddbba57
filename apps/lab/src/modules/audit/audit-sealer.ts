import type { KeyObject } from 'node:crypto';
import { runTransaction } from '@ours/platform/db';
import { AppError } from '@ours/platform/errors';
import type { Kysely } from 'kysely';
import type { LabSchema } from '../../db/lab-database.ts';
import { insertEntries, lockHead, type SealedEntry } from './audit.repository.ts';
import { auditHash, auditMac, storedFields } from './audit-hash.ts';
import { pendingBatch, pendingMacValid, type StoredPending } from './audit-pending.ts';

/** Pending entries a batch starts from (whole transactions: it may seal more). */
const batchRows = 500;
/** How long a sealer retries a failing batch before the waiting requests hear of it. */
const retryDelaysMs = [50, 200, 800, 2_000];

/** What a sealer reports that an operator must see. */
export interface SealerEvents {
  /** A pending entry that no server wrote (its authentication fails): chained with a failing seal. */
  onForgedEntry?: (entry: { seq: number; pending_id: string; action: string }) => void;
  onError?: (error: unknown) => void;
}

/**
 * Chains pending entries after `head`, each with its own time, sealed under `key`. An entry whose
 * pending authentication fails is chained too (its change committed and must stay visible), but with
 * a seal over a marked input, which verification reports as an invalid seal at that entry.
 */
export function chainPending(
  head: { seq: number; hash: string },
  pending: StoredPending[],
  key: KeyObject,
): { entries: SealedEntry[]; forged: SealedEntry[] } {
  let seq = head.seq;
  let prevHash = head.hash;
  const forged: SealedEntry[] = [];
  const entries = pending.map((entry): SealedEntry => {
    seq += 1;
    const fields = storedFields({ ...entry, seq, prev_hash: prevHash });
    prevHash = auditHash(fields);
    const authentic = pendingMacValid(key, entry);
    const sealed = {
      ...fields,
      hash: prevHash,
      mac: auditMac(key, authentic ? prevHash : `unauthenticated pending entry ${prevHash}`),
      tx_id: entry.tx_id,
      pending_id: entry.id,
    };
    if (!authentic) forged.push(sealed);
    return sealed;
  });
  return { entries, forged };
}

/**
 * Moves committed pending entries into the chain for one database, a batch per transaction under the
 * head's lock (which only sealers take now, for two statements and the commit). Callers wait with
 * `sealedAfterNow()`: resolved once a batch that started after the call has finished, and since a
 * batch reads the pending rows only after it holds the lock, everything committed before the call is
 * then in the chain, sealed by this server or by another one. Waiters arriving during a batch are
 * served together by the next: under load one batch seals many requests' entries.
 */
export class AuditSealer {
  readonly #pool: Kysely<LabSchema>;
  readonly #key: KeyObject;
  readonly #events: SealerEvents;
  #waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  #running = false;

  constructor(pool: Kysely<LabSchema>, key: KeyObject, events: SealerEvents = {}) {
    this.#pool = pool;
    this.#key = key;
    this.#events = events;
  }

  /** Resolves once every entry committed before this call is sealed into the chain. */
  sealedAfterNow(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.#waiting.push({ resolve, reject }));
    if (!this.#running) void this.#drain();
    return done;
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#waiting.length > 0) {
        const served = this.#waiting;
        this.#waiting = [];
        try {
          await this.#sealWithRetries();
          for (const waiter of served) waiter.resolve();
        } catch (error) {
          this.#events.onError?.(error);
          const failure = new AppError(
            503,
            'audit_sealing_delayed',
            'The change was saved, but its audit entry is not yet sealed into the trail; it will be sealed when the database answers again',
            { cause: error },
          );
          for (const waiter of served) waiter.reject(failure);
        }
      }
    } finally {
      this.#running = false;
    }
  }

  async #sealWithRetries(): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        while ((await this.sealBatch()) >= batchRows) {
          // A full batch: more may be waiting behind it.
        }
        return;
      } catch (error) {
        const delay = retryDelaysMs[attempt];
        if (delay === undefined) throw error;
        this.#events.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** Seals one batch; answers how many entries it sealed. */
  async sealBatch(): Promise<number> {
    return runTransaction(this.#pool, async (tx) => {
      const head = await lockHead(tx);
      const pending = await pendingBatch(tx, batchRows);
      if (pending.length === 0) return 0;
      const { entries, forged } = chainPending(head, pending, this.#key);
      await insertEntries(tx, entries);
      for (const entry of forged) {
        this.#events.onForgedEntry?.({
          seq: entry.seq,
          pending_id: entry.pending_id ?? '',
          action: entry.action,
        });
      }
      return pending.length;
    });
  }
}
