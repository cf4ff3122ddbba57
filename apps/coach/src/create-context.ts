import { createJwtVerifier } from '@ours/platform/auth';
import { asRole, type Database, openDatabase } from '@ours/platform/db';
import { Redis } from 'ioredis';
import type { CoachConfig } from './config.ts';
import type { AppContext } from './context.ts';
import { resolveJwtSecret } from './jwt-secret.ts';
import { authUsersAreManaged } from './modules/auth/users.repository.ts';
import { createOpenAiLlmClient } from './modules/llm/openai-llm-client.ts';

export const migrationsDir = new URL('../migrations/', import.meta.url).pathname;

/** Opens the coach's database with its migrations applied. */
export function openCoachDatabase(config: CoachConfig): Promise<Database> {
  return openDatabase({
    ...config.database,
    migrationsDir,
    service: 'coach',
    runtimeRole: 'authenticator',
  });
}

/** Builds every shared resource once; tests pass their own database or model client. */
export async function createContext(
  config: CoachConfig,
  overrides: Partial<Pick<AppContext, 'db' | 'llm' | 'now'>> = {},
): Promise<AppContext> {
  const hsSecret = await resolveJwtSecret(config);
  const verifyToken = createJwtVerifier({
    hsSecret,
    jwksUrl: config.auth.jwksUrl,
    audience: config.auth.audience,
    issuer: config.auth.issuer,
    jwksCooldownMs: config.auth.jwksCooldownMs,
  });
  const db = overrides.db ?? (await openCoachDatabase(config));
  const managesAuthUsers = await asRole(db, { role: 'service_role' }, authUsersAreManaged);
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { connectTimeout: 1_000, maxRetriesPerRequest: 1, lazyConnect: false })
    : undefined;
  return {
    config,
    db,
    llm: overrides.llm ?? createOpenAiLlmClient(config.llm),
    verifyToken,
    managesAuthUsers,
    redis,
    now: overrides.now ?? (() => new Date()),
  };
}

/** Releases what `createContext` opened. */
export async function closeContext(ctx: AppContext): Promise<void> {
  ctx.redis?.disconnect();
  await ctx.db.close();
}
