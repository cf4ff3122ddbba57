import { randomUUID } from 'node:crypto';
import { signUserToken } from '@ours/platform/auth';
import type { HttpApp } from '@ours/platform/http';
import { openTestDatabase } from '@ours/platform/testing';
import type { DestinationStream } from 'pino';
import { afterAll, beforeAll, inject } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { envToConfig } from '../../src/config.ts';
import type { AppContext } from '../../src/context.ts';
import { createContext } from '../../src/create-context.ts';
import type { CoachDatabase, CoachSchema } from '../../src/db/coach-database.ts';
import { type FakeOpenAiServer, startFakeOpenAiServer } from './fake-openai-server.ts';

export const testJwtSecret = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface TestUser {
  id: string;
  email: string;
  token: string;
}

/** A fresh user with a valid token (unique per call, so rate limits never collide across tests). */
export async function createUser(overrides: { email?: string } = {}): Promise<TestUser> {
  const id = randomUUID();
  const email = overrides.email ?? `user-${id.slice(0, 8)}@example.com`;
  return { id, email, token: await signUserToken(testJwtSecret, { id, email }) };
}

/** This file's own migrated database (PGlite or PostgreSQL, per the Vitest project). */
export function openFileDatabase(): Promise<CoachDatabase> {
  return openTestDatabase<CoachSchema>(inject('coachTemplate'));
}

export interface TestApp {
  app: HttpApp;
  ctx: AppContext;
  fake: FakeOpenAiServer;
  close(): Promise<void>;
}

/** The real app on the given database, talking to a fake model over real HTTP. */
export async function startTestApp(
  db: CoachDatabase,
  env: Record<string, string> = {},
  options: { logStream?: DestinationStream } = {},
): Promise<TestApp> {
  const fake = await startFakeOpenAiServer();
  const config = envToConfig({
    JWT_SECRET: testJwtSecret,
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_API_KEY: 'sk-test',
    LOG_LEVEL: 'silent',
    LLM_TIMEOUT_MS: '2000',
    // Load shedding measures this test process's own loop (PGlite runs on it): not under test here.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    ...env,
  });
  const ctx = await createContext(config, { db });
  const app = await buildApp(ctx, options);
  await app.ready();
  return {
    app,
    ctx,
    fake,
    close: async () => {
      await app.close();
      ctx.redis?.disconnect();
      await fake.close();
    },
  };
}

/**
 * Registers this file's database and app for the whole file (created in beforeAll, closed in
 * afterAll) and returns a handle whose fields are filled in once the suite starts.
 */
export function useTestApp(env: Record<string, string> = {}): TestApp & { db: CoachDatabase } {
  const handle = {} as TestApp & { db: CoachDatabase };
  beforeAll(async () => {
    const db = await openFileDatabase();
    Object.assign(handle, { db }, await startTestApp(db, env));
  });
  afterAll(async () => {
    await handle.close?.();
    await handle.db?.close();
  });
  return handle;
}

export function bearer(user: TestUser): { authorization: string } {
  return { authorization: `Bearer ${user.token}` };
}
