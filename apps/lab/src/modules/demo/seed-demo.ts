import { ConflictError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import { loadPrincipal, type Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { projectByCode } from '../samples/index.ts';
import { defaultLabId, readInLabs } from '../sites/index.ts';
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
    throw new ConflictError(
      'admin_required',
      'Create the first administrator (a member of the main lab) before seeding demo data',
    );
  }
  return { ...principal, lab_ids: [defaultLabId] };
}

/** Who the demo records are attributed to, when not the earliest administrator. */
export interface DemoSeeder {
  operator: Principal;
  actor: AuditActor;
}

/**
 * Fills the main lab with realistic demo data (samples with lineage, inventory with lots near expiry,
 * devices with one overdue), every record through its service and audited; refuses to run twice
 * (409 `demo_data_exists`). `onStep` hears each of the three steps before it starts.
 */
export async function seedDemo(
  ctx: LabContext,
  options: { by?: DemoSeeder; onStep?: (step: string, index: number, total: number) => void } = {},
): Promise<DemoSummary> {
  const operator = options.by?.operator ?? (await demoOperator(ctx));
  const existing = await projectByCode(readInLabs(ctx.db, [defaultLabId]), demoProject);
  if (existing) {
    throw new ConflictError(
      'demo_data_exists',
      'The demo data is already there (project DEMO-COHORT exists)',
    );
  }
  const actor: AuditActor = options.by?.actor ?? {
    actor_id: operator.id,
    actor_email: operator.email,
    request_id: 'seed-demo',
    client_ip: null,
  };
  const step = options.onStep ?? (() => {});
  step('samples, aliquots and lineage', 1, 3);
  const samples = await seedSamples(ctx, operator, actor);
  step('inventory: vendors, items, lots, consumptions', 2, 3);
  const inventory = await seedInventory(ctx, operator, actor, samples.sampleIds);
  step('devices and calibrations', 3, 3);
  return {
    ...samples.summary,
    ...inventory,
    ...(await seedDevices(ctx, operator, actor, samples.sampleIds)),
  };
}
