import { randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpApp } from '@ours/platform/http';
import { type ServiceInstance, startServiceCluster } from '@ours/platform/testing';
import { envToConfig } from '../../src/config.ts';
import type { LabContext } from '../../src/context.ts';
import { closeContext, createContext } from '../../src/create-context.ts';
import { createUser } from '../../src/modules/accounts/accounts.service.ts';
import { goodPassword, type TestAccount, testSecrets } from './lab-app.ts';

const cli = new URL('../../src/cli.ts', import.meta.url).pathname;
const system = { actor_id: null, actor_email: 'system:test', request_id: null, client_ip: null };

/**
 * A client address (sent as X-Forwarded-For), another each call, from a range no other test uses
 * (benchmarking, 198.18.0.0/15): per-IP budgets of different tests never mix.
 */
export const freshIp = () => `198.18.${randomInt(0, 256)}.${randomInt(1, 255)}`;

export interface LabCluster {
  instances: [ServiceInstance, ServiceInstance];
  /** An in-process context on the same database: it creates accounts and reads rows, never serves. */
  ctx: LabContext;
  /** The database as its owner (no row-level security): for counting what the instances wrote. */
  adminUrl: string;
  /** LAB_DATA_DIR of both instances: the shared volume their certificate files live on. */
  dataDir: string;
  /** Creates an account (as the system) and signs it in through `via`. */
  user(roles: string[], via?: ServiceInstance): Promise<TestAccount>;
  /** POST /auth/login through `via` from a fresh client address; the token pair. */
  login(
    via: ServiceInstance,
    email: string,
    password?: string,
  ): Promise<{ access_token: string; refresh_token: string }>;
  close(): Promise<void>;
}

/**
 * Two lab processes (`cli.ts serve`) started together on one new, empty PostgreSQL database, sharing what a
 * scaled-out deployment shares: the database, REDIS_URL, the secrets and the data directory (one
 * volume for the certificate files). They sit behind a proxy
 * (TRUST_PROXY=loopback), so each test chooses its client address with X-Forwarded-For.
 */
export async function startLabCluster(env: Record<string, string> = {}): Promise<LabCluster> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lab-instances-'));
  const cluster = await startServiceCluster({
    name: 'lab',
    script: cli,
    runtimeRole: 'lab_app',
    env: { LAB_DATA_DIR: dataDir, ...testSecrets, LAB_WEB_UI_DIR: '', ...env },
  }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  const { instances } = cluster;
  const ctx = await createContext(envToConfig({ ...cluster.env, LOG_LEVEL: 'silent' }));
  const login: LabCluster['login'] = async (via, email, password = goodPassword) => {
    const response = await fetch(`${via.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': freshIp() },
      body: JSON.stringify({ email, password }),
    });
    if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
    return (await response.json()) as { access_token: string; refresh_token: string };
  };
  return {
    instances,
    ctx,
    adminUrl: cluster.adminUrl,
    dataDir,
    login,
    user: async (roles, via = instances[0]) => {
      const email = `user-${randomUUID().slice(0, 8)}@lab.test`;
      const view = await ctx.db.transaction((tx) =>
        createUser(ctx, tx, { email, full_name: `Test ${email}`, password: goodPassword, roles }, system),
      );
      return { ...view, password: goodPassword, token: (await login(via, email)).access_token };
    },
    close: async () => {
      // The in-process context first (the instances are processes of their own), the database last.
      await closeContext(ctx);
      await cluster.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** What `app.inject` answers, enough for the run fixtures. */
interface InjectedReply {
  statusCode: number;
  body: string;
  json(): ReturnType<typeof JSON.parse>;
}

/**
 * The instance at `url()` behind the `inject` interface the run fixtures use, over real HTTP: the
 * same fixtures then drive a separate process.
 */
export function overHttp(url: () => string): HttpApp {
  const inject = async (request: {
    method: string;
    url: string;
    headers?: Record<string, string>;
    payload?: unknown;
  }): Promise<InjectedReply> => {
    const response = await fetch(`${url()}${request.url}`, {
      method: request.method,
      headers: {
        ...request.headers,
        'x-forwarded-for': freshIp(),
        ...(request.payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: request.payload === undefined ? undefined : JSON.stringify(request.payload),
    });
    const body = await response.text();
    return { statusCode: response.status, body, json: () => JSON.parse(body) };
  };
  return { inject } as unknown as HttpApp;
}
