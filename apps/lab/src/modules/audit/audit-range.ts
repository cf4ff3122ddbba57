import type { KeyObject } from 'node:crypto';
import type pg from 'pg';
import { AuditRowChecker, auditCopyQuery, BinaryCopyRows, type CopyRow } from './audit-copy-row.ts';

/** One seq range of the chain to walk: entries `afterSeq + 1` through `throughSeq` (or the end). */
export interface AuditRange {
  afterSeq: number;
  throughSeq: number | null;
  /** The hash entry `afterSeq + 1` must link to; null when another range's walk supplies it (the join). */
  afterHash: string | null;
  /** Not the last range: every seq up to `throughSeq` must be there. */
  complete: boolean;
  sealedFrom: number;
}

/** Where a range's walk ended, and what its first entry links to (for the join with the range before). */
export interface RangeResult {
  checked: number;
  last_seq: number;
  /** The last verified entry's hash; null when none was verified and `afterHash` was unknown. */
  last_hash: string | null;
  /** `prev_hash` of entry `afterSeq + 1`, when it is there. */
  first_prev_hash: string | null;
  broken: { seq: number; reason: string } | null;
  /** How many entries were hashed by the reference path rather than from the row's bytes. */
  reference_path: number;
}

/**
 * The walk of `verifySegment` over one range: gapless seq, links, each hash recomputed, seals from
 * `sealedFrom` on, stopping at the first wrong entry. Rows are fed in seq order; `result` tells how it
 * ended (a complete range also needs its last seq).
 */
export class RangeWalk {
  private expected: number;
  /** The hash the next entry must link to (its bytes), unknown before a range's first entry. */
  private previous: Buffer;
  private previousLength: number;
  private previousKnown: boolean;
  private checked = 0;
  private firstPrev: string | null = null;
  private broken: { seq: number; reason: string } | null = null;
  private readonly checker: AuditRowChecker;
  private readonly range: AuditRange;

  constructor(range: AuditRange, checker: AuditRowChecker) {
    this.range = range;
    this.checker = checker;
    this.expected = range.afterSeq + 1;
    this.previousKnown = range.afterHash !== null;
    this.previous = Buffer.from(range.afterHash ?? '', 'utf8');
    this.previousLength = this.previous.length;
    if (this.previous.length < 64) this.previous = Buffer.concat([this.previous, Buffer.alloc(64)]);
  }

  get done(): boolean {
    return this.broken !== null;
  }

  get count(): number {
    return this.checked;
  }

  /** Checks one row; false once the walk has stopped (this row or an earlier one was wrong). */
  row(row: CopyRow): boolean {
    if (this.broken) return false;
    const checker = this.checker;
    const seq = checker.seq(row);
    if (seq !== this.expected) return this.stop(this.expected, `entry ${this.expected} is missing`);
    if (seq === this.range.afterSeq + 1) this.firstPrev = checker.prevHashText(row);
    if (this.previousKnown && !checker.linksTo(row, this.previous, this.previousLength)) {
      return this.stop(seq, 'does not link to the previous entry');
    }
    if (!checker.hashValid(row, seq)) return this.stop(seq, 'content does not match its hash');
    if (seq >= this.range.sealedFrom && !checker.sealValid(row)) {
      return this.stop(seq, 'is not sealed by this server (written without its key)');
    }
    this.previous = checker.keepHash(row, this.previous);
    this.previousLength = checker.hashLength(row);
    this.previousKnown = true;
    this.expected += 1;
    this.checked += 1;
    return true;
  }

  private stop(seq: number, reason: string): false {
    this.broken = { seq, reason };
    return false;
  }

  result(): RangeResult {
    const { throughSeq, complete } = this.range;
    if (!this.broken && complete && throughSeq !== null && this.expected <= throughSeq) {
      this.stop(this.expected, `entry ${this.expected} is missing`);
    }
    return {
      checked: this.checked,
      last_seq: this.expected - 1,
      last_hash: this.previousKnown ? this.previous.toString('utf8', 0, this.previousLength) : null,
      first_prev_hash: this.firstPrev,
      broken: this.broken,
      reference_path: this.checker.referencePath,
    };
  }
}

/**
 * Walks `range` over a binary `COPY` on `client` (which must already be in the snapshot to read).
 * Rows are checked as they arrive, on the socket's own callbacks, so memory stays flat: a slow walk
 * leaves the data in the socket and PostgreSQL waits. Stops reading once an entry is wrong.
 */
export function walkRangeOverCopy(
  client: pg.Client,
  range: AuditRange,
  macKey: KeyObject,
  options: { onProgress?: (checked: number) => void; every?: number },
): Promise<RangeResult> {
  const checker = new AuditRowChecker(macKey);
  const walk = new RangeWalk(range, checker);
  const rows = new BinaryCopyRows();
  const every = options.every ?? 10_000;
  let nextProgress = every;
  return new Promise<RangeResult>((resolve, reject) => {
    let failure: unknown = null;
    let stopped = false;
    let settled = false;
    const onRow = (row: CopyRow) => {
      if (stopped) return;
      if (!walk.row(row)) {
        // The first wrong entry ends the walk: answer now, the caller drops the connection.
        stopped = true;
        settled = true;
        resolve(walk.result());
      } else if (walk.count >= nextProgress) {
        nextProgress += every;
        options.onProgress?.(walk.count);
      }
    };
    // A pg "submittable": pg hands it the COPY's messages in order.
    const copy = {
      submit(connection: { query(text: string): void }) {
        connection.query(auditCopyQuery(range.afterSeq, range.throughSeq));
      },
      handleCopyData(message: { chunk: Buffer }) {
        if (stopped || failure) return;
        try {
          rows.push(message.chunk, onRow);
        } catch (error) {
          failure = error;
        }
      },
      handleCommandComplete() {},
      handleReadyForQuery() {
        if (settled) return;
        if (failure) reject(failure);
        else resolve(walk.result());
      },
      handleError(error: Error) {
        if (!settled) reject(error);
      },
      handleRowDescription() {},
      handleDataRow() {},
      handlePortalSuspended() {},
      handleEmptyQuery() {},
      handleCopyInResponse() {},
    };
    client.query(copy as unknown as pg.QueryConfig);
  });
}
