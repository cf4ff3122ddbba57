import { type Executor, queryRows, textArray } from '@ours/platform/db';
import { sql } from 'drizzle-orm';

export interface LabView {
  id: string;
  code: string;
  name: string;
  organization_id: string;
  organization_name: string;
}

const labColumns = sql`l.id, l.code, l.name, l.organization_id, o.name as organization_name`;

export function labsByIds(tx: Executor, ids: readonly string[]): Promise<LabView[]> {
  return queryRows<LabView>(
    tx,
    sql`select ${labColumns} from labs l join organizations o on o.id = l.organization_id
        where l.id = any(${textArray(ids)}::uuid[]) order by l.code`,
  );
}

export function allLabs(tx: Executor): Promise<LabView[]> {
  return queryRows<LabView>(
    tx,
    sql`select ${labColumns} from labs l join organizations o on o.id = l.organization_id order by l.code`,
  );
}

export async function labById(tx: Executor, id: string): Promise<LabView | undefined> {
  const [row] = await labsByIds(tx, [id]);
  return row;
}

export async function insertLab(
  tx: Executor,
  lab: { code: string; name: string; organization_id: string },
): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    tx,
    sql`insert into labs (organization_id, code, name) values (${lab.organization_id}, ${lab.code}, ${lab.name})
        returning id`,
  );
  if (!row) throw new Error('lab was not created');
  return row.id;
}

export async function organizationExists(tx: Executor, id: string): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(tx, sql`select id from organizations where id = ${id}`);
  return rows.length > 0;
}

/** Adds memberships; returns the lab ids that were newly added (unknown labs are ignored). */
export async function addMemberships(
  tx: Executor,
  userId: string,
  labIds: readonly string[],
  by: string | null,
) {
  const rows = await queryRows<{ lab_id: string }>(
    tx,
    sql`insert into lab_members (user_id, lab_id, added_by)
        select ${userId}, id, ${by} from labs where id = any(${textArray(labIds)}::uuid[])
        on conflict do nothing returning lab_id`,
  );
  return rows.map((row) => row.lab_id);
}

export async function removeMembership(tx: Executor, userId: string, labId: string): Promise<boolean> {
  const rows = await queryRows<{ lab_id: string }>(
    tx,
    sql`delete from lab_members where user_id = ${userId} and lab_id = ${labId} returning lab_id`,
  );
  return rows.length > 0;
}
