import { queryRows } from '@ours/platform/db';
import { sql } from 'drizzle-orm';
import type { LabContext } from '../../context.ts';
import { loadPrincipal, type Principal } from '../access/principal.repository.ts';
import type { AuditActor } from '../audit/audit-actor.ts';
import { defaultLabId, inLabs } from '../sites/lab-scope.ts';
import { seedDevices } from './demo-devices.ts';
import { seedInventory } from './demo-inventory.ts';
import type { DemoSummary } from './demo-random.ts';
import { demoProject, seedSamples } from './demo-samples.ts';

/** The earliest active administrator, whom demo records are attributed to. */
async function demoOperator(ctx: LabContext): Promise<Principal> {
  const [row] = await queryRows<{ id: string }>(
    ctx.db.orm,
    sql`select u.id from users u join user_roles ur on ur.user_id = u.id join roles r on r.id = ur.role_id
        join lab_members lm on lm.user_id = u.id and lm.lab_id = ${defaultLabId}
        where r.name = 'admin' and u.active order by u.created_at limit 1`,
  );
  const principal = row && (await loadPrincipal(ctx.db.orm, row.id));
  if (!principal) {
    throw new Error('Create the first administrator (a member of the main lab) before seeding demo data');
  }
  return { ...principal, lab_ids: [defaultLabId] };
}

/**
 * Fills the main lab with realistic demo data (samples with lineage, inventory with lots near expiry,
 * devices with one overdue), every record through its service and audited; refuses to run twice.
 */
export async function seedDemo(ctx: LabContext): Promise<DemoSummary> {
  const operator = await demoOperator(ctx);
  const [existing] = await inLabs(ctx.db, [defaultLabId], (tx) =>
    queryRows<{ id: string }>(tx, sql`select id from projects where code = ${demoProject}`),
  );
  if (existing) throw new Error('The demo data is already there (project DEMO-COHORT exists)');
  const actor: AuditActor = {
    actor_id: operator.id,
    actor_email: operator.email,
    request_id: 'seed-demo',
    client_ip: null,
  };
  const samples = await seedSamples(ctx, operator, actor);
  return {
    ...samples.summary,
    ...(await seedInventory(ctx, operator, actor, samples.sampleIds)),
    ...(await seedDevices(ctx, operator, actor, samples.sampleIds)),
  };
}
