import { decodeCursor, toPage } from '@ours/platform/http';
import type { Static } from 'typebox';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import { type AuditEntry, entityEntries } from '../audit/index.ts';
import { signaturesOf } from '../signatures/index.ts';
import { inLabs, readInLabs } from '../sites/index.ts';
import { relatives } from './sample-lineage.repository.ts';
import { listSamples } from './sample-list.repository.ts';
import { allowedTransitions, type SampleStatus } from './sample-status.ts';
import type { SampleQuery } from './samples.schema.ts';
import { oneSample } from './samples.service.ts';

/**
 * A page of the caller's samples, newest first: one statement in one round trip (`readInLabs`),
 * one row more than the page to know whether another follows.
 */
export async function samplePage(ctx: LabContext, caller: Principal, query: Static<typeof SampleQuery>) {
  const { limit = 20, cursor, ...filter } = query;
  const position = cursor ? decodeCursor(cursor) : undefined;
  const rows = await listSamples(readInLabs(ctx.db, caller.lab_ids), filter, position, limit + 1);
  return toPage(rows, limit, (row) => row.created_at);
}

/**
 * A sample as shown: with the statuses it may move to next, its lineage both ways to `depth` levels
 * and its signatures.
 */
export function sampleWithLineage(ctx: LabContext, caller: Principal, key: string, depth: number) {
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const sample = await oneSample(tx, key);
    return {
      ...sample,
      allowed_statuses: [...(allowedTransitions[sample.status as SampleStatus] ?? [])],
      ancestors: await relatives(tx, sample.id, 'up', depth),
      descendants: await relatives(tx, sample.id, 'down', depth),
      signatures: await signaturesOf(tx, 'sample', sample.id),
    };
  });
}

/** The audit entries about a sample, oldest first (exact id match, never a substring). */
export function sampleHistory(ctx: LabContext, caller: Principal, key: string): Promise<AuditEntry[]> {
  return inLabs(ctx.db, caller.lab_ids, async (tx) =>
    entityEntries(tx, 'sample', (await oneSample(tx, key)).id),
  );
}
