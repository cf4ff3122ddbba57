import { randomBytes, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpApp } from '@ours/platform/http';
import { testAdminUrl } from '@ours/platform/testing';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { envToConfig } from '../src/config.ts';
import type { AppContext } from '../src/context.ts';
import { closeContext, createContext, migrationsDir } from '../src/create-context.ts';
import { startJobEngine } from '../src/modules/jobs/job-engine.ts';
import { supabaseDatabaseSql, supabaseOwner, supabaseRolesSql } from './support/supabase-shape.ts';

// A database of its own, created and shaped here: PostgreSQL only (roles and owners are the point).
const onServer = process.env.TEST_DB === 'postgres';

const ref = 'abcdefghijklmnopqrst';
const issuer = `https://${ref}.supabase.co/auth/v1`;
const legacySecret = randomBytes(48).toString('base64');

function urlFor(database: string, user: string): string {
  const url = new URL(testAdminUrl());
  url.pathname = `/${database}`;
  url.username = user;
  url.password = '';
  return url.toString();
}

/** An access token as Supabase Auth issues it (claims of a signed-in user). */
function supabaseClaims(user: { id: string; email: string }, overrides: Record<string, unknown> = {}) {
  return {
    iss: issuer,
    sub: user.id,
    aud: 'authenticated',
    email: user.email,
    phone: '',
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: {},
    role: 'authenticated',
    aal: 'aal1',
    amr: [{ method: 'password', timestamp: Math.floor(Date.now() / 1000) }],
    session_id: randomUUID(),
    is_anonymous: false,
    ...overrides,
  };
}
const signLegacy = (claims: Record<string, unknown>) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(legacySecret));

describe.runIf(onServer)('the coach on a Supabase-shaped database', () => {
  const name = `coach_supabase_${randomBytes(4).toString('hex')}`;
  const alice = { id: randomUUID(), email: 'alice@example.com' };
  const bob = { id: randomUUID(), email: 'bob@example.com' };
  let superuser: pg.Client;
  let ctx: AppContext;
  let app: HttpApp;

  beforeAll(async () => {
    const cluster = new pg.Client({ connectionString: testAdminUrl() });
    await cluster.connect();
    try {
      await cluster.query(supabaseRolesSql);
      await cluster.query(`CREATE DATABASE ${name}`);
    } finally {
      await cluster.end();
    }
    superuser = new pg.Client({ connectionString: urlFor(name, new URL(testAdminUrl()).username) });
    await superuser.connect();
    await superuser.query(supabaseDatabaseSql(name));
    // Users exist because Supabase Auth signed them up, not because the coach saw them.
    await superuser.query(
      `INSERT INTO auth.users (id, aud, role, email, created_at) VALUES ($1, 'authenticated', 'authenticated', $2, now()), ($3, 'authenticated', 'authenticated', $4, now())`,
      [alice.id, alice.email, bob.id, bob.email],
    );
    // The normal start path: migrations at start through DATABASE_ADMIN_URL, then the runtime pool.
    const ownerUrl = urlFor(name, supabaseOwner);
    ctx = await createContext(
      envToConfig({
        DATABASE_URL: ownerUrl,
        DATABASE_ADMIN_URL: ownerUrl,
        JWT_SECRET: legacySecret,
        JWT_ISSUER: issuer,
        LOG_LEVEL: 'silent',
        MAX_EVENT_LOOP_DELAY_MS: '0',
      }),
    );
    app = await buildApp(ctx);
    await app.ready();
    // As the server does: the job queue installs its tables as the runtime login.
    ctx.jobs = await startJobEngine(ctx, pino({ level: 'silent' }), { workers: false });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    if (ctx) await closeContext(ctx);
    await superuser?.end();
    const cluster = new pg.Client({ connectionString: testAdminUrl() });
    await cluster.connect();
    await cluster.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => cluster.end());
  });

  it('applies every migration as an owner that is not a superuser, leaving Supabase Auth alone', async () => {
    const files = (await readdir(migrationsDir)).filter((file) => file.endsWith('.sql'));
    const applied = await superuser.query('SELECT count(*)::int AS n FROM public.schema_migrations');
    expect(applied.rows[0].n).toBe(files.length);
    const owner = await superuser.query(
      `SELECT r.rolname, r.rolsuper FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE c.oid = 'public.mood_logs'::regclass`,
    );
    expect(owner.rows[0]).toEqual({ rolname: supabaseOwner, rolsuper: false });
    // Supabase Auth's table and functions are still its own: the coach registers nobody.
    expect(ctx.managesAuthUsers).toBe(false);
    const auth = await superuser.query(
      `SELECT pg_get_userbyid(proowner) AS owner, prosrc FROM pg_proc WHERE oid = 'auth.uid()'::regprocedure`,
    );
    expect(auth.rows[0].owner).toBe('supabase_auth_admin');
    expect(auth.rows[0].prosrc).toContain('request.jwt.claim.sub');
  });

  it("keeps each user to their own rows through Supabase's Data API path", async () => {
    const api = new pg.Client({ connectionString: urlFor(name, 'authenticator') });
    await api.connect();
    // What PostgREST does per request: switch role and set the verified claims, transaction-locally.
    const asRequest = async (
      role: string,
      claims: object | null,
      statement: string,
      params: unknown[] = [],
    ) => {
      await api.query('BEGIN');
      try {
        await api.query(`SELECT set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [
          role,
          claims ? JSON.stringify(claims) : '',
        ]);
        return (await api.query(statement, params)).rows;
      } finally {
        await api.query('ROLLBACK');
      }
    };
    try {
      await superuser.query(
        'INSERT INTO public.mood_logs (user_id, mood, stress) VALUES ($1, 4, 8), ($2, 7, 3)',
        [alice.id, bob.id],
      );
      const mine = await asRequest(
        'authenticated',
        supabaseClaims(alice),
        'SELECT user_id FROM public.mood_logs',
      );
      expect(mine).toEqual([{ user_id: alice.id }]);
      const jwt = await asRequest(
        'authenticated',
        supabaseClaims(bob),
        'SELECT auth.uid() AS uid, auth.jwt() ->> $1 AS aal',
        ['aal'],
      );
      expect(jwt).toEqual([{ uid: bob.id, aal: 'aal1' }]);
      await expect(
        asRequest(
          'authenticated',
          supabaseClaims(bob),
          'INSERT INTO public.mood_logs (user_id, mood, stress) VALUES ($1, 5, 5)',
          [alice.id],
        ),
      ).rejects.toThrow(/row-level security/);
      // Supabase's default privileges would have handed these out; the migrations take them back.
      await expect(asRequest('anon', null, 'SELECT * FROM public.mood_logs')).rejects.toThrow(
        /permission denied/,
      );
      await expect(asRequest('anon', null, 'SELECT * FROM public.schema_migrations')).rejects.toThrow(
        /permission denied/,
      );
      await expect(
        asRequest('authenticated', supabaseClaims(alice), 'TRUNCATE public.ai_coach_logs'),
      ).rejects.toThrow(/permission denied/);
      await expect(
        asRequest(
          'authenticated',
          supabaseClaims(alice),
          `UPDATE public.coach_notifications SET message = 'x'`,
        ),
      ).rejects.toThrow(/permission denied/);
    } finally {
      await api.end();
    }
  });

  it("accepts tokens signed with the project's legacy JWT secret and serves only the caller's data", async () => {
    const token = await signLegacy(supabaseClaims(alice));
    const created = await app.inject({
      method: 'POST',
      url: '/mood-logs',
      headers: { authorization: `Bearer ${token}` },
      payload: { mood: 6, stress: 4, notes: 'walked to work' },
    });
    expect(created.statusCode).toBe(201);
    const bobs = await app.inject({
      method: 'GET',
      url: '/mood-logs',
      headers: { authorization: `Bearer ${await signLegacy(supabaseClaims(bob))}` },
    });
    expect(bobs.statusCode).toBe(200);
    expect(bobs.body).not.toContain(created.json().id);
    const otherProject = await signLegacy(
      supabaseClaims(alice, { iss: 'https://zzzzzzzzzzzzzzzzzzzz.supabase.co/auth/v1' }),
    );
    const refused = await app.inject({
      method: 'GET',
      url: '/mood-logs',
      headers: { authorization: `Bearer ${otherProject}` },
    });
    expect(refused.statusCode).toBe(401);
  });

  it('lets a service-role token with the configured issuer reach the admin routes', async () => {
    const admin = (claims: Record<string, unknown>) =>
      signLegacy(claims).then((token) =>
        app.inject({ method: 'GET', url: '/admin/jobs', headers: { authorization: `Bearer ${token}` } }),
      );
    expect((await admin({ iss: issuer, role: 'service_role' })).statusCode).toBe(200);
    const token = await signLegacy({ iss: issuer, role: 'service_role' });
    const queued = await app.inject({
      method: 'POST',
      url: '/admin/jobs/check-user-status/run',
      headers: { authorization: `Bearer ${token}` },
      payload: {},
    });
    expect(queued.statusCode).toBe(202);
    const jobs = await superuser.query(
      `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'check-user-status'`,
    );
    expect(jobs.rows[0].n).toBe(1);
    // The project's own service_role key says iss "supabase", not the auth URL: accepted too...
    expect((await admin({ iss: 'supabase', ref, role: 'service_role' })).statusCode).toBe(200);
    // ...but no other issuer, and no user token, however it is signed.
    expect((await admin({ iss: 'https://evil.example/auth/v1', role: 'service_role' })).statusCode).toBe(401);
    expect((await admin({ iss: 'supabase', role: 'authenticated' })).statusCode).toBe(403);
  });

  describe("the project's JWKS (asymmetric signing keys)", () => {
    let jwksServer: Server;
    let keys: JWK[] = [];
    let jwksApp: HttpApp;

    beforeAll(async () => {
      jwksServer = createServer((request, response) => {
        if (request.url !== '/auth/v1/.well-known/jwks.json') {
          response.writeHead(404).end();
          return;
        }
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ keys }));
      });
      await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
      const { port } = jwksServer.address() as AddressInfo;
      const jwksCtx = await createContext(
        envToConfig({
          DATABASE_URL: urlFor(name, supabaseOwner),
          JWKS_URL: `http://127.0.0.1:${port}/auth/v1/.well-known/jwks.json`,
          JWT_ISSUER: issuer,
          LOG_LEVEL: 'silent',
          MAX_EVENT_LOOP_DELAY_MS: '0',
        }),
        { db: ctx.db },
      );
      jwksApp = await buildApp(jwksCtx);
      await jwksApp.ready();
    });
    afterAll(async () => {
      await jwksApp?.close();
      await new Promise((resolve) => jwksServer?.close(resolve));
    });

    it('verifies ES256 tokens by key id and refuses the legacy secret it was not given', async () => {
      const pair = await generateKeyPair('ES256', { extractable: true });
      const kid = randomUUID();
      keys = [{ ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig', key_ops: ['verify'] }];
      const token = await new SignJWT(supabaseClaims(bob))
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(pair.privateKey);
      const response = await jwksApp.inject({
        method: 'GET',
        url: '/mood-logs',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode).toBe(200);
      const legacy = await signLegacy(supabaseClaims(bob));
      const refused = await jwksApp.inject({
        method: 'GET',
        url: '/mood-logs',
        headers: { authorization: `Bearer ${legacy}` },
      });
      expect(refused.statusCode).toBe(401);
    });
  });
});
