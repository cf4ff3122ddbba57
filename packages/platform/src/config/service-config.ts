import { type Env, envInt, envList, envStr, envUrl } from './env.ts';
import { envTrustProxy } from './trust-proxy.ts';

/** How a service listens: the same variables for every service, each with its own defaults. */
export interface HttpConfig {
  host: string;
  port: number;
  logLevel: string;
  allowedOrigins: string[];
  trustProxy: boolean | string;
  /** Load shedding: 503 once the event loop lags this long (0: never). */
  maxEventLoopDelayMs: number;
}

/** Where a service's data lives: a PostgreSQL server when `url` is set, else PGlite in `dataDir`. */
export interface DatabaseConfig {
  url: string | undefined;
  adminUrl: string | undefined;
  poolSize: number;
  dataDir: string;
}

/** HOST, PORT, LOG_LEVEL, ALLOWED_ORIGINS, TRUST_PROXY and MAX_EVENT_LOOP_DELAY_MS, checked. */
export function httpConfigFromEnv(
  env: Env,
  defaults: { port: number; allowedOrigins: string[] },
): HttpConfig {
  return {
    host: envStr(env, 'HOST') ?? '127.0.0.1',
    port: envInt(env, 'PORT', { min: 0, max: 65535 }) ?? defaults.port,
    logLevel: envStr(env, 'LOG_LEVEL') ?? 'info',
    allowedOrigins: envList(env, 'ALLOWED_ORIGINS') ?? defaults.allowedOrigins,
    trustProxy: envTrustProxy(env),
    maxEventLoopDelayMs: envInt(env, 'MAX_EVENT_LOOP_DELAY_MS', { min: 0, max: 60_000 }) ?? 2_000,
  };
}

/** DATABASE_URL, DATABASE_ADMIN_URL and DATABASE_POOL_SIZE, checked; PGlite's files under `dataDir`. */
export function databaseConfigFromEnv(env: Env, dataDir: string): DatabaseConfig {
  return {
    url: envUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    adminUrl: envUrl(env, 'DATABASE_ADMIN_URL', ['postgres:', 'postgresql:']),
    poolSize: envInt(env, 'DATABASE_POOL_SIZE', { min: 1, max: 200 }) ?? 10,
    dataDir: `${dataDir}/pgdata`,
  };
}
