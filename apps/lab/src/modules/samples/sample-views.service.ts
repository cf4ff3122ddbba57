import { decodeCursor, toPage } from '@ours/platform/http';
import type { Static } from 'typebox';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import { type AuditEntry, entityEntries } from '../audit/index.ts';
import { signaturesOf } from '../signatures/index.ts';
import { inLabs, readInLabs, sortlessReadInLabs } from '../sites/index.ts';
import { relatives } from './sample-lineage.repository.ts';
import { listSamples } from './sample-list.repository.ts';
import { allowedTransitions, type SampleStatus } from './sample-status.ts';
import type { SampleQuery } from './samples.schema.ts';
import { oneSample } from './samples.service.ts';

/**
 * A page of the caller's samples, newest first: one statement in one round trip, one row more than
 * the page to know whether another follows. In index order whatever the planner's statistics
 * (`sortlessReadInLabs`), except for an id prefix, whose index is in id order and whose matches
 * are sorted.
 */
export async function samplePage(ctx: LabContext, caller: Principal, query: Static<typeof SampleQuery>) {
  const { limit = 20, cursor, ...filter } = query;
  const position = cursor ? decodeCursor(cursor) : undefined;
  const scope = filter.q ? readInLabs(ctx.db, caller.lab_ids) : sortlessReadInLabs(ctx.db, caller.lab_ids);
  const [only, ...others] = caller.lab_ids;
  const rows = await listSamples(scope, filter, position, limit + 1, others.length === 0 ? only : undefined);
  return toPage(rows, limit, (row) => row.created_at);
}

/**
 * A sample as shown: with the statuses it may move to next, its lineage both ways to `depth` levels
 * and its signatures.
 */
export async function sampleWithLineage(ctx: LabContext, caller: Principal, key: string, depth: number) {
  // Reads only, so no transaction: each statement is one round trip in the caller's lab scope (a
  // transaction in READ COMMITTED gave each statement its own snapshot too). The three reads that
  // need the sample's id go out together.
  const scope = readInLabs(ctx.db, caller.lab_ids);
  const sample = await oneSample(scope, key);
  const [ancestors, descendants, signatures] = await Promise.all([
    relatives(scope, sample.id, 'up', depth),
    relatives(scope, sample.id, 'down', depth),
    signaturesOf(scope, 'sample', sample.id),
  ]);
  return {
    ...sample,
    allowed_statuses: [...(allowedTransitions[sample.status as SampleStatus] ?? [])],
    ancestors,
    descendants,
    signatures,
  };
}

/** The audit entries about a sample, oldest first (exact id match, never a substring). */
export async function sampleHistory(ctx: LabContext, caller: Principal, key: string): Promise<AuditEntry[]> {
  await ctx.audit.caughtUp(ctx.db.kysely);
  return inLabs(ctx.db, caller.lab_ids, async (tx) =>
    entityEntries(tx, 'sample', (await oneSample(tx, key)).id),
  );
}
