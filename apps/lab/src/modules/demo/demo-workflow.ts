import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConflictError, NotFoundError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import { loadPrincipal, type Principal } from '../access/index.ts';
import { createUser } from '../accounts/accounts.service.ts';
import { listRoles } from '../accounts/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { defaultLabId } from '../sites/index.ts';
import { approveVersion } from '../workflows/workflow-approval.service.ts';
import { createWorkflow, getWorkflow, submitVersion } from '../workflows/workflows.service.ts';
import type { DemoApprover, DemoCounts, DemoWorkflow } from './demo-summary.ts';

export const demoWorkflowName = 'crystallization-monitoring';
const definitionFile = new URL('../workflows/demo/crystallization-monitoring.json', import.meta.url);
const approverRole = 'compliance';
const approverEmail = 'demo-approver@lab.example';

/** Whether the main lab has the demo workflow already (then seeding leaves it alone). */
export async function demoWorkflowInstalled(ctx: LabContext, operator: Principal): Promise<boolean> {
  try {
    await getWorkflow(ctx, operator, demoWorkflowName, defaultLabId);
    return true;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}

/**
 * Refuses (409 `demo_approver_role`), before anything is seeded, a lab whose compliance role does
 * not approve workflows: an operator took the default away, and the demo respects that.
 */
export async function assertDemoApproverRole(ctx: LabContext): Promise<void> {
  const role = (await listRoles(ctx.db.kysely)).find((row) => row.name === approverRole);
  if (!role?.permissions.some((permission) => permission === 'workflows:approve' || permission === '*')) {
    throw new ConflictError(
      'demo_approver_role',
      `The demo workflow is approved by a demo user with the ${approverRole} role, which does not hold workflows:approve in this lab`,
    );
  }
}

/** A password the policy accepts (upper, lower, digit, symbol; 29 characters), random each time. */
const generatedPassword = () => `Demo-${randomBytes(15).toString('base64url')}-7q!`;

/**
 * The demo workflow from its JSON definition, authored and submitted by the operator, then approved
 * by electronic signature by a second demo user (compliance), created now with a generated password.
 * The approval is the ordinary one: the approver proves who they are with that password, and the
 * signature's reason says the demo seeder signed.
 */
export async function seedDemoWorkflow(
  ctx: LabContext,
  operator: Principal,
  actor: AuditActor,
  devices: Record<string, string>,
): Promise<{ counts: DemoCounts; workflow: DemoWorkflow; approver: DemoApprover }> {
  const definition = JSON.parse(await readFile(definitionFile, 'utf8')) as Record<string, unknown>;
  const target = { name: demoWorkflowName, version: 1, labId: defaultLabId };
  await createWorkflow(
    ctx,
    operator,
    { definition, lab_id: defaultLabId, reason: 'demo: the crystallization monitoring example' },
    actor,
  );
  await submitVersion(ctx, operator, target, 'demo: submitted for approval', actor);

  const password = generatedPassword();
  const fullName = 'Dana Demo (compliance)';
  const user = await ctx.db.transaction((tx) =>
    createUser(
      ctx,
      tx,
      { email: approverEmail, full_name: fullName, password, roles: [approverRole], labs: [defaultLabId] },
      actor,
      'demo: approves the demo workflow (its author may not)',
    ),
  );
  const approver = await loadPrincipal(ctx.db.kysely, user.id);
  if (!approver) throw new Error('the demo approver just created is missing');
  const approved = await approveVersion(
    ctx,
    approver,
    target,
    {
      password,
      reason: 'Approved by the demo seeder (seed-demo) for the demo lab; not a validated procedure',
      lab_id: defaultLabId,
    },
    { ...actor, actor_id: approver.id, actor_email: approver.email },
  );
  return {
    counts: { workflows: 1, demo_users: 1 },
    workflow: {
      name: approved.workflow,
      version: approved.version,
      status: approved.status,
      approved_by: approver.email,
      devices,
    },
    approver: { email: approver.email, full_name: fullName, role: approverRole, password },
  };
}
