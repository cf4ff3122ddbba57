import { type Insertable, type Selectable, sql } from 'kysely';
import type { LabExecutor, LabSchema } from '../../db/lab-database.ts';
import type { SampleRow } from './samples.repository.ts';

/**
 * Links children to their parents in one statement. Raw SQL: one JSON document however many
 * links (a bulk create may carry 100 samples of 50 parents each).
 */
export async function insertLineage(
  tx: LabExecutor,
  links: Insertable<LabSchema['sample_lineage']>[],
): Promise<void> {
  if (links.length === 0) return;
  await sql`insert into sample_lineage (lab_id, parent_id, child_id, relation, created_by)
    select lab_id, parent_id, child_id, relation, created_by from jsonb_to_recordset(${JSON.stringify(links)}::jsonb)
      as x(lab_id uuid, parent_id uuid, child_id uuid, relation text, created_by uuid)`.execute(tx);
}

/** An ancestor or descendant as the lineage view shows it. */
export type Relative = Pick<SampleRow, 'id' | 'sample_id' | 'status'> &
  Pick<Selectable<LabSchema['sample_lineage']>, 'relation'> & {
    depth: number;
    /** The sample it was reached from (its parent or child on the path). */
    via: string;
  };

/**
 * Ancestors or descendants to `depth` levels, nearest first. The walk keeps the path it took, so a
 * cycle (which the API never creates, but data could hold) ends instead of looping. Raw SQL: a
 * recursive walk.
 */
export async function relatives(
  tx: LabExecutor,
  id: string,
  direction: 'up' | 'down',
  depth: number,
): Promise<Relative[]> {
  if (depth === 0) return [];
  const [from, to] = direction === 'up' ? ['child_id', 'parent_id'] : ['parent_id', 'child_id'];
  const { rows } = await sql<Relative>`
    with recursive walk(node, via, relation, depth, path) as (
      select ${sql.ref(to)}, ${sql.ref(from)}, relation, 1, array[${id}::uuid, ${sql.ref(to)}]
      from sample_lineage where ${sql.ref(from)} = ${id}::uuid
      union all
      select ${sql.ref(`l.${to}`)}, ${sql.ref(`l.${from}`)}, l.relation, w.depth + 1, w.path || ${sql.ref(`l.${to}`)}
      from walk w join sample_lineage l on ${sql.ref(`l.${from}`)} = w.node
      where w.depth < ${depth} and not ${sql.ref(`l.${to}`)} = any(w.path))
    select distinct on (s.id) s.id, s.sample_id, s.status, w.depth, w.relation, w.via
    from walk w join samples s on s.id = w.node
    order by s.id, w.depth`.execute(tx);
  return rows.sort((a, b) => a.depth - b.depth || a.sample_id.localeCompare(b.sample_id));
}
