import type { LabContext } from '../../context.ts';
import { loadPrincipal, type Principal } from '../access/principal.repository.ts';
import type { AuditActor } from '../audit/audit-actor.ts';
import { projectByCode } from '../samples/organisers.repository.ts';
import { defaultLabId, readInLabs } from '../sites/lab-scope.ts';
import { seedDevices } from './demo-devices.ts';
import { seedInventory } from './demo-inventory.ts';
import { earliestAdminOf } from './demo-operator.repository.ts';
import type { DemoSummary } from './demo-random.ts';
import { demoProject, seedSamples } from './demo-samples.ts';

/** The earliest active administrator, whom demo records are attributed to. */
async function demoOperator(ctx: LabContext): Promise<Principal> {
  const id = await earliestAdminOf(ctx.db.kysely, defaultLabId);
  const principal = id && (await loadPrincipal(ctx.db.kysely, id));
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
  const existing = await projectByCode(readInLabs(ctx.db, [defaultLabId]), demoProject);
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
