import { sql } from 'kysely';
import type { LabExecutor } from '../../db/lab-database.ts';
import type { NewRunEvent } from './run-events.repository.ts';
import type { RunDataRow, RunStepRow } from './runs.repository.ts';

export interface Checkpoint {
  step: Omit<RunStepRow, 'outputs'> & { outputs: Record<string, unknown> };
  /** The frame the step acquired, if any. */
  data: RunDataRow | null;
  /** Its live events, numbered on from the run's head. */
  events: readonly NewRunEvent[];
}

/**
 * A finished step's checkpoint in ONE statement (so one round trip, atomic without a transaction
 * around it): its record, its data frame, and their live events numbered under the run's event head
 * (see appendRunEvents). The data row's foreign key to its step is checked at the end of the
 * statement, after both inserts.
 */
export async function insertCheckpoint(ex: LabExecutor, checkpoint: Checkpoint): Promise<void> {
  const { step, data, events } = checkpoint;
  const count = events.length;
  const frame = data ?? {
    seq: 0,
    kind: 'readings',
    captured_at: step.finished_at,
    start_nm: null,
    step_nm: null,
    unit: null,
    points: 0,
    vals: Buffer.alloc(0),
  };
  await sql`
    with checkpoint_step as (
      insert into run_steps (run_id, lab_id, seq, step_id, step_type, path, iterations, status, outputs, started_at, finished_at)
      values (${step.run_id}::uuid, ${step.lab_id}::uuid, ${step.seq}::integer, ${step.step_id}, ${step.step_type},
              ${step.path}, ${step.iterations}::integer[], ${step.status}, ${JSON.stringify(step.outputs)}::jsonb,
              ${step.started_at}::timestamptz, ${step.finished_at}::timestamptz)
    ),
    checkpoint_data as (
      insert into run_data (run_id, lab_id, seq, step_seq, step_id, kind, captured_at, start_nm, step_nm, unit, points, vals)
      select ${step.run_id}::uuid, ${step.lab_id}::uuid, ${frame.seq}::integer, ${step.seq}::integer, ${step.step_id},
             ${frame.kind}, ${frame.captured_at}::timestamptz, ${frame.start_nm}::double precision,
             ${frame.step_nm}::double precision, ${frame.unit}::text, ${frame.points}::integer, ${frame.vals}::bytea
      where ${data !== null}::boolean
    ),
    head as (
      insert into run_event_heads (run_id, lab_id, last_seq) values (${step.run_id}::uuid, ${step.lab_id}::uuid, ${count}::bigint)
      on conflict (run_id) do update set last_seq = run_event_heads.last_seq + ${count}::bigint
      returning last_seq
    )
    insert into run_events (run_id, lab_id, seq, type, payload)
    select ${step.run_id}::uuid, ${step.lab_id}::uuid, head.last_seq - ${count}::bigint + e.ord, e.type, e.payload
    from head, unnest(${events.map((event) => event.type)}::text[], ${events.map((event) => JSON.stringify(event.payload))}::jsonb[])
      with ordinality as e(type, payload, ord)`.execute(ex);
}
