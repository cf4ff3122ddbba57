import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import type { LabExecutor, LabSchema } from '../../db/lab-database.ts';

/** What login needs to decide: credentials, lockout and MFA state. */
export type LoginRecord = Pick<
  Selectable<LabSchema['users']>,
  | 'id'
  | 'email'
  | 'full_name'
  | 'active'
  | 'password_hash'
  | 'failed_attempts'
  | 'locked_until'
  | 'mfa_enabled'
  | 'mfa_secret'
  | 'mfa_pending_secret'
  | 'mfa_last_step'
>;

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

const loginColumns = [
  'id',
  'email',
  'full_name',
  'active',
  'password_hash',
  'failed_attempts',
  'locked_until',
  'mfa_enabled',
  'mfa_secret',
  'mfa_pending_secret',
  'mfa_last_step',
] as const;

export function loginRecordByEmail(tx: LabExecutor, email: string): Promise<LoginRecord | undefined> {
  return tx
    .selectFrom('users')
    .select(loginColumns)
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
}

/** The user's login record, row-locked so concurrent failures and code checks queue on it. */
export function lockLoginRecord(tx: LabExecutor, id: string): Promise<LoginRecord | undefined> {
  return tx.selectFrom('users').select(loginColumns).where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * Counts a failed proof of identity; the n-th consecutive failure locks the account. A lock that
 * has run out starts the count again. Returns the new state.
 */
export async function recordFailure(
  tx: LabExecutor,
  id: string,
  now: Date,
  policy: { attempts: number; minutes: number },
): Promise<{ failed_attempts: number; locked_until: string | null; locked_now: boolean }> {
  const at = sql<string>`${now.toISOString()}::timestamptz`;
  // One UPDATE reading the row's latest version: concurrent failures queue on the row lock and each
  // counts (a count read first, in a CTE, would be stale under concurrency and lose updates). In SET,
  // the columns are the row before the update; in RETURNING, after it.
  const attempts = sql<number>`(case when users.locked_until is not null and users.locked_until <= ${at}
    then 1 else users.failed_attempts + 1 end)`;
  const row = await tx
    .updateTable('users')
    .set({
      failed_attempts: attempts,
      locked_until: sql<string | null>`case when ${attempts} >= ${policy.attempts}
          then ${at} + make_interval(mins => ${policy.minutes})
        when users.locked_until <= ${at} then null
        else users.locked_until end`,
    })
    .where('users.id', '=', id)
    .returning([
      'users.failed_attempts',
      'users.locked_until',
      sql<boolean>`users.failed_attempts = ${policy.attempts}`.as('locked_now'),
    ])
    .executeTakeFirst();
  if (!row) throw new Error('user vanished while counting a failure');
  return row;
}

/** Clears the failure count and any lock: a successful login, or an administrator's unlock. */
export async function clearFailures(tx: LabExecutor, id: string): Promise<void> {
  await tx
    .updateTable('users')
    .set({ failed_attempts: 0, locked_until: null })
    .where('id', '=', id)
    .execute();
}

/** The user as the API shows them: role names and labs gathered in the same statement. */
function userViewQuery(tx: LabExecutor) {
  return tx
    .selectFrom('users as u')
    .select((eb) => [
      'u.id',
      'u.email',
      'u.full_name',
      'u.active',
      'u.mfa_enabled',
      roleNames(eb),
      labIds(eb),
      'u.locked_until',
      'u.created_at',
    ]);
}

/** The user's role names, sorted (a correlated subquery on `users as u`). */
function roleNames(eb: ExpressionBuilder<LabSchema & { u: LabSchema['users'] }, 'u'>) {
  return eb.fn
    .coalesce(
      eb
        .selectFrom('user_roles as ur')
        .innerJoin('roles as r', 'r.id', 'ur.role_id')
        .select(sql<string[]>`array_agg(r.name order by r.name)`.as('names'))
        .whereRef('ur.user_id', '=', 'u.id'),
      sql<string[]>`'{}'`,
    )
    .as('roles');
}

/** The labs the user belongs to, sorted (a correlated subquery on `users as u`). */
function labIds(eb: ExpressionBuilder<LabSchema & { u: LabSchema['users'] }, 'u'>) {
  return eb.fn
    .coalesce(
      eb
        .selectFrom('lab_members as lm')
        .select(sql<string[]>`array_agg(lm.lab_id order by lm.lab_id)`.as('ids'))
        .whereRef('lm.user_id', '=', 'u.id'),
      sql<string[]>`'{}'`,
    )
    .as('lab_ids');
}

export function userView(tx: LabExecutor, id: string): Promise<UserView | undefined> {
  return userViewQuery(tx).where('u.id', '=', id).executeTakeFirst();
}

/** The user as the API shows them; throws when they are gone (callers hold the row lock). */
export async function existingUserView(tx: LabExecutor, id: string): Promise<UserView> {
  const view = await userView(tx, id);
  if (!view) throw new Error(`user ${id} vanished inside its own transaction`);
  return view;
}

export function listUsers(tx: LabExecutor): Promise<UserView[]> {
  return userViewQuery(tx).orderBy('u.email').execute();
}

export async function userCount(tx: LabExecutor): Promise<number> {
  const row = await tx
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return row.count;
}

/** Creates a user with their first password (also the start of their password history). */
export async function insertUser(
  tx: LabExecutor,
  user: { email: string; full_name: string; password_hash: string },
): Promise<string> {
  const row = await tx
    .with('created', (db) => db.insertInto('users').values(user).returning(['id', 'password_hash']))
    .insertInto('password_history')
    .columns(['user_id', 'password_hash'])
    .expression((eb) => eb.selectFrom('created').select(['id', 'password_hash']))
    .returning('user_id')
    .executeTakeFirst();
  if (!row) throw new Error('user was not created');
  return row.user_id;
}

/**
 * Ends every session of the user in one statement: access tokens die by the new epoch (and the
 * cut-off time, for tokens from before epochs), refresh tokens are revoked.
 */
export async function endSessions(tx: LabExecutor, id: string, now: Date): Promise<void> {
  const at = now.toISOString();
  await tx
    .with('ended', (db) =>
      db
        .updateTable('users')
        .set((eb) => ({
          sessions_valid_after: at,
          session_epoch: eb('session_epoch', '+', 1),
          updated_at: at,
        }))
        .where('id', '=', id)
        .returning('id'),
    )
    .updateTable('refresh_tokens')
    .set({ revoked_at: at })
    .where('user_id', 'in', (eb) => eb.selectFrom('ended').select('id'))
    .where('revoked_at', 'is', null)
    .execute();
}

/** Updates profile fields (those given). */
export async function updateUser(
  tx: LabExecutor,
  id: string,
  changes: { full_name?: string | undefined; active?: boolean | undefined },
  now: Date,
): Promise<void> {
  await tx
    .updateTable('users')
    .set({
      ...(changes.full_name !== undefined && { full_name: changes.full_name }),
      ...(changes.active !== undefined && { active: changes.active }),
      updated_at: now.toISOString(),
    })
    .where('id', '=', id)
    .execute();
}
