import { type Executor, queryRows, textArray } from '@ours/platform/db';
import { sql } from 'drizzle-orm';

/** What login needs to decide: credentials, lockout and MFA state. */
export interface LoginRecord {
  id: string;
  email: string;
  full_name: string;
  active: boolean;
  password_hash: string;
  failed_attempts: number;
  locked_until: string | null;
  mfa_enabled: boolean;
  mfa_secret: string | null;
  mfa_pending_secret: string | null;
  mfa_last_step: number;
}

/** A user as the API shows them. */
export interface UserView {
  id: string;
  email: string;
  full_name: string;
  active: boolean;
  mfa_enabled: boolean;
  roles: string[];
  lab_ids: string[];
  locked_until: string | null;
  created_at: string;
}

const loginColumns = sql`id, email, full_name, active, password_hash, failed_attempts,
  to_json(locked_until) #>> '{}' as locked_until, mfa_enabled, mfa_secret, mfa_pending_secret,
  mfa_last_step::int8::float8 as mfa_last_step`;

export async function loginRecordByEmail(tx: Executor, email: string): Promise<LoginRecord | undefined> {
  const [row] = await queryRows<LoginRecord>(
    tx,
    sql`select ${loginColumns} from users where email = ${email.trim().toLowerCase()}`,
  );
  return row;
}

/** The user's login record, row-locked so concurrent failures and code checks queue on it. */
export async function lockLoginRecord(tx: Executor, id: string): Promise<LoginRecord | undefined> {
  const [row] = await queryRows<LoginRecord>(
    tx,
    sql`select ${loginColumns} from users where id = ${id} for update`,
  );
  return row;
}

/**
 * Counts a failed proof of identity; the n-th consecutive failure locks the account. A lock that
 * has run out starts the count again. Returns the new state.
 */
export async function recordFailure(
  tx: Executor,
  id: string,
  now: Date,
  policy: { attempts: number; minutes: number },
): Promise<{ failed_attempts: number; locked_until: string | null; locked_now: boolean }> {
  const at = sql`${now.toISOString()}::timestamptz`;
  // One UPDATE reading the row's latest version: concurrent failures queue on the row lock and each
  // counts (a count read first, in a CTE, would be stale under concurrency and lose updates).
  const attempts = sql`(case when users.locked_until is not null and users.locked_until <= ${at}
    then 1 else users.failed_attempts + 1 end)`;
  const [row] = await queryRows<{
    failed_attempts: number;
    locked_until: string | null;
    locked_now: boolean;
  }>(
    tx,
    sql`update users set failed_attempts = ${attempts},
          locked_until = case when ${attempts} >= ${policy.attempts}
            then ${at} + make_interval(mins => ${policy.minutes})
            when users.locked_until <= ${at} then null
            else users.locked_until end
        where users.id = ${id}
        returning users.failed_attempts, to_json(users.locked_until) #>> '{}' as locked_until,
          users.failed_attempts = ${policy.attempts} as locked_now`,
  );
  if (!row) throw new Error('user vanished while counting a failure');
  return row;
}

/** A successful login clears the failure count and any expired lock. */
export async function recordSuccess(tx: Executor, id: string): Promise<void> {
  await tx.execute(sql`update users set failed_attempts = 0, locked_until = null where id = ${id}`);
}

export async function userView(tx: Executor, id: string): Promise<UserView | undefined> {
  const [row] = await queryRows<UserView>(tx, sql`${userViewQuery} where u.id = ${id}`);
  return row;
}

const userViewQuery = sql`select u.id, u.email, u.full_name, u.active, u.mfa_enabled,
    coalesce((select array_agg(r.name order by r.name) from user_roles ur join roles r on r.id = ur.role_id
              where ur.user_id = u.id), '{}') as roles,
    coalesce((select array_agg(lm.lab_id order by lm.lab_id) from lab_members lm where lm.user_id = u.id),
             '{}') as lab_ids,
    to_json(u.locked_until) #>> '{}' as locked_until, to_json(u.created_at) #>> '{}' as created_at
  from users u`;

export function listUsers(tx: Executor): Promise<UserView[]> {
  return queryRows<UserView>(tx, sql`${userViewQuery} order by u.email`);
}

export async function userCount(tx: Executor): Promise<number> {
  const [row] = await queryRows<{ count: number }>(tx, sql`select count(*)::int as count from users`);
  return row?.count ?? 0;
}

/** Creates a user with their first password (also the start of their password history). */
export async function insertUser(
  tx: Executor,
  user: { email: string; full_name: string; password_hash: string },
): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    tx,
    sql`with created as (
          insert into users (email, full_name, password_hash) values (${user.email}, ${user.full_name}, ${user.password_hash})
          returning id, password_hash)
        insert into password_history (user_id, password_hash) select id, password_hash from created
        returning user_id as id`,
  );
  if (!row) throw new Error('user was not created');
  return row.id;
}

/** The current password's hash first, then earlier ones: what a new password may not repeat. */
export async function recentPasswordHashes(tx: Executor, id: string, depth: number): Promise<string[]> {
  const rows = await queryRows<{ password_hash: string }>(
    tx,
    sql`select password_hash from password_history where user_id = ${id} order by created_at desc limit ${depth}`,
  );
  return rows.map((row) => row.password_hash);
}

/**
 * Replaces the password, records it in the history (keeping only what the reuse check reads), ends
 * every session and clears any lock.
 */
export async function replacePassword(tx: Executor, id: string, hash: string, depth: number, now: Date) {
  await tx.execute(sql`
    with updated as (
      update users set password_hash = ${hash}, password_changed_at = ${now.toISOString()}::timestamptz,
        sessions_valid_after = ${now.toISOString()}::timestamptz, session_epoch = session_epoch + 1,
        failed_attempts = 0, locked_until = null,
        updated_at = ${now.toISOString()}::timestamptz
      where id = ${id} returning id)
    insert into password_history (user_id, password_hash) select id, ${hash} from updated`);
  await tx.execute(sql`
    delete from password_history where user_id = ${id} and ctid not in (
      select ctid from password_history where user_id = ${id} order by created_at desc limit ${depth})`);
  await revokeAllRefreshTokens(tx, id, now);
}

export async function revokeAllRefreshTokens(tx: Executor, userId: string, now: Date): Promise<void> {
  await tx.execute(sql`update refresh_tokens set revoked_at = ${now.toISOString()}::timestamptz
    where user_id = ${userId} and revoked_at is null`);
}

/** Updates profile fields; returns the changed fields' old and new values. */
export async function updateUser(
  tx: Executor,
  id: string,
  changes: { full_name?: string | undefined; active?: boolean | undefined },
  now: Date,
): Promise<void> {
  await tx.execute(sql`update users set
      full_name = coalesce(${changes.full_name ?? null}, full_name),
      active = coalesce(${changes.active ?? null}::boolean, active),
      sessions_valid_after = case when ${changes.active ?? null}::boolean is false
        then ${now.toISOString()}::timestamptz else sessions_valid_after end,
      session_epoch = session_epoch + case when ${changes.active ?? null}::boolean is false then 1 else 0 end,
      updated_at = ${now.toISOString()}::timestamptz
    where id = ${id}`);
}

export async function unlockUser(tx: Executor, id: string): Promise<void> {
  await tx.execute(sql`update users set failed_attempts = 0, locked_until = null where id = ${id}`);
}

/** The roles that exist, with their permissions. */
export function listRoles(tx: Executor) {
  return queryRows<{ name: string; description: string; permissions: string[] }>(
    tx,
    sql`select name, description, permissions from roles order by name`,
  );
}

/** Grants roles by name; returns the names that were newly granted (unknown names are ignored). */
export async function grantRoles(tx: Executor, userId: string, names: string[], grantedBy: string | null) {
  const rows = await queryRows<{ name: string }>(
    tx,
    sql`with granted as (
          insert into user_roles (user_id, role_id, granted_by)
          select ${userId}, id, ${grantedBy} from roles where name = any(${textArray(names)})
          on conflict do nothing returning role_id)
        select r.name from granted g join roles r on r.id = g.role_id order by r.name`,
  );
  return rows.map((row) => row.name);
}

export async function revokeRole(tx: Executor, userId: string, name: string): Promise<boolean> {
  const rows = await queryRows<{ user_id: string }>(
    tx,
    sql`delete from user_roles where user_id = ${userId} and role_id = (select id from roles where name = ${name})
        returning user_id`,
  );
  return rows.length > 0;
}

export async function roleExists(tx: Executor, name: string): Promise<boolean> {
  const rows = await queryRows<{ name: string }>(tx, sql`select name from roles where name = ${name}`);
  return rows.length > 0;
}

/**
 * How many active users hold the admin role (the last one may not be removed). Counted under a transaction-scoped lock so two concurrent demotions or
 * deactivations cannot each see "two admins left" and together remove the last one: the second
 * waits for the first to commit and then counts again with a fresh (READ COMMITTED) snapshot.
 */
export async function activeAdminCount(tx: Executor): Promise<number> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('lab:last-admin'))`);
  const [row] = await queryRows<{ count: number }>(
    tx,
    sql`select count(*)::int as count from users u join user_roles ur on ur.user_id = u.id
        join roles r on r.id = ur.role_id where r.name = 'admin' and u.active`,
  );
  return row?.count ?? 0;
}
