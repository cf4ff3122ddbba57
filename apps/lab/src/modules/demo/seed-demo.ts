import { ConflictError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import { loadPrincipal, type Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { projectByCode } from '../samples/index.ts';
import { defaultLabId, readInLabs } from '../sites/index.ts';
import { seedDevices } from './demo-devices.ts';
import { seedInstruments } from './demo-instruments.ts';
import { seedInventory } from './demo-inventory.ts';
import { earliestAdminOf } from './demo-operator.repository.ts';
import { demoProject, seedSamples } from './demo-samples.ts';
import type { DemoCounts, DemoSummary } from './demo-summary.ts';
import { assertDemoApproverRole, demoWorkflowInstalled, seedDemoWorkflow } from './demo-workflow.ts';

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
 * devices with one overdue) and installs the demo workflow, approved, with two simulated instruments
 * to run it on; every record through its service and audited. A lab seeded before the demo workflow
 * existed gets just the workflow; one that has both is refused (409 `demo_data_exists`). `onStep`
 * hears each step before it starts.
 */
export async function seedDemo(
  ctx: LabContext,
  options: { by?: DemoSeeder; onStep?: (step: string, index: number, total: number) => void } = {},
): Promise<DemoSummary> {
  const operator = options.by?.operator ?? (await demoOperator(ctx));
  const recordsThere = (await projectByCode(readInLabs(ctx.db, [defaultLabId]), demoProject)) !== undefined;
  const workflowThere = await demoWorkflowInstalled(ctx, operator);
  if (recordsThere && workflowThere) {
    throw new ConflictError(
      'demo_data_exists',
      'The demo data is already there (project DEMO-COHORT and the crystallization-monitoring workflow exist)',
    );
  }
  if (!workflowThere) await assertDemoApproverRole(ctx);
  const actor: AuditActor = options.by?.actor ?? {
    actor_id: operator.id,
    actor_email: operator.email,
    request_id: 'seed-demo',
    client_ip: null,
  };
  const total = (recordsThere ? 0 : 3) + (workflowThere ? 0 : 1);
  let index = 0;
  const step = (name: string) => options.onStep?.(name, ++index, total);
  const counts: DemoCounts = {};
  if (!recordsThere) {
    step('samples, aliquots and lineage');
    const samples = await seedSamples(ctx, operator, actor);
    Object.assign(counts, samples.summary);
    step('inventory: vendors, items, lots, consumptions');
    Object.assign(counts, await seedInventory(ctx, operator, actor, samples.sampleIds));
    step('devices and calibrations');
    Object.assign(counts, await seedDevices(ctx, operator, actor, samples.sampleIds));
  }
  if (workflowThere) return { counts };
  step('the demo workflow, its simulated instruments, and its approval by a second demo user');
  const instruments = await seedInstruments(ctx, operator, actor);
  const installed = await seedDemoWorkflow(ctx, operator, actor, instruments.devices);
  Object.assign(counts, instruments.counts, installed.counts);
  return { ...installed, counts };
}
