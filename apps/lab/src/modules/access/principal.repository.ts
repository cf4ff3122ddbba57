import { type Database, type Executor, queryRows } from '@ours/platform/db';
import { sql } from 'drizzle-orm';

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

// The user, their role names, the union of their roles' permissions and their labs; `$1` is the id.
const principalSelect = `select u.id, u.email, u.full_name, u.active, u.mfa_enabled,
    floor(extract(epoch from u.sessions_valid_after) * 1000)::float8 as sessions_valid_after_ms, u.session_epoch,
    coalesce(array_agg(r.name order by r.name) filter (where r.name is not null), '{}') as roles,
    coalesce((select array_agg(distinct p) from user_roles ur2 join roles r2 on r2.id = ur2.role_id
              cross join unnest(r2.permissions) p where ur2.user_id = u.id), '{}') as permissions,
    coalesce((select array_agg(lm.lab_id order by lm.lab_id) from lab_members lm where lm.user_id = u.id),
             '{}') as lab_ids
  from users u left join user_roles ur on ur.user_id = u.id left join roles r on r.id = ur.role_id
  where u.id = $1::uuid group by u.id`;

/** The principal in one round trip, inside a transaction (or on the pool). */
export async function loadPrincipal(tx: Executor, id: string): Promise<Principal | undefined> {
  const [head, tail] = principalSelect.split('$1') as [string, string];
  const [row] = await queryRows<Principal>(tx, sql`${sql.raw(head)}${id}${sql.raw(tail)}`);
  return row;
}

/**
 * The principal for a request, as a prepared statement (parsed and planned once per connection):
 * it runs on every authenticated request, and it is never cached, so revocations apply at once.
 */
export async function requestPrincipal(db: Database, id: string): Promise<Principal | undefined> {
  const [row] = await db.prepared<Principal>('lab_request_principal', principalSelect, [id]);
  return row;
}
