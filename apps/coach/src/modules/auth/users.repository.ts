import { type Executor, queryRows } from '@ours/platform/db';
import { sql } from 'drizzle-orm';

/** True when `auth.users` was created by this service (not Supabase's own table). */
export async function authUsersAreManaged(tx: Executor): Promise<boolean> {
  const rows = await queryRows<{ managed: boolean }>(
    tx,
    sql`select coalesce(obj_description('auth.users'::regclass, 'pg_class') = 'managed-by:strukt-coach', false) as managed`,
  );
  return rows[0]?.managed === true;
}

/** Records a verified user, keeping the e-mail current; a no-op when nothing changed. */
export async function upsertAuthUser(tx: Executor, id: string, email: string | undefined): Promise<void> {
  await tx.execute(sql`
    insert into auth.users (id, email) values (${id}, ${email ?? null})
    on conflict (id) do update set email = excluded.email, updated_at = now()
    where auth.users.email is distinct from excluded.email`);
}
