import { olderThan } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import { type Selectable, sql, type Updateable } from 'kysely';
import type { LabExecutor, LabSchema } from '../../db/lab-database.ts';

export type WorkflowRow = Selectable<LabSchema['workflows']>;
export type VersionRow = Selectable<LabSchema['workflow_versions']>;
export type VersionStatus = VersionRow['status'];
export type VersionChanges = Updateable<LabSchema['workflow_versions']>;

/** A workflow as listed: its name and where its versions stand. */
export interface WorkflowSummary extends WorkflowRow {
  latest_version: number;
  approved_version: number | null;
}

export function insertWorkflow(
  tx: LabExecutor,
  workflow: { lab_id: string; name: string; created_by: string },
): Promise<WorkflowRow> {
  return tx.insertInto('workflows').values(workflow).returningAll().executeTakeFirstOrThrow();
}

/** The workflows of that name in the labs the scope shows (one per lab at most). */
export function workflowsNamed(tx: LabExecutor, name: string, labId?: string): Promise<WorkflowRow[]> {
  let query = tx.selectFrom('workflows').selectAll().where('name', '=', name);
  if (labId) query = query.where('lab_id', '=', labId);
  return query.orderBy('lab_id').execute();
}

export function insertVersion(
  tx: LabExecutor,
  version: {
    lab_id: string;
    workflow_id: string;
    version: number;
    definition: Record<string, unknown>;
    definition_hash: string;
    author_id: string;
  },
): Promise<VersionRow> {
  return tx
    .insertInto('workflow_versions')
    .values({ ...version, definition: JSON.stringify(version.definition) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** One version; `lock` holds it until the transaction ends (a status change reads, then writes). */
export function versionOf(
  tx: LabExecutor,
  workflowId: string,
  version: number,
  options: { lock?: boolean } = {},
): Promise<VersionRow | undefined> {
  const query = tx
    .selectFrom('workflow_versions')
    .selectAll()
    .where('workflow_id', '=', workflowId)
    .where('version', '=', version);
  return (options.lock ? query.forUpdate() : query).executeTakeFirst();
}

export function versionById(tx: LabExecutor, id: string): Promise<VersionRow | undefined> {
  return tx.selectFrom('workflow_versions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The newest approved (unretired) version of a workflow, if any. */
export function newestApprovedVersion(tx: LabExecutor, workflowId: string): Promise<VersionRow | undefined> {
  return tx
    .selectFrom('workflow_versions')
    .selectAll()
    .where('workflow_id', '=', workflowId)
    .where('status', '=', 'approved')
    .orderBy('version', 'desc')
    .executeTakeFirst();
}

/** Every version of a workflow, newest first. */
export function versionsOf(tx: LabExecutor, workflowId: string): Promise<VersionRow[]> {
  return tx
    .selectFrom('workflow_versions')
    .selectAll()
    .where('workflow_id', '=', workflowId)
    .orderBy('version', 'desc')
    .execute();
}

/**
 * The next version number, taken under a transaction lock on the workflow so two callers adding a
 * version at once get 2 and 3, never 2 twice. (An advisory lock: a row lock would need UPDATE on
 * workflows, which the app role rightly lacks.)
 */
export async function nextVersionNumber(tx: LabExecutor, workflowId: string): Promise<number> {
  await sql`select pg_advisory_xact_lock(hashtext(${`lab:workflow:${workflowId}`}))`.execute(tx);
  const row = await tx
    .selectFrom('workflow_versions')
    .select(({ fn }) => fn.max('version').as('latest'))
    .where('workflow_id', '=', workflowId)
    .executeTakeFirst();
  return (row?.latest ?? 0) + 1;
}

/** Applies a change (a definition goes as JSON text, like every JSON column). */
export function updateVersion(tx: LabExecutor, id: string, changes: VersionChanges): Promise<VersionRow> {
  return tx
    .updateTable('workflow_versions')
    .set({ ...changes, updated_at: sql<string>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Workflows of the scope's labs, newest first, each with its latest and latest approved version. */
export function listWorkflows(
  tx: LabExecutor,
  filter: { lab_id?: string | undefined },
  cursor: Cursor | undefined,
  limit: number,
): Promise<WorkflowSummary[]> {
  let query = tx
    .selectFrom('workflows as w')
    .selectAll('w')
    .select((eb) => [
      eb
        .selectFrom('workflow_versions as v')
        .select(({ fn }) => fn.max('v.version').as('latest'))
        .whereRef('v.workflow_id', '=', 'w.id')
        .as('latest_version'),
      eb
        .selectFrom('workflow_versions as v')
        .select(({ fn }) => fn.max('v.version').as('approved'))
        .whereRef('v.workflow_id', '=', 'w.id')
        .where('v.status', '=', 'approved')
        .as('approved_version'),
    ]);
  if (filter.lab_id) query = query.where('w.lab_id', '=', filter.lab_id);
  if (cursor) query = query.where((eb) => olderThan(eb.ref('w.created_at'), eb.ref('w.id'), cursor));
  return query
    .orderBy('w.created_at', 'desc')
    .orderBy('w.id', 'desc')
    .limit(limit)
    .execute()
    .then((rows) => rows.map((row) => ({ ...row, latest_version: row.latest_version ?? 0 })));
}
