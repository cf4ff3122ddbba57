import { createJwtVerifier, createServiceRoleVerifier } from '@ours/platform/auth';
import { asRole, openDatabase } from '@ours/platform/db';
import { openRateLimitRedis } from '@ours/platform/http';
import type { CoachConfig } from './config.ts';
import type { AppContext, MemoryMode } from './context.ts';
import type { CoachDatabase, CoachSchema } from './db/coach-database.ts';
import { resolveJwtSecret } from './jwt-secret.ts';
import { createUserRegistry } from './modules/auth/user-registry.ts';
import { authUsersAreManaged } from './modules/auth/users.repository.ts';
import { createOpenAiLlmClient } from './modules/llm/openai-llm-client.ts';
import { createEmbeddingClient } from './modules/memory/embedding-client.ts';
import { hasVectorColumn } from './modules/memory/memory.repository.ts';
import { serviceRole, serviceTokenIssuer, supabaseServiceKeyIssuer } from './modules/shared/service-role.ts';

export const migrationsDir = new URL('../migrations/', import.meta.url).pathname;

/** Opens the coach's database with its migrations applied. */
export function openCoachDatabase(config: CoachConfig): Promise<CoachDatabase> {
  return openDatabase<CoachSchema>({
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
  const keys = {
    hsSecret,
    jwksUrl: config.auth.jwksUrl,
    issuer: config.auth.issuer,
    jwksCooldownMs: config.auth.jwksCooldownMs,
  };
  const verifyToken = createJwtVerifier({
    hsSecret,
    jwksUrl: config.auth.jwksUrl,
    audience: config.auth.audience,
    issuer: config.auth.issuer,
    jwksCooldownMs: config.auth.jwksCooldownMs,
  });
  const db = overrides.db ?? (await openCoachDatabase(config));
  const managesAuthUsers = await asRole(db, serviceRole, authUsersAreManaged);
  const vectorColumn = await asRole(db, serviceRole, hasVectorColumn);
  const redis = config.redisUrl ? await openRateLimitRedis(config.redisUrl) : undefined;
  return {
    config,
    db,
    llm: overrides.llm ?? createOpenAiLlmClient(config.llm),
    verifyToken,
    verifyServiceToken: createServiceRoleVerifier(keys, [supabaseServiceKeyIssuer, serviceTokenIssuer]),
    managesAuthUsers,
    users: createUserRegistry(db, managesAuthUsers),
    memory: memoryMode(config, vectorColumn),
    jobs: undefined,
    redis,
    now: overrides.now ?? (() => new Date()),
  };
}

/** Vector search needs both the pgvector column and an embedding model; otherwise full-text. */
function memoryMode(config: CoachConfig, vectorColumn: boolean): MemoryMode {
  const model = config.memory.embeddingModel;
  if (!vectorColumn || !model || !config.llm.configured) {
    return { mode: 'fulltext', vectorSearch: false, embed: undefined, embeddingModel: undefined };
  }
  const embed = createEmbeddingClient({ apiKey: config.llm.apiKey, baseURL: config.llm.baseURL, model });
  return { mode: 'vector', vectorSearch: true, embed, embeddingModel: model };
}

/** Releases what `createContext` opened. */
export async function closeContext(ctx: AppContext): Promise<void> {
  await ctx.jobs?.stop();
  ctx.redis?.disconnect();
  await ctx.db.close();
}
