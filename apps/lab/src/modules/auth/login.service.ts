import { AppError, UnauthorizedError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { LabExecutor } from '../../db/lab-database.ts';
import {
  clearFailures,
  type LoginRecord,
  lockLoginRecord,
  loginRecordByEmail,
  passwordMatches,
  recordFailure,
} from '../accounts/index.ts';
import { type AuditActor, type AuditInput, identified } from '../audit/index.ts';
import { checkSecondFactor } from '../mfa/index.ts';
import { issueSession, type TokenPair } from './sessions.service.ts';
import { signMfaToken, verifyMfaToken } from './tokens.ts';

export type LoginResult = TokenPair | { mfa_required: true; mfa_token: string };

const invalidCredentials = () =>
  new UnauthorizedError('invalid_credentials', 'The e-mail address or password is not correct');

/** 423 with the time the lock ends, so the person knows when to try again. */
export function accountLocked(lockedUntil: string): AppError {
  const until = new Date(lockedUntil).toISOString();
  return new AppError(
    423,
    'account_locked',
    `Too many failed attempts: this account is locked until ${until}`,
    {
      details: { locked_until: until },
    },
  );
}

/** When the account is locked at `now`, the time the lock ends; otherwise null. */
export function activeLock(record: Pick<LoginRecord, 'locked_until'>, now: Date): string | null {
  return record.locked_until !== null && new Date(record.locked_until) > now ? record.locked_until : null;
}

/**
 * Counts a failed proof of identity (password, code, or a signature's re-authentication) in its own
 * committed transaction, audits it, and returns the error to throw: 423 once the account locks.
 */
export async function failProof(
  ctx: LabContext,
  record: LoginRecord,
  actor: AuditActor,
  action: string,
): Promise<AppError> {
  const state = await ctx.db.transaction(async (tx) => {
    const policy = { attempts: ctx.config.auth.lockoutAttempts, minutes: ctx.config.auth.lockoutMinutes };
    const counted = await recordFailure(tx, record.id, ctx.now(), policy);
    const who = identified(actor, record);
    const entries: AuditInput[] = [
      {
        ...who,
        action,
        entity_type: 'user',
        entity_id: record.id,
        before: null,
        after: { failed_attempts: counted.failed_attempts },
        reason: null,
      },
    ];
    if (counted.locked_now) {
      entries.push({
        ...who,
        action: 'auth.lockout',
        entity_type: 'user',
        entity_id: record.id,
        before: null,
        after: { locked_until: counted.locked_until },
        reason: `${counted.failed_attempts} consecutive failed attempts`,
      });
    }
    await ctx.audit.appendMany(tx, entries);
    return counted;
  });
  return state.locked_until && state.locked_now ? accountLocked(state.locked_until) : invalidCredentials();
}

/** A login refused before any credential counted (locked or inactive account): audited, not counted. */
function auditRefusal(ctx: LabContext, record: LoginRecord, actor: AuditActor, why: string) {
  return ctx.db.transaction((tx) =>
    ctx.audit.append(tx, {
      ...identified(actor, record),
      action: 'auth.login_refused',
      entity_type: 'user',
      entity_id: record.id,
      before: null,
      after: null,
      reason: why,
    }),
  );
}

/** Completes a login in one transaction: clears the failure count, issues the tokens, audits. */
async function succeed(
  ctx: LabContext,
  record: LoginRecord,
  actor: AuditActor,
  amr: string[],
  tx: LabExecutor,
) {
  await clearFailures(tx, record.id);
  const pair = await issueSession(tx, ctx, record.id, amr);
  await ctx.audit.append(tx, {
    ...identified(actor, record),
    action: 'auth.login',
    entity_type: 'user',
    entity_id: record.id,
    before: null,
    after: { amr },
    reason: null,
  });
  return pair;
}

/**
 * Password login. Unknown e-mails are checked against a decoy hash so they take as long as known
 * ones; a locked account answers 423 whatever the password; MFA accounts get a short-lived token
 * for the second step instead of a session.
 */
export async function login(
  ctx: LabContext,
  input: { email: string; password: string },
  actor: AuditActor,
): Promise<LoginResult> {
  const record = await loginRecordByEmail(ctx.db.kysely, input.email);
  const matches = await passwordMatches(record?.password_hash ?? ctx.decoyPasswordHash, input.password);
  if (!record) {
    await ctx.db.transaction((tx) =>
      ctx.audit.append(tx, {
        ...actor,
        action: 'auth.login_failed',
        entity_type: 'user',
        entity_id: null,
        before: null,
        after: { unknown_email: true },
        reason: null,
      }),
    );
    throw invalidCredentials();
  }
  const lockedUntil = activeLock(record, ctx.now());
  if (lockedUntil) {
    await auditRefusal(ctx, record, actor, 'account locked');
    throw accountLocked(lockedUntil);
  }
  if (!matches) throw await failProof(ctx, record, actor, 'auth.login_failed');
  if (!record.active) {
    await auditRefusal(ctx, record, actor, 'account inactive');
    throw new UnauthorizedError('account_inactive', 'This account is not active');
  }
  if (record.mfa_enabled) {
    return { mfa_required: true, mfa_token: await signMfaToken(ctx.keys.jwtSecret, record.id, ctx.now()) };
  }
  return ctx.db.transaction(async (tx) => {
    const locked = await lockLoginRecord(tx, record.id);
    // A concurrent failure may have locked the account while the password was being checked.
    const lockedMeanwhile = locked && activeLock(locked, ctx.now());
    if (lockedMeanwhile) throw accountLocked(lockedMeanwhile);
    return succeed(ctx, record, actor, ['pwd'], tx);
  });
}

/** The second step: a TOTP code (never the same time step twice) or an unused recovery code. */
export async function completeMfa(
  ctx: LabContext,
  input: { mfa_token: string; code: string },
  actor: AuditActor,
): Promise<TokenPair> {
  const { userId } = await verifyMfaToken(ctx.keys.jwtSecret, input.mfa_token, ctx.now());
  const outcome = await ctx.db.transaction(async (tx) => {
    const record = await lockLoginRecord(tx, userId);
    if (!record?.active || !record.mfa_enabled) {
      throw new UnauthorizedError('invalid_token', 'The MFA token is not valid');
    }
    const lockedUntil = activeLock(record, ctx.now());
    if (lockedUntil) throw accountLocked(lockedUntil);
    const factor = await checkSecondFactor(tx, ctx, record, input.code);
    if (!factor) return { record, pair: undefined };
    return { record, pair: await succeed(ctx, record, actor, ['pwd', factor], tx) };
  });
  if (outcome.pair) return outcome.pair;
  throw await failProof(ctx, outcome.record, actor, 'auth.mfa_failed');
}
