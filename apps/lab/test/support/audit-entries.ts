import { type Database, queryRows } from '@ours/platform/db';
import { sql } from 'drizzle-orm';

/** Every audit entry about an entity, in chain order, as stored (not through the API that shows them). */
export function auditEntriesOf(db: Database, entityId: string) {
  return queryRows<{
    action: string;
    before: unknown;
    after: Record<string, unknown>;
    reason: string | null;
  }>(
    db.orm,
    sql`select action, before, after, reason from audit_entries where entity_id = ${entityId} order by seq`,
  );
}
