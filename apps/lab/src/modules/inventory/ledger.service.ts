import { NotFoundError } from '@ours/platform/errors';
import type { Cursor } from '@ours/platform/http';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import { sampleIfAny } from '../samples/samples.service.ts';
import { isUuid } from '../shared/uuid.ts';
import { listInLabs } from '../sites/index.ts';
import { listMovements, type MovementFilter, type MovementRow } from './stock.repository.ts';

/**
 * A page of the ledger. The sample filter may be the sample's uuid (used as is) or its business id,
 * resolved in the caller's labs first (404 `sample_not_found`, 409 `ambiguous_sample`).
 */
export function findMovements(
  ctx: LabContext,
  caller: Principal,
  filter: MovementFilter,
  cursor: Cursor | undefined,
  limit: number,
): Promise<MovementRow[]> {
  return listInLabs(ctx.db, caller.lab_ids, filter, async (scope, scoped) => {
    const key = scoped.sample_id;
    if (key === undefined || isUuid(key)) return listMovements(scope, scoped, cursor, limit);
    const sample = await sampleIfAny(scope, key);
    if (!sample) throw new NotFoundError('sample_not_found', `There is no sample ${key}`);
    return listMovements(scope, { ...scoped, sample_id: sample.id }, cursor, limit);
  });
}
