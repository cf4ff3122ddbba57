import type { JsonObject } from '@ours/platform/db';
import { ConflictError, NotFoundError, ValidationError } from '@ours/platform/errors';
import type { Cursor } from '@ours/platform/http';
import type { LabContext } from '../../context.ts';
import type { LabExecutor } from '../../db/lab-database.ts';
import type { Principal } from '../access/index.ts';
import { listRoles } from '../accounts/index.ts';
import { type AuditActor, type AuditInput, canonicalSha256 } from '../audit/index.ts';
import { isUniqueViolation } from '../shared/db-errors.ts';
import { inLabs, readInLabs, targetLab } from '../sites/index.ts';
import { checkedDefinition, type DefinitionInput } from './definition-input.ts';
import {
  insertVersion,
  insertWorkflow,
  listWorkflows,
  newestApprovedVersion,
  nextVersionNumber,
  updateVersion,
  type VersionChanges,
  type VersionRow,
  versionById,
  versionOf,
  versionsOf,
  type WorkflowRow,
  type WorkflowSummary,
  workflowsNamed,
} from './workflows.repository.ts';

/** A version as the API shows it: its workflow's name beside its own fields. */
export type VersionView = VersionRow & { workflow: string };

export const versionView = (workflow: WorkflowRow, version: VersionRow): VersionView => ({
  ...version,
  workflow: workflow.name,
});

/** What the trail keeps of a version: identity, state and the definition's hash (not the document). */
function versionAudit(version: VersionRow) {
  const { definition: _d, created_at: _c, updated_at: _u, ...rest } = version;
  return rest;
}

const entry = (
  actor: AuditActor,
  action: string,
  version: VersionRow,
  before: VersionRow | null,
  reason: string | null,
): AuditInput => ({
  ...actor,
  action,
  entity_type: 'workflow_version',
  entity_id: version.id,
  before: before ? versionAudit(before) : null,
  after: versionAudit(version),
  reason,
});

/** The caller's workflow of that name (404 when none; 409 when it exists in several of their labs). */
export async function workflowNamed(tx: LabExecutor, name: string, labId?: string): Promise<WorkflowRow> {
  const [found, ...others] = await workflowsNamed(tx, name, labId);
  if (!found) throw new NotFoundError('workflow_not_found', `There is no workflow ${name}`);
  if (others.length > 0) {
    throw new ConflictError(
      'ambiguous_workflow',
      `Workflow ${name} exists in several of your labs: say which (lab_id)`,
    );
  }
  return found;
}

/** One version of the caller's workflow; `lock` for a change of state. */
export async function versionNamed(
  tx: LabExecutor,
  name: string,
  version: number,
  options: { labId?: string | undefined; lock?: boolean } = {},
): Promise<{ workflow: WorkflowRow; version: VersionRow }> {
  const workflow = await workflowNamed(tx, name, options.labId);
  const found = await versionOf(tx, workflow.id, version, { lock: options.lock ?? false });
  if (!found) throw new NotFoundError('version_not_found', `Workflow ${name} has no version ${version}`);
  return { workflow, version: found };
}

async function definitionFor(
  tx: LabExecutor,
  input: DefinitionInput,
  name?: string,
): Promise<Record<string, unknown>> {
  const roles = (await listRoles(tx)).map((role) => role.name);
  const definition = checkedDefinition(input, { roles });
  if (name !== undefined && definition.name !== name) {
    throw new ValidationError(
      'name_mismatch',
      `The definition is named ${String(definition.name)}, not ${name}`,
      [{ path: '/name', code: 'name_mismatch', message: `must be ${name}` }],
    );
  }
  return definition;
}

/** A new workflow, named by its definition, with version 1 as a draft. */
export function createWorkflow(
  ctx: LabContext,
  caller: Principal,
  input: DefinitionInput & { lab_id?: string | undefined; reason?: string | undefined },
  actor: AuditActor,
): Promise<VersionView> {
  const labId = targetLab(caller.lab_ids, input.lab_id);
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const definition = await definitionFor(tx, input);
    const workflow = await insertWorkflow(tx, {
      lab_id: labId,
      name: String(definition.name),
      created_by: caller.id,
    }).catch((error: unknown) => {
      if (isUniqueViolation(error)) {
        throw new ConflictError(
          'workflow_exists',
          `The lab already has a workflow ${String(definition.name)}: add a version to it`,
        );
      }
      throw error;
    });
    const version = await insertVersion(tx, {
      lab_id: labId,
      workflow_id: workflow.id,
      version: 1,
      definition,
      definition_hash: canonicalSha256(definition),
      author_id: caller.id,
    });
    await ctx.audit.appendMany(tx, [
      {
        ...actor,
        action: 'workflow.create',
        entity_type: 'workflow',
        entity_id: workflow.id,
        before: null,
        after: { id: workflow.id, lab_id: workflow.lab_id, name: workflow.name },
        reason: input.reason ?? null,
      },
      entry(actor, 'workflow_version.create', version, null, input.reason ?? null),
    ]);
    return versionView(workflow, version);
  });
}

/** The next version of a workflow, as a draft (its definition must keep the workflow's name). */
export function addVersion(
  ctx: LabContext,
  caller: Principal,
  name: string,
  input: DefinitionInput & { lab_id?: string | undefined; reason?: string | undefined },
  actor: AuditActor,
): Promise<VersionView> {
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const workflow = await workflowNamed(tx, name, input.lab_id);
    const definition = await definitionFor(tx, input, name);
    const version = await insertVersion(tx, {
      lab_id: workflow.lab_id,
      workflow_id: workflow.id,
      version: await nextVersionNumber(tx, workflow.id),
      definition,
      definition_hash: canonicalSha256(definition),
      author_id: caller.id,
    });
    await ctx.audit.append(tx, entry(actor, 'workflow_version.create', version, null, input.reason ?? null));
    return versionView(workflow, version);
  });
}

/** Changes a version's state (or a draft's definition) when it is in `from`; 409 otherwise. */
async function transition(
  ctx: LabContext,
  caller: Principal,
  target: { name: string; version: number; labId?: string | undefined },
  step: { from: VersionRow['status']; code: string; action: string; reason: string | null },
  actor: AuditActor,
  changes: (version: VersionRow, tx: LabExecutor) => Promise<VersionChanges> | VersionChanges,
): Promise<VersionView> {
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const { workflow, version } = await versionNamed(tx, target.name, target.version, {
      labId: target.labId,
      lock: true,
    });
    if (version.status !== step.from) {
      throw new ConflictError(
        step.code,
        `Version ${version.version} of ${workflow.name} is ${version.status}, not ${step.from}`,
      );
    }
    const updated = await updateVersion(tx, version.id, await changes(version, tx));
    await ctx.audit.append(tx, entry(actor, step.action, updated, version, step.reason));
    return versionView(workflow, updated);
  });
}

/** Replaces a draft's definition (with a reason); submitted and approved versions never change. */
export function editDraft(
  ctx: LabContext,
  caller: Principal,
  target: { name: string; version: number; labId?: string | undefined },
  input: DefinitionInput & { reason: string },
  actor: AuditActor,
): Promise<VersionView> {
  const step = {
    from: 'draft' as const,
    code: 'version_not_draft',
    action: 'workflow_version.update',
    reason: input.reason,
  };
  return transition(ctx, caller, target, step, actor, async (_version, tx) => {
    const definition = await definitionFor(tx, input, target.name);
    return { definition: JSON.stringify(definition), definition_hash: canonicalSha256(definition) };
  });
}

/** A draft goes for approval: from here on its definition is fixed. */
export function submitVersion(
  ctx: LabContext,
  caller: Principal,
  target: { name: string; version: number; labId?: string | undefined },
  reason: string | null,
  actor: AuditActor,
): Promise<VersionView> {
  const step = {
    from: 'draft' as const,
    code: 'version_not_draft',
    action: 'workflow_version.submit',
    reason,
  };
  return transition(ctx, caller, target, step, actor, () => ({
    status: 'submitted',
    submitted_at: ctx.now().toISOString(),
  }));
}

/** An approved version stops being runnable (it stays, locked, for the record). */
export function retireVersion(
  ctx: LabContext,
  caller: Principal,
  target: { name: string; version: number; labId?: string | undefined },
  reason: string,
  actor: AuditActor,
): Promise<VersionView> {
  const step = {
    from: 'approved' as const,
    code: 'version_not_approved',
    action: 'workflow_version.retire',
    reason,
  };
  return transition(ctx, caller, target, step, actor, () => ({
    status: 'retired',
    retired_at: ctx.now().toISOString(),
    retired_by: caller.id,
  }));
}

/** A workflow with its versions (newest first, without their documents). */
export async function getWorkflow(ctx: LabContext, caller: Principal, name: string, labId?: string) {
  const scope = readInLabs(ctx.db, caller.lab_ids);
  const workflow = await workflowNamed(scope, name, labId);
  const versions = await versionsOf(scope, workflow.id);
  return { ...workflow, versions: versions.map(({ definition: _d, ...version }) => version) };
}

export async function getVersion(
  ctx: LabContext,
  caller: Principal,
  target: { name: string; version: number; labId?: string | undefined },
): Promise<VersionView> {
  const { workflow, version } = await versionNamed(
    readInLabs(ctx.db, caller.lab_ids),
    target.name,
    target.version,
    {
      labId: target.labId,
    },
  );
  return versionView(workflow, version);
}

export function findWorkflows(
  ctx: LabContext,
  caller: Principal,
  filter: { lab_id?: string | undefined },
  cursor: Cursor | undefined,
  limit: number,
): Promise<WorkflowSummary[]> {
  return listWorkflows(readInLabs(ctx.db, caller.lab_ids), filter, cursor, limit);
}

/**
 * The version a run uses: the one named, which must be approved and not retired (409
 * `version_not_runnable`), or the newest approved one (409 `no_approved_version`).
 */
export async function runnableVersion(
  tx: LabExecutor,
  name: string,
  version: number | undefined,
  labId?: string,
): Promise<{ workflow: WorkflowRow; version: VersionRow }> {
  if (version !== undefined) {
    const found = await versionNamed(tx, name, version, { labId });
    if (found.version.status !== 'approved') {
      throw new ConflictError(
        'version_not_runnable',
        `Version ${version} of ${name} is ${found.version.status}: only approved, unretired versions run`,
      );
    }
    return found;
  }
  const workflow = await workflowNamed(tx, name, labId);
  const approved = await newestApprovedVersion(tx, workflow.id);
  if (!approved) throw new ConflictError('no_approved_version', `${name} has no approved version to run`);
  return { workflow, version: approved };
}

/** A version by id, or undefined (a resumed run checks its version is still runnable). */
export function versionRecord(tx: LabExecutor, versionId: string): Promise<VersionRow | undefined> {
  return versionById(tx, versionId);
}

/** The definition of a version (a run loads the one its snapshot names). */
export async function versionDefinition(tx: LabExecutor, versionId: string): Promise<JsonObject> {
  const version = await versionById(tx, versionId);
  if (!version) throw new NotFoundError('version_not_found', `There is no workflow version ${versionId}`);
  return version.definition;
}
