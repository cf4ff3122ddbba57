import { queryRows } from '@ours/platform/db';
import { sql } from 'drizzle-orm';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/principal.repository.ts';
import type { AuditEntry } from '../audit/audit.repository.ts';
import { signaturesOf } from '../signatures/signatures.repository.ts';
import { inLabs } from '../sites/lab-scope.ts';
import { relatives } from './samples.repository.ts';
import { oneSample } from './samples.service.ts';

/** A sample as shown: with its lineage both ways to `depth` levels and its signatures. */
export function sampleWithLineage(ctx: LabContext, caller: Principal, key: string, depth: number) {
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const sample = await oneSample(tx, key);
    return {
      ...sample,
      ancestors: await relatives(tx, sample.id, 'up', depth),
      descendants: await relatives(tx, sample.id, 'down', depth),
      signatures: await signaturesOf(tx, 'sample', sample.id),
    };
  });
}

/** The audit entries about a sample, oldest first (exact id match, never a substring). */
export function sampleHistory(ctx: LabContext, caller: Principal, key: string): Promise<AuditEntry[]> {
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const sample = await oneSample(tx, key);
    const rows = await queryRows<AuditEntry>(
      tx,
      sql`select seq::float8 as seq, to_json(occurred_at) #>> '{}' as occurred_at, actor_id, actor_email, action,
            entity_type, entity_id, before, after, reason, request_id, client_ip, prev_hash, hash
          from audit_entries where entity_type = 'sample' and entity_id = ${sample.id} order by seq`,
    );
    return rows;
  });
}
