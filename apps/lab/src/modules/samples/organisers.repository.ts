import { type Executor, queryRows } from '@ours/platform/db';
import { type SQL, sql } from 'drizzle-orm';

/** Projects, batches and containers: what samples are organised by. */
export type OrganiserKind = 'projects' | 'batches' | 'containers';

const columns: Record<OrganiserKind, SQL> = {
  projects: sql`id, lab_id, code, name, description, status, created_by, to_json(created_at) #>> '{}' as created_at`,
  batches: sql`id, lab_id, code, project_id, status, created_by, to_json(created_at) #>> '{}' as created_at`,
  containers: sql`id, lab_id, code, container_type, location, capacity, created_by,
    to_json(created_at) #>> '{}' as created_at,
    (select count(*)::int from samples s where s.container_id = containers.id and s.deleted_at is null) as sample_count`,
};

/** Inserts one organiser; `values` keys are trusted column names from the service. */
export async function insertOrganiser(
  tx: Executor,
  kind: OrganiserKind,
  values: Record<string, string | number | null>,
): Promise<Record<string, unknown>> {
  const names = Object.keys(values).map((name) => sql.identifier(name));
  const params = Object.values(values).map((value) => sql`${value}`);
  const [row] = await queryRows<Record<string, unknown>>(
    tx,
    sql`insert into ${sql.identifier(kind)} (${sql.join(names, sql`, `)}) values (${sql.join(params, sql`, `)})
        returning ${columns[kind]}`,
  );
  if (!row) throw new Error(`${kind} row was not created`);
  return row;
}

export function listOrganisers(tx: Executor, kind: OrganiserKind, limit: number, offset: number) {
  return queryRows<Record<string, unknown>>(
    tx,
    sql`select ${columns[kind]} from ${sql.identifier(kind)} order by lab_id, code limit ${limit} offset ${offset}`,
  );
}

export async function organiserById(tx: Executor, kind: OrganiserKind, id: string) {
  const [row] = await queryRows<Record<string, unknown>>(
    tx,
    sql`select ${columns[kind]} from ${sql.identifier(kind)} where id = ${id}`,
  );
  return row;
}
