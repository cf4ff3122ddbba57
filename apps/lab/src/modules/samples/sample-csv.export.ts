import type { Cursor } from '@ours/platform/http';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import { readInLabs } from '../sites/index.ts';
import { exportHeader, exportRows } from './sample-csv.format.ts';
import { listSamples, type SampleFilter } from './sample-list.repository.ts';

const pageSize = 500;

/**
 * The filtered list as CSV text, one keyset page at a time (newest first, like the list), each
 * page one statement in one round trip (`readInLabs`): memory stays flat and nothing stays open
 * while a slow client reads.
 */
export async function* exportSamplesCsv(
  ctx: LabContext,
  caller: Principal,
  filter: SampleFilter,
): AsyncGenerator<string> {
  yield exportHeader();
  const scope = readInLabs(ctx.db, caller.lab_ids);
  let cursor: Cursor | undefined;
  for (;;) {
    const rows = await listSamples(scope, filter, cursor, pageSize);
    if (rows.length > 0) yield exportRows(rows);
    const last = rows.at(-1);
    if (rows.length < pageSize || !last) return;
    cursor = { at: last.created_at, id: last.id };
  }
}
