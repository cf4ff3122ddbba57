import type { KeyObject } from 'node:crypto';
import type { LabExecutor } from '../../db/lab-database.ts';
import {
  type AuditEntry,
  type AuditInput,
  chainEntries,
  insertEntries,
  lockHead,
} from './audit.repository.ts';

/** Writes the audit trail: every regulated change appends its entries in its own transaction. */
export interface AuditTrail {
  /** Appends one entry; see `appendMany`. */
  append(tx: LabExecutor, input: AuditInput): Promise<AuditEntry>;
  /**
   * Appends entries (in order) inside the caller's transaction, as its LAST statements: the head is
   * locked from here to the commit, so concurrent writers queue and the chain never forks. No change
   * without its entry (the database refuses to commit one), no entry without its change: both commit
   * or neither does. Two round trips however many entries: one takes the head and the time, one
   * stores the chained, sealed entries and moves the head. Entries of one call share `occurred_at`.
   */
  appendMany(tx: LabExecutor, inputs: AuditInput[]): Promise<AuditEntry[]>;
}

/** The trail for this server: entries are sealed with `macKey` (derived from its secret key). */
export function createAuditTrail(macKey: KeyObject): AuditTrail {
  const appendMany = async (tx: LabExecutor, inputs: AuditInput[]): Promise<AuditEntry[]> => {
    if (inputs.length === 0) return [];
    const entries = chainEntries(await lockHead(tx), inputs, macKey);
    await insertEntries(tx, entries);
    return entries.map(({ mac: _mac, ...entry }) => entry);
  };
  return {
    appendMany,
    append: async (tx, input) => {
      const [entry] = await appendMany(tx, [input]);
      if (!entry) throw new Error('the audit append returned no entry');
      return entry;
    },
  };
}
