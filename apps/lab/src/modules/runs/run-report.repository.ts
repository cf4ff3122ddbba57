import type { LabExecutor } from '../../db/lab-database.ts';

/** A run with what its report names it by: lab, workflow version, operator, who aborted, snapshot. */
export function runForReport(tx: LabExecutor, id: string) {
  return tx
    .selectFrom('workflow_executions as r')
    .innerJoin('labs as l', 'l.id', 'r.lab_id')
    .innerJoin('workflow_versions as v', 'v.id', 'r.workflow_version_id')
    .innerJoin('workflows as w', 'w.id', 'v.workflow_id')
    .innerJoin('config_snapshots as c', 'c.id', 'r.config_snapshot_id')
    .innerJoin('users as o', 'o.id', 'r.operator_id')
    .leftJoin('users as a', 'a.id', 'r.aborted_by')
    .select([
      'r.id',
      'r.status',
      'r.parameters',
      'r.reason',
      'r.waiting_step',
      'r.failed_step',
      'r.error',
      'r.abort_reason',
      'r.created_at',
      'r.started_at',
      'r.finished_at',
      'l.id as lab_id',
      'l.code as lab_code',
      'l.name as lab_name',
      'w.name as workflow',
      'v.version',
      'v.definition_hash',
      'c.id as snapshot_id',
      'c.snapshot',
      'c.snapshot_hash',
      'o.full_name as operator_name',
      'o.email as operator_email',
      'a.full_name as aborted_by_name',
      'a.email as aborted_by_email',
    ])
    .where('r.id', '=', id)
    .executeTakeFirst();
}

export type ReportRun = NonNullable<Awaited<ReturnType<typeof runForReport>>>;

const stepColumns = ['seq', 'step_id', 'step_type', 'status', 'outputs', 'finished_at'] as const;

/**
 * A run's finished steps for its report: how many there are, the first `edge` and the last `edge`
 * (both by seq, none twice). Three index reads, so a loop of 100,000 steps costs no more than ten.
 */
export async function stepsForReport(tx: LabExecutor, runId: string, edge: number) {
  const counted = await tx
    .selectFrom('run_steps')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .where('run_id', '=', runId)
    .executeTakeFirstOrThrow();
  const first = await tx
    .selectFrom('run_steps')
    .select(stepColumns)
    .where('run_id', '=', runId)
    .orderBy('seq')
    .limit(edge)
    .execute();
  const after = first.at(-1)?.seq ?? 0;
  const last =
    counted.total <= edge
      ? []
      : await tx
          .selectFrom('run_steps')
          .select(stepColumns)
          .where('run_id', '=', runId)
          .where('seq', '>', after)
          .orderBy('seq', 'desc')
          .limit(edge)
          .execute();
  return { total: counted.total, first, last: last.reverse() };
}
