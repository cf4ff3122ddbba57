import { sql } from 'kysely';
import type { LabDatabase, LabExecutor } from '../../db/lab-database.ts';

/** The signed-in user as every request sees them, read fresh so revocations apply at once. */
export interface Principal {
  id: string;
  email: string;
  full_name: string;
  active: boolean;
  mfa_enabled: boolean;
  /** Access tokens issued before this (milliseconds since the epoch) are no longer accepted. */
  sessions_valid_after_ms: number;
  /** Bumped whenever the user's sessions are ended; tokens issued under another epoch are dead. */
  session_epoch: number;
  roles: string[];
  permissions: string[];
  /** The labs whose records this user may see and change. */
  lab_ids: string[];
}

/** The user, their role names, the union of their roles' permissions and their labs: one statement. */
function principalQuery(tx: LabExecutor, id: string) {
  return tx
    .selectFrom('users as u')
    .select([
      'u.id',
      'u.email',
      'u.full_name',
      'u.active',
      'u.mfa_enabled',
      sql<number>`floor(extract(epoch from u.sessions_valid_after) * 1000)::float8`.as('sessions_valid_after_ms'),
      'u.session_epoch',
      sql<string[]>`coalesce((select array_agg(r.name order by r.name) from user_roles ur join roles r on r.id = ur.role_id
        where ur.user_id = u.id), '{}')`.as('roles'),
      sql<string[]>`coalesce((select array_agg(distinct p) from user_roles ur join roles r on r.id = ur.role_id
        cross join unnest(r.permissions) p where ur.user_id = u.id), '{}')`.as('permissions'),
      sql<string[]>`coalesce((select array_agg(lm.lab_id order by lm.lab_id) from lab_members lm
        where lm.user_id = u.id), '{}')`.as('lab_ids'),
    ])
    .where('u.id', '=', id);
}

/** The principal in one round trip, inside a transaction (or on the pool). */
export async function loadPrincipal(tx: LabExecutor, id: string): Promise<Principal | undefined> {
  return principalQuery(tx, id).executeTakeFirst();
}

/**
 * The principal for a request, as a prepared statement (parsed and planned once per connection):
 * it runs on every authenticated request, and it is never cached, so revocations apply at once.
 */
export async function requestPrincipal(db: LabDatabase, id: string): Promise<Principal | undefined> {
  const [row] = await db.prepared('lab_request_principal', principalQuery(db.kysely, id));
  return row;
}
