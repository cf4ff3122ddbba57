import type { JwtVerifier } from '@ours/platform/auth';
import type { Redis } from 'ioredis';
import type { CoachConfig } from './config.ts';
import type { CoachDatabase } from './db/coach-database.ts';
import type { UserRegistry } from './modules/auth/user-registry.ts';
import type { JobEngine } from './modules/jobs/job-engine.ts';
import type { LlmClient } from './modules/llm/llm-types.ts';
import type { Embed } from './modules/memory/embedding-client.ts';

/** How memories are found: by meaning (pgvector and an embedding model) or by full-text search. */
export interface MemoryMode {
  mode: 'vector' | 'fulltext';
  vectorSearch: boolean;
  embed: Embed | undefined;
  embeddingModel: string | undefined;
}

/** Everything a request handler or job needs, built once at start; tests swap pieces. */
export interface AppContext {
  config: CoachConfig;
  db: CoachDatabase;
  llm: LlmClient;
  verifyToken: JwtVerifier;
  /** Verifies service-role tokens (admin routes, external schedulers). */
  verifyServiceToken: JwtVerifier;
  /** Whether this service owns `auth.users` and so registers users on first sight. */
  managesAuthUsers: boolean;
  users: UserRegistry;
  memory: MemoryMode;
  /** The job queue, once started (absent in tools that run without it). */
  jobs: JobEngine | undefined;
  redis: Redis | undefined;
  /** Asks for a push delivery run soon (set by the job engine; push also polls every minute). */
  push?: { wake(): void };
  now: () => Date;
}
