import { olderThan } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import { type Selectable, sql, type Updateable } from 'kysely';
import type { LabExecutor, LabSchema } from '../../db/lab-database.ts';

export type RunRow = Selectable<LabSchema['workflow_executions']>;
export type RunStatus = RunRow['status'];
export type RunChanges = Updateable<LabSchema['workflow_executions']>;
export type RunStepRow = Selectable<LabSchema['run_steps']>;
export type RunDeviceRow = Selectable<LabSchema['run_devices']>;

export function insertSnapshot(
  tx: LabExecutor,
  snapshot: { lab_id: string; snapshot: Record<string, unknown>; snapshot_hash: string },
) {
  return tx
    .insertInto('config_snapshots')
    .values({ ...snapshot, snapshot: JSON.stringify(snapshot.snapshot) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function snapshotById(tx: LabExecutor, id: string) {
  return tx.selectFrom('config_snapshots').selectAll().where('id', '=', id).executeTakeFirst();
}

export function insertRun(
  tx: LabExecutor,
  run: {
    lab_id: string;
    workflow_version_id: string;
    config_snapshot_id: string;
    parameters: Record<string, unknown>;
    operator_id: string;
    reason: string | null;
  },
): Promise<RunRow> {
  return tx
    .insertInto('workflow_executions')
    .values({ ...run, parameters: JSON.stringify(run.parameters) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Reserves devices for a run: the partial unique index refuses a device another run holds. */
export async function reserveDevices(
  tx: LabExecutor,
  runId: string,
  labId: string,
  devices: { role: string; device_id: string }[],
): Promise<void> {
  if (devices.length === 0) return;
  await tx
    .insertInto('run_devices')
    .values(devices.map((device) => ({ ...device, run_id: runId, lab_id: labId })))
    .execute();
}

export async function releaseDevices(tx: LabExecutor, runId: string): Promise<void> {
  await tx
    .updateTable('run_devices')
    .set({ released_at: sql<string>`now()` })
    .where('run_id', '=', runId)
    .where('released_at', 'is', null)
    .execute();
}

export function devicesOfRun(tx: LabExecutor, runId: string): Promise<RunDeviceRow[]> {
  return tx.selectFrom('run_devices').selectAll().where('run_id', '=', runId).orderBy('role').execute();
}

export async function assignSamples(tx: LabExecutor, runId: string, labId: string, sampleIds: string[]) {
  if (sampleIds.length === 0) return;
  await tx
    .insertInto('workflow_sample_assignments')
    .values(sampleIds.map((sample_id) => ({ run_id: runId, lab_id: labId, sample_id })))
    .execute();
}

export function samplesOfRun(tx: LabExecutor, runId: string) {
  return tx
    .selectFrom('workflow_sample_assignments as a')
    .innerJoin('samples as s', 's.id', 'a.sample_id')
    .select(['s.id', 's.sample_id', 's.sample_type', 's.status'])
    .where('a.run_id', '=', runId)
    .orderBy('s.sample_id')
    .execute();
}

export function runById(tx: LabExecutor, id: string, options: { lock?: boolean } = {}) {
  const query = tx.selectFrom('workflow_executions').selectAll().where('id', '=', id);
  return (options.lock ? query.forNoKeyUpdate() : query).executeTakeFirst();
}

export function updateRun(tx: LabExecutor, id: string, changes: RunChanges): Promise<RunRow> {
  return tx
    .updateTable('workflow_executions')
    .set({ ...changes, updated_at: sql<string>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function stepsOf(tx: LabExecutor, runId: string): Promise<RunStepRow[]> {
  return tx.selectFrom('run_steps').selectAll().where('run_id', '=', runId).orderBy('seq').execute();
}

export function listRuns(
  tx: LabExecutor,
  filter: { lab_id?: string | undefined; status?: RunStatus | undefined },
  cursor: Cursor | undefined,
  limit: number,
): Promise<RunRow[]> {
  let query = tx.selectFrom('workflow_executions').selectAll();
  if (filter.lab_id) query = query.where('lab_id', '=', filter.lab_id);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (cursor) query = query.where((eb) => olderThan(eb.ref('created_at'), eb.ref('id'), cursor));
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Every run a sample went through, newest first, with what ran and its snapshot hash. */
export function runsOfSample(tx: LabExecutor, sampleId: string) {
  return tx
    .selectFrom('workflow_sample_assignments as a')
    .innerJoin('workflow_executions as r', 'r.id', 'a.run_id')
    .innerJoin('config_snapshots as c', 'c.id', 'r.config_snapshot_id')
    .innerJoin('workflow_versions as v', 'v.id', 'r.workflow_version_id')
    .innerJoin('workflows as w', 'w.id', 'v.workflow_id')
    .select([
      'r.id',
      'r.status',
      'r.operator_id',
      'r.created_at',
      'r.started_at',
      'r.finished_at',
      'w.name as workflow',
      'v.version',
      'v.definition_hash',
      'c.snapshot_hash',
      'a.assigned_at',
    ])
    .where('a.sample_id', '=', sampleId)
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .execute();
}

/** Marks the runs this server executes as alive (a bookkeeping column: no audit entry). */
export async function beatRuns(tx: LabExecutor, runIds: string[]): Promise<void> {
  if (runIds.length === 0) return;
  await tx
    .updateTable('workflow_executions')
    .set({ runner_heartbeat_at: sql<string>`now()` })
    .where('id', 'in', runIds)
    .execute();
}

/** Runs left executing by a server that stopped beating (crashed, killed) more than `staleS` ago. */
export function orphanedRuns(tx: LabExecutor, staleS: number, exclude: string[]): Promise<RunRow[]> {
  let query = tx
    .selectFrom('workflow_executions')
    .selectAll()
    .where('status', 'in', ['running', 'paused', 'waiting_for_approval'])
    .where((eb) =>
      eb.or([
        eb('runner_heartbeat_at', 'is', null),
        eb('runner_heartbeat_at', '<', sql<string>`now() - make_interval(secs => ${staleS})`),
      ]),
    );
  if (exclude.length > 0) query = query.where('id', 'not in', exclude);
  return query.forNoKeyUpdate().skipLocked().execute();
}

export type RunDataRow = Selectable<LabSchema['run_data']>;

/** A run's data frames in order, after `afterSeq`, filtered by step and capture time. */
export function dataOf(
  tx: LabExecutor,
  runId: string,
  filter: {
    step?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    afterSeq: number;
    limit: number;
  },
): Promise<RunDataRow[]> {
  let query = tx
    .selectFrom('run_data')
    .selectAll()
    .where('run_id', '=', runId)
    .where('seq', '>', filter.afterSeq);
  if (filter.step) query = query.where('step_id', '=', filter.step);
  if (filter.from) query = query.where('captured_at', '>=', filter.from);
  if (filter.to) query = query.where('captured_at', '<=', filter.to);
  return query.orderBy('seq').limit(filter.limit).execute();
}

/** The last data frame of each step of a run (what a resumed run's analyze steps read). */
export function lastDataFrames(tx: LabExecutor, runId: string) {
  return tx
    .selectFrom('run_data')
    .distinctOn('step_id')
    .select(['step_id', 'seq', 'kind', 'start_nm', 'step_nm', 'unit', 'vals'])
    .where('run_id', '=', runId)
    .orderBy('step_id')
    .orderBy('seq', 'desc')
    .execute();
}

/** Whether the server executing a run beat within `staleS` seconds (by the database's clock). */
export async function runnerAlive(tx: LabExecutor, runId: string, staleS: number): Promise<boolean> {
  const row = await tx
    .selectFrom('workflow_executions')
    .select(sql<boolean>`runner_heartbeat_at > now() - make_interval(secs => ${staleS})`.as('alive'))
    .where('id', '=', runId)
    .executeTakeFirst();
  return row?.alive === true;
}

/**
 * Samples whose pre-issue-10 `workflow_execution_id` names a run of their lab they are not yet
 * linked to; links them (a concurrent start-up links each once) and answers the new links.
 */
export function linkLegacySampleRuns(tx: LabExecutor) {
  return tx
    .insertInto('workflow_sample_assignments')
    .columns(['run_id', 'lab_id', 'sample_id'])
    .expression((eb) =>
      eb
        .selectFrom('samples as s')
        .innerJoin('workflow_executions as r', (join) =>
          join.onRef('r.id', '=', 's.legacy_workflow_execution_id').onRef('r.lab_id', '=', 's.lab_id'),
        )
        .select(['r.id', 'r.lab_id', 's.id'])
        .where('s.legacy_workflow_execution_id', 'is not', null),
    )
    .onConflict((conflict) => conflict.columns(['run_id', 'sample_id']).doNothing())
    .returning(['run_id', 'sample_id'])
    .execute();
}
