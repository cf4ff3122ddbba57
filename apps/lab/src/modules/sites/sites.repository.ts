import type { LabExecutor } from '../../db/lab-database.ts';

export interface LabView {
  id: string;
  code: string;
  name: string;
  organization_id: string;
  organization_name: string;
}

function labsQuery(tx: LabExecutor) {
  return tx
    .selectFrom('labs as l')
    .innerJoin('organizations as o', 'o.id', 'l.organization_id')
    .select(['l.id', 'l.code', 'l.name', 'l.organization_id', 'o.name as organization_name'])
    .orderBy('l.code');
}

export function labsByIds(tx: LabExecutor, ids: readonly string[]): Promise<LabView[]> {
  return labsQuery(tx)
    .where((eb) => eb('l.id', '=', eb.fn.any(eb.val(ids))))
    .execute();
}

export function allLabs(tx: LabExecutor): Promise<LabView[]> {
  return labsQuery(tx).execute();
}

export function labById(tx: LabExecutor, id: string): Promise<LabView | undefined> {
  return labsQuery(tx).where('l.id', '=', id).executeTakeFirst();
}

export async function insertLab(
  tx: LabExecutor,
  lab: { code: string; name: string; organization_id: string },
): Promise<string> {
  const row = await tx.insertInto('labs').values(lab).returning('id').executeTakeFirst();
  if (!row) throw new Error('lab was not created');
  return row.id;
}

export async function organizationExists(tx: LabExecutor, id: string): Promise<boolean> {
  const row = await tx.selectFrom('organizations').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

/** Adds memberships; returns the lab ids that were newly added (unknown labs are ignored). */
export async function addMemberships(
  tx: LabExecutor,
  userId: string,
  labIds: readonly string[],
  by: string | null,
): Promise<string[]> {
  const rows = await tx
    .insertInto('lab_members')
    .columns(['user_id', 'lab_id', 'added_by'])
    .expression((eb) =>
      eb
        .selectFrom('labs')
        .select([
          eb.cast<string>(eb.val(userId), 'uuid').as('user_id'),
          'id',
          eb.cast<string | null>(eb.val(by), 'uuid').as('added_by'),
        ])
        .where('id', '=', eb.fn.any(eb.val(labIds))),
    )
    .onConflict((conflict) => conflict.doNothing())
    .returning('lab_id')
    .execute();
  return rows.map((row) => row.lab_id);
}

export async function removeMembership(tx: LabExecutor, userId: string, labId: string): Promise<boolean> {
  const rows = await tx
    .deleteFrom('lab_members')
    .where('user_id', '=', userId)
    .where('lab_id', '=', labId)
    .returning('lab_id')
    .execute();
  return rows.length > 0;
}
