import type { LabExecutor } from '../../db/lab-database.ts';

/**
 * The earliest active administrator who is a member of the lab, whom demo records are attributed
 * to. (Here until the accounts module offers such a lookup.)
 */
export async function earliestAdminOf(tx: LabExecutor, labId: string): Promise<string | undefined> {
  const row = await tx
    .selectFrom('users as u')
    .innerJoin('user_roles as ur', 'ur.user_id', 'u.id')
    .innerJoin('roles as r', 'r.id', 'ur.role_id')
    .innerJoin('lab_members as lm', (join) =>
      join.onRef('lm.user_id', '=', 'u.id').on('lm.lab_id', '=', labId),
    )
    .select('u.id')
    .where('r.name', '=', 'admin')
    .where('u.active', '=', true)
    .orderBy('u.created_at')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}
