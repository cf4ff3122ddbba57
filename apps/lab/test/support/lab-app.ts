import { randomBytes, randomUUID } from 'node:crypto';
import { postgresDatabase } from '@ours/platform/db';
import type { HttpApp } from '@ours/platform/http';
import { openTestDatabase } from '@ours/platform/testing';
import { afterAll, beforeAll, inject } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { envToConfig } from '../../src/config.ts';
import type { LabContext } from '../../src/context.ts';
import { createContext } from '../../src/create-context.ts';
import type { LabDatabase, LabSchema } from '../../src/db/lab-database.ts';
import { createUser } from '../../src/modules/accounts/accounts.service.ts';
import type { UserView } from '../../src/modules/accounts/users.repository.ts';
import { generateSigningKey } from '../../src/modules/audit/manifest-signer.ts';
import { defaultLabId } from '../../src/modules/sites/lab-scope.ts';
import { changeMembership, createLab } from '../../src/modules/sites/sites.service.ts';

/** A password every policy rule accepts. */
export const goodPassword = 'Lab-Bench-2026!';

/** The secrets a test lab runs with (fixed per process; never the data directory). */
export const testSecrets = {
  LAB_JWT_SECRET: 'lab-test-secret-that-is-long-enough-0123456789',
  LAB_SECRET_KEY: randomBytes(32).toString('base64'),
  LAB_SIGNING_KEY: generateSigningKey().privateKeyPem,
};

/** A clock tests can move (lockout expiry, TOTP steps). */
export interface TestClock {
  now(): Date;
  set(at: Date): void;
  advance(ms: number): void;
}

export function testClock(start = new Date()): TestClock {
  let offset = start.getTime() - Date.now();
  return {
    now: () => new Date(Date.now() + offset),
    set: (at) => {
      offset = at.getTime() - Date.now();
    },
    advance: (ms) => {
      offset += ms;
    },
  };
}

export interface LabTestApp {
  app: HttpApp;
  ctx: LabContext;
  db: LabDatabase;
  clock: TestClock;
  /** Creates an account directly (as the system) with the given roles. */
  user(
    roles: string[],
    overrides?: { email?: string; full_name?: string; password?: string },
  ): Promise<TestAccount>;
  /**
   * A new lab (code unique per call) and an account with `roles` that belongs to it only, not to
   * the main lab: for lab isolation tests.
   */
  outsider(roles: string[]): Promise<{ account: TestAccount; labId: string }>;
  /**
   * A second instance of the app on the same database, as another process would be: its own pool on
   * PostgreSQL (the embedded database has one connection, which it shares).
   */
  peer(): Promise<{ app: HttpApp; ctx: LabContext; close(): Promise<void> }>;
  /** Logs in through the API and returns the token pair. */
  login(email: string, password?: string): Promise<{ access_token: string; refresh_token: string }>;
  close(): Promise<void>;
}

export interface TestAccount extends UserView {
  password: string;
  token: string;
}

const system = { actor_id: null, actor_email: 'system:test', request_id: null, client_ip: null };

/** The real lab app on this file's own migrated database (PGlite or PostgreSQL, per project). */
export async function startLabApp(env: Record<string, string> = {}): Promise<LabTestApp> {
  const db = await openTestDatabase<LabSchema>(inject('labTemplate'), 'lab_app');
  const clock = testClock();
  const config = envToConfig({
    ...testSecrets,
    LOG_LEVEL: process.env.LAB_TEST_LOG_LEVEL ?? 'silent',
    LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
    // The test drives the app from its own process, where PGlite runs on the same thread: a long
    // query under a loaded machine stalls the loop past a second and load shedding refused the next
    // request (a flaky 503, once reported as a 500). Shedding is not under test here.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    ...env,
  });
  const ctx = await createContext(config, { db, now: clock.now });
  const app = await buildApp(ctx);
  await app.ready();
  const login = async (email: string, password = goodPassword) => {
    const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } });
    if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
    return response.json() as { access_token: string; refresh_token: string };
  };
  const handle: LabTestApp = {
    app,
    ctx,
    db,
    clock,
    login,
    user: async (roles, overrides = {}) => {
      const email = overrides.email ?? `user-${randomUUID().slice(0, 8)}@lab.test`;
      const password = overrides.password ?? goodPassword;
      const view = await db.transaction((tx) =>
        createUser(
          ctx,
          tx,
          { email, full_name: overrides.full_name ?? `Test ${email}`, password, roles },
          system,
        ),
      );
      return { ...view, password, token: (await login(email, password)).access_token };
    },
    outsider: async (roles) => {
      const account = await handle.user(roles);
      const lab = await createLab(
        ctx,
        { code: `OUT${randomUUID().slice(0, 8).toUpperCase()}`, name: 'Elsewhere' },
        system,
      );
      await changeMembership(
        ctx,
        { user_id: account.id, lab_id: lab.id, member: true, reason: null },
        system,
      );
      await changeMembership(
        ctx,
        { user_id: account.id, lab_id: defaultLabId, member: false, reason: 'other site' },
        system,
      );
      return { account, labId: lab.id };
    },
    peer: async () => {
      const own =
        db.connection.kind === 'postgres'
          ? postgresDatabase<LabSchema>(db.connection.url, 'lab_app', 3)
          : null;
      const peerCtx = await createContext(config, { db: own ?? db, now: clock.now });
      const peerApp = await buildApp(peerCtx);
      await peerApp.ready();
      return {
        app: peerApp,
        ctx: peerCtx,
        close: async () => {
          await peerApp.close();
          peerCtx.redis?.disconnect();
          await own?.close();
        },
      };
    },
    close: async () => {
      await app.close();
      ctx.redis?.disconnect();
      await db.close();
    },
  };
  return handle;
}

/** One lab app for the whole test file (created in beforeAll, closed in afterAll). */
export function useLabApp(env: Record<string, string> = {}): LabTestApp {
  const handle = {} as LabTestApp;
  beforeAll(async () => {
    Object.assign(handle, await startLabApp(env));
  });
  afterAll(async () => handle.close?.());
  return handle;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
