import type { Cursor } from '@ours/platform/http';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/principal.repository.ts';
import { inLabs } from '../sites/lab-scope.ts';
import { exportHeader, exportRows } from './sample-csv.format.ts';
import { listSamples, type SampleFilter } from './samples.repository.ts';

const pageSize = 500;

/**
 * The filtered list as CSV text, one keyset page at a time (newest first, like the list), each
 * page in its own short transaction: memory stays flat and no transaction waits on a slow client.
 */
export async function* exportSamplesCsv(
  ctx: LabContext,
  caller: Principal,
  filter: SampleFilter,
): AsyncGenerator<string> {
  yield exportHeader();
  let cursor: Cursor | undefined;
  for (;;) {
    const rows = await inLabs(ctx.db, caller.lab_ids, (tx) => listSamples(tx, filter, cursor, pageSize));
    if (rows.length > 0) yield exportRows(rows);
    const last = rows.at(-1);
    if (rows.length < pageSize || !last) return;
    cursor = { at: last.created_at, id: last.id };
  }
}
