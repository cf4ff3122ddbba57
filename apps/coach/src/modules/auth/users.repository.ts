import { sql } from 'kysely';
import type { CoachExecutor } from '../../db/coach-database.ts';

/** True when `auth.users` was created by this service (not Supabase's own table). */
export async function authUsersAreManaged(tx: CoachExecutor): Promise<boolean> {
  const row = await tx
    .selectNoFrom(
      sql<boolean>`coalesce(obj_description('auth.users'::regclass, 'pg_class') = 'managed-by:strukt-coach', false)`.as(
        'managed',
      ),
    )
    .executeTakeFirst();
  return row?.managed === true;
}

/** Records a verified user, keeping the e-mail current; a no-op when nothing changed. */
export async function upsertAuthUser(
  tx: CoachExecutor,
  id: string,
  email: string | undefined,
): Promise<void> {
  await tx
    .insertInto('auth.users')
    .values({ id, email: email ?? null })
    .onConflict((conflict) =>
      conflict
        .column('id')
        .doUpdateSet((eb) => ({ email: eb.ref('excluded.email'), updated_at: sql<string>`now()` }))
        .where('auth.users.email', 'is distinct from', (eb) => eb.ref('excluded.email')),
    )
    .execute();
}
