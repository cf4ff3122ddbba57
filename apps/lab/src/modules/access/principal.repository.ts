import { compileOnce } from '@ours/platform/db';
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

/** The principal as a request sees it: also whether the access token's own session has ended. */
export interface RequestPrincipal extends Principal {
  session_revoked: boolean;
}

// Correlated subqueries on `users as u`, in the principal's one statement (arrays read as arrays).
const roleNames = sql<string[]>`coalesce((select array_agg(r.name order by r.name)
  from user_roles ur join roles r on r.id = ur.role_id where ur.user_id = u.id), '{}')`;
const rolePermissions = sql<string[]>`coalesce((select array_agg(distinct p)
  from user_roles ur join roles r on r.id = ur.role_id cross join unnest(r.permissions) p
  where ur.user_id = u.id), '{}')`;
const memberLabIds = sql<string[]>`coalesce((select array_agg(lm.lab_id order by lm.lab_id)
  from lab_members lm where lm.user_id = u.id), '{}')`;

/**
 * The user, their role names, the union of their roles' permissions, their labs and whether the
 * session `refreshTokenId` belongs to has ended: one statement. The id is a parameter even when
 * null (a token from before sessions were checked), so the text, and the prepared plan, are the same
 * on every call; the session check is a primary-key probe whatever the session's length.
 */
function principalQuery(tx: LabExecutor, id: string, refreshTokenId: string | null) {
  return tx
    .selectFrom('users as u')
    .select((eb) => [
      'u.id',
      'u.email',
      'u.full_name',
      'u.active',
      'u.mfa_enabled',
      // extract(epoch ...) is numeric, which reads as a number.
      sql<number>`floor(extract(epoch from u.sessions_valid_after) * 1000)`.as('sessions_valid_after_ms'),
      'u.session_epoch',
      roleNames.as('roles'),
      rolePermissions.as('permissions'),
      memberLabIds.as('lab_ids'),
      eb
        .exists(
          eb
            .selectFrom('refresh_tokens as rt')
            .select('rt.id')
            .where('rt.id', '=', refreshTokenId)
            .where('rt.revoked_at', 'is not', null),
        )
        // PostgreSQL answers a boolean (Kysely's SqlBool also allows other engines' 0 and 1).
        .$castTo<boolean>()
        .as('session_revoked'),
    ])
    .where('u.id', '=', id);
}

/** The principal in one round trip, inside a transaction (or on the pool). */
export async function loadPrincipal(tx: LabExecutor, id: string): Promise<Principal | undefined> {
  const row = await principalQuery(tx, id, null).executeTakeFirst();
  if (!row) return undefined;
  const { session_revoked: _unused, ...principal } = row;
  return principal;
}

/**
 * The principal for a request, as a prepared statement (parsed and planned once per connection):
 * it runs on every authenticated request, and it is never cached, so revocations (of the account,
 * its roles, or the token's own session) apply at once on every instance.
 */
export async function requestPrincipal(
  db: LabDatabase,
  id: string,
  refreshTokenId: string | undefined,
): Promise<RequestPrincipal | undefined> {
  const [row] = await db.prepared(
    'lab_request_principal',
    principalStatement(db.kysely, id, refreshTokenId ?? null),
  );
  return row;
}

// Built and compiled on the first request only: the text is the same on every call.
const principalStatement = compileOnce(principalQuery);
