import type { LabDatabase } from '../../src/db/lab-database.ts';

/** Every audit entry about an entity, in chain order, as stored (not through the API that shows them). */
export function auditEntriesOf(db: LabDatabase, entityId: string) {
  return db.kysely
    .selectFrom('audit_entries')
    .select(['action', 'before', 'after', 'reason'])
    .where('entity_id', '=', entityId)
    .orderBy('seq')
    .execute();
}
