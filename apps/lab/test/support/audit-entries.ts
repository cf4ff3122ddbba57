import type { LabTestApp } from './lab-app.ts';

/**
 * Every audit entry about an entity, in chain order, as stored (not through the API that shows them),
 * once every committed entry is sealed: a background worker's change (a run ending, say) is visible
 * before its entry is chained.
 */
export async function auditEntriesOf(lab: Pick<LabTestApp, 'db' | 'ctx'>, entityId: string) {
  await lab.ctx.audit.caughtUp(lab.db.kysely);
  return lab.db.kysely
    .selectFrom('audit_entries')
    .select(['action', 'before', 'after', 'reason'])
    .where('entity_id', '=', entityId)
    .orderBy('seq')
    .execute();
}
