import { type Selectable, sql } from 'kysely';
import type { LabExecutor, LabSchema } from '../../db/lab-database.ts';

export type RunEventType = Selectable<LabSchema['run_events']>['type'];

export interface NewRunEvent {
  type: RunEventType;
  payload: Record<string, unknown>;
}

/** A stored event, with the packed values of the frame a `data` event announces. */
export interface RunEventRow {
  seq: number;
  type: RunEventType;
  payload: Record<string, unknown>;
  created_at: string;
  vals: Uint8Array | null;
}

/**
 * Appends events to a run's feed in one statement: the upsert on run_event_heads numbers them and
 * holds the head's row lock until commit, so events of one run commit in the order they are
 * numbered (a reader after seq n never skips one committed later with a smaller number).
 */
export async function appendRunEvents(
  ex: LabExecutor,
  runId: string,
  labId: string,
  events: readonly NewRunEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const count = events.length;
  const types = events.map((event) => event.type);
  const payloads = events.map((event) => JSON.stringify(event.payload));
  await sql`
    with head as (
      insert into run_event_heads (run_id, lab_id, last_seq) values (${runId}, ${labId}, ${count})
      on conflict (run_id) do update set last_seq = run_event_heads.last_seq + ${count}
      returning last_seq
    )
    insert into run_events (run_id, lab_id, seq, type, payload)
    select ${runId}, ${labId}, head.last_seq - ${count} + e.ord, e.type, e.payload
    from head, unnest(${types}::text[], ${payloads}::jsonb[]) with ordinality as e(type, payload, ord)`.execute(
    ex,
  );
}

/**
 * A run's events after `afterSeq`, in order; with `values`, each `data` event with its frame's packed
 * values (4 KB a spectrum: a backlog asks without, see run-event-feed.ts).
 */
export function runEventsAfter(
  ex: LabExecutor,
  runId: string,
  afterSeq: number,
  limit: number,
  options: { values: boolean },
): Promise<RunEventRow[]> {
  const events = ex
    .selectFrom('run_events as e')
    .where('e.run_id', '=', runId)
    .where('e.seq', '>', afterSeq)
    .orderBy('e.seq')
    .limit(limit);
  if (!options.values) {
    return events
      .select(['e.seq', 'e.type', 'e.payload', 'e.created_at', sql<null>`null`.as('vals')])
      .execute() as Promise<RunEventRow[]>;
  }
  return events
    .leftJoin('run_data as d', (join) =>
      join
        .onRef('d.run_id', '=', 'e.run_id')
        .on(sql<boolean>`e.type = 'data' and d.seq = (e.payload->>'data_seq')::integer`),
    )
    .select(['e.seq', 'e.type', 'e.payload', 'e.created_at', 'd.vals'])
    .execute() as Promise<RunEventRow[]>;
}

/** The number of a run's last event (0 when it has none). */
export async function lastRunEventSeq(ex: LabExecutor, runId: string): Promise<number> {
  const head = await ex
    .selectFrom('run_event_heads')
    .select('last_seq')
    .where('run_id', '=', runId)
    .executeTakeFirst();
  return head?.last_seq ?? 0;
}
