import { sql } from 'kysely';
import type { LabExecutor } from '../../db/lab-database.ts';

/** The roles that exist, with their permissions. */
export function listRoles(tx: LabExecutor) {
  return tx.selectFrom('roles').select(['name', 'description', 'permissions']).orderBy('name').execute();
}

/** Grants roles by name; returns the names that were newly granted (unknown names are ignored). */
export async function grantRoles(
  tx: LabExecutor,
  userId: string,
  names: string[],
  grantedBy: string | null,
): Promise<string[]> {
  const rows = await tx
    .with('granted', (db) =>
      db
        .insertInto('user_roles')
        .columns(['user_id', 'role_id', 'granted_by'])
        .expression((eb) =>
          eb
            .selectFrom('roles')
            .select([
              eb.cast<string>(eb.val(userId), 'uuid').as('user_id'),
              'id',
              eb.cast<string | null>(eb.val(grantedBy), 'uuid').as('granted_by'),
            ])
            .where('name', '=', eb.fn.any(eb.val(names))),
        )
        .onConflict((conflict) => conflict.doNothing())
        .returning('role_id'),
    )
    .selectFrom('granted as g')
    .innerJoin('roles as r', 'r.id', 'g.role_id')
    .select('r.name')
    .orderBy('r.name')
    .execute();
  return rows.map((row) => row.name);
}

export async function revokeRole(tx: LabExecutor, userId: string, name: string): Promise<boolean> {
  const rows = await tx
    .deleteFrom('user_roles')
    .where('user_id', '=', userId)
    .where('role_id', '=', (eb) => eb.selectFrom('roles').select('id').where('name', '=', name))
    .returning('user_id')
    .execute();
  return rows.length > 0;
}

export async function roleExists(tx: LabExecutor, name: string): Promise<boolean> {
  const row = await tx.selectFrom('roles').select('name').where('name', '=', name).executeTakeFirst();
  return row !== undefined;
}

/**
 * How many active users hold the admin role (the last one may not be removed). Counted under a
 * transaction-scoped lock so two concurrent demotions or deactivations cannot each see "two admins
 * left" and together remove the last one: the second waits for the first to commit and then counts
 * again with a fresh (READ COMMITTED) snapshot. Two statements on purpose: the count's snapshot must
 * be taken after the lock is held.
 */
export async function activeAdminCount(tx: LabExecutor): Promise<number> {
  // Raw: an advisory lock is a function call, not a query on a table.
  await sql`select pg_advisory_xact_lock(hashtext('lab:last-admin'))`.execute(tx);
  const row = await tx
    .selectFrom('users as u')
    .innerJoin('user_roles as ur', 'ur.user_id', 'u.id')
    .innerJoin('roles as r', 'r.id', 'ur.role_id')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('r.name', '=', 'admin')
    .where('u.active', '=', true)
    .executeTakeFirstOrThrow();
  return row.count;
}

/**
 * Adds a permission to a role that lacks it, and rewords its description when it still reads
 * `describe.from`; answers the role's id and fields before and after, or nothing when the role does
 * not exist or holds the permission already. Locks the role's row until commit.
 */
export async function addRolePermission(
  tx: LabExecutor,
  name: string,
  permission: string,
  describe?: { from: string; to: string },
): Promise<{ id: string; before: RoleFields; after: RoleFields } | undefined> {
  const row = await tx
    .selectFrom('roles')
    .select(['id', 'description', 'permissions'])
    .where('name', '=', name)
    .forUpdate()
    .executeTakeFirst();
  if (!row || row.permissions.includes(permission)) return undefined;
  const { id, ...before } = row;
  const after = await tx
    .updateTable('roles')
    .set({
      permissions: [...row.permissions, permission],
      description: describe && row.description === describe.from ? describe.to : row.description,
    })
    .where('id', '=', id)
    .returning(['description', 'permissions'])
    .executeTakeFirstOrThrow();
  return { id, before, after };
}

/** A role's fields a default may change. */
export interface RoleFields {
  description: string;
  permissions: string[];
}
