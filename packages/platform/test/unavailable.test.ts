import { randomBytes } from 'node:crypto';
import underPressure from '@fastify/under-pressure';
import Fastify from 'fastify';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresDatabase } from '../src/db/postgres-database.ts';
import { createHttpApp } from '../src/http/create-http-app.ts';
import { handleError, toAppError } from '../src/http/error-handler.ts';
import { testAdminUrl } from '../src/testing/test-database.ts';

const onServer = process.env.TEST_DB === 'postgres';
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function withUser(url: string, user: string, database?: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = '';
  if (database) parsed.pathname = `/${database}`;
  return parsed.toString();
}

describe('load shedding', () => {
  it('answers 503 server_busy with Retry-After, not 500, when under-pressure refuses a request', async () => {
    const app = Fastify();
    app.setErrorHandler(handleError);
    // A failing external health check puts under-pressure in its refusing state without any timing.
    await app.register(underPressure, { healthCheck: async () => false, healthCheckInterval: 60_000 });
    app.get('/work', async () => ({ ok: true }));
    const response = await app.inject({ method: 'GET', url: '/work' });
    await app.close();
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('server_busy');
    expect(response.headers['retry-after']).toBe('5');
  });
  it('sheds /health too with a 503 server_busy body (the probe route declares both 503 shapes)', async () => {
    const app = await createHttpApp({
      service: { name: 'shedding-test', version: '0', description: 'test' },
      logLevel: 'silent',
      allowedOrigins: [],
      trustProxy: false,
      anonymousPerMinute: 1000,
      maxEventLoopDelayMs: 20,
      health: {},
      logStream: { write: () => {} },
    });
    cleanups.push(() => app.close());
    let response = await app.inject({ method: 'GET', url: '/health' });
    // Block the event loop well past the limit, until under-pressure's next sample sees it.
    for (let attempt = 0; attempt < 10 && response.statusCode === 200; attempt += 1) {
      const until = Date.now() + 300;
      while (Date.now() < until) {}
      await new Promise((resolve) => setTimeout(resolve, 100));
      response = await app.inject({ method: 'GET', url: '/health' });
    }
    expect(response.statusCode, response.body).toBe(503);
    expect(response.json().error.code).toBe('server_busy');
  }, 20_000);
});

describe.runIf(onServer)('a saturated or unreachable database', () => {
  it('answers 503 database_unavailable with Retry-After when the pool has no free client', async () => {
    // One client, held by a transaction for the whole request: the request waits out the pool's
    // connection timeout, as every request does when the pool is saturated.
    const db = postgresDatabase(withUser(testAdminUrl(), 'authenticator'), 'authenticator', 1);
    cleanups.push(() => db.close());
    const app = await createHttpApp({
      service: { name: 'unavailable-test', version: '0', description: 'test' },
      logLevel: 'silent',
      allowedOrigins: [],
      trustProxy: false,
      anonymousPerMinute: 1000,
      health: {},
      logStream: { write: () => {} },
    });
    app.get('/probe', async () => {
      await db.ping();
      return { ok: true };
    });
    cleanups.push(() => app.close());
    const response = await db.transaction(async () => app.inject({ method: 'GET', url: '/probe' }));
    expect(response.statusCode, response.body).toBe(503);
    expect(response.json().error).toMatchObject({ code: 'database_unavailable' });
    expect(response.headers['retry-after']).toBe('5');
  }, 20_000);

  it('maps the pool timeout, "too many connections" and a refused connection to 503', async () => {
    const pool = new pg.Pool({ connectionString: testAdminUrl(), max: 1, connectionTimeoutMillis: 50 });
    cleanups.push(() => pool.end());
    const held = await pool.connect();
    const poolTimeout = await pool.query('select 1').catch((error: unknown) => error);
    held.release();

    // A database that admits no one but superusers: PostgreSQL refuses with 53300.
    const name = `unavailable_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: testAdminUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} CONNECTION LIMIT 0`);
    cleanups.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    });
    const refusedByLimit = new pg.Client({
      connectionString: withUser(testAdminUrl(), 'authenticator', name),
    });
    const tooMany = await refusedByLimit.connect().catch((error: unknown) => error);
    expect(tooMany).toMatchObject({ code: '53300' });

    const nobodyListening = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:1/postgres' });
    const refused = await nobodyListening.connect().catch((error: unknown) => error);

    for (const error of [poolTimeout, tooMany, refused]) {
      expect(error).toBeInstanceOf(Error);
      expect(toAppError(error)).toMatchObject({
        statusCode: 503,
        code: 'database_unavailable',
        headers: { 'retry-after': '5' },
      });
    }
  });

  it('still answers 500 for a database error that is not about capacity', async () => {
    const pool = new pg.Pool({ connectionString: testAdminUrl(), max: 1 });
    cleanups.push(() => pool.end());
    const error = await pool.query('select * from no_such_table').catch((caught: unknown) => caught);
    expect(toAppError(error)).toMatchObject({ statusCode: 500, code: 'internal_error' });
  });
});
