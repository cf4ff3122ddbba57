import type { JwtVerifier } from '@ours/platform/auth';
import type { Database } from '@ours/platform/db';
import type { Redis } from 'ioredis';
import type { CoachConfig } from './config.ts';
import type { LlmClient } from './modules/llm/llm-types.ts';

/** Everything a request handler or job needs, built once at start; tests swap pieces. */
export interface AppContext {
  config: CoachConfig;
  db: Database;
  llm: LlmClient;
  verifyToken: JwtVerifier;
  /** Whether this service owns `auth.users` and so registers users on first sight. */
  managesAuthUsers: boolean;
  redis: Redis | undefined;
  now: () => Date;
}
