import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPglite } from '@ours/platform/db';
import {
  type CheckReport,
  migrationStatus,
  migrationsOutcome,
  openInspection,
} from '@ours/platform/operations';
import { asDatabaseOwner, forcedRlsTables, operationsTestDatabase } from '@ours/platform/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { envToConfig, type LabConfig } from '../src/config.ts';
import { closeContext, createContext, migrationsDir } from '../src/create-context.ts';
import { ensureAdmin } from '../src/modules/accounts/setup.service.ts';
import { checkpointIfDue } from '../src/modules/audit/checkpoint.service.ts';
import { startLabJobs } from '../src/modules/jobs/lab-jobs.ts';
import { analysisServiceOutcome, labDoctor } from '../src/modules/operations/lab-doctor.service.ts';
import { labRlsTables } from '../src/modules/operations/lab-rls-tables.ts';
import { labSecretsOutcome } from '../src/modules/operations/lab-secrets.check.ts';
import { goodPassword, testSecrets } from './support/lab-app.ts';

const template = inject('labTemplate');
const system = { actor_id: null, actor_email: 'system:test', request_id: null, client_ip: null };
const cleanups: (() => Promise<unknown>)[] = [];
let scratch: string;
let env: Record<string, string>;
let config: LabConfig;

const doctor = (
  options: { fullAudit?: boolean; now?: () => Date; overrides?: Record<string, string> } = {},
) =>
  labDoctor(envToConfig({ ...env, ...options.overrides }), {
    env: {},
    fullAudit: options.fullAudit,
    now: options.now,
  });
const check = (report: CheckReport, name: string) => report.checks.find((result) => result.name === name);

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'lab-ops-doctor-'));
  const dataDir = join(scratch, 'lab');
  const database = await operationsTestDatabase(template, {
    dataDir,
    runtimeRole: 'lab_app',
    migrated: true,
  });
  cleanups.push(database.drop);
  env = { ...testSecrets, LAB_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...database.env };
  config = envToConfig(env);
  const ctx = await createContext(config);
  try {
    await ensureAdmin(ctx, { email: 'admin@lab.test', full_name: 'Admin', password: goodPassword }, system);
    await checkpointIfDue(ctx);
    // One more entry after the checkpoint, so the default verification has a segment to walk.
    await ensureAdmin(ctx, { email: 'second@lab.test', full_name: 'Second', password: goodPassword }, system);
    const jobs = await startLabJobs(ctx, pino({ level: 'silent' }), { workers: true });
    await jobs.stop();
  } finally {
    await closeContext(ctx);
  }
}, 90_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  await rm(scratch, { recursive: true, force: true });
});

describe('lab doctor', () => {
  it('passes every check on a healthy deployment (analysis skipped when not configured)', async () => {
    const report = await doctor();
    expect(report.checks.map((result) => [result.name, result.status])).toEqual([
      ['database', 'pass'],
      ['migrations', 'pass'],
      ['row-level security', 'pass'],
      ['runtime role', 'pass'],
      ['secrets', 'pass'],
      ['clock skew', 'pass'],
      ['audit chain', 'pass'],
      ['audit checkpoint', 'pass'],
      ['certificate store', 'pass'],
      ['analysis service', 'skip'],
      ['job schedules', 'pass'],
    ]);
    expect(report.ok).toBe(true);
    expect(check(report, 'audit chain')?.detail).toMatch(/on top of the checkpoint signed at entry \d+/);
    // Nothing printed or reported carries a secret.
    expect(JSON.stringify(report)).not.toContain(testSecrets.LAB_JWT_SECRET);
    expect(JSON.stringify(report)).not.toContain(testSecrets.LAB_SECRET_KEY);
  });

  it('lists exactly the tables the migrations put under forced row-level security', async () => {
    expect(await forcedRlsTables(config.database, 'lab_app')).toEqual([...labRlsTables].sort());
  });

  it('says which migrations are pending, unknown or changed (and never applies them)', async () => {
    const folder = join(scratch, 'migrations');
    await cp(migrationsDir, folder, { recursive: true });
    await writeFile(join(folder, '29990101T0000Z_future.sql'), 'SELECT 1;');
    const inspection = await openInspection(config.database, 'lab_app');
    try {
      const pending = await migrationStatus(inspection.admin, folder);
      expect(pending.pending).toEqual(['29990101T0000Z_future']);
      expect(migrationsOutcome(pending, 'lab')).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining('1 pending'),
      });
      await rm(join(folder, '29990101T0000Z_future.sql'));
      await rm(join(folder, '20261204T1340Z_sample_run_assignments.sql'));
      await writeFile(join(folder, '20261126T1700Z_audit_trail.sql'), '-- edited');
      const drifted = await migrationStatus(inspection.admin, folder);
      expect(drifted.unknown).toEqual(['20261204T1340Z_sample_run_assignments']);
      expect(drifted.changed).toEqual(['20261126T1700Z_audit_trail']);
      expect(migrationsOutcome(drifted, 'lab').status).toBe('fail');
    } finally {
      await inspection.close();
    }
  });

  it('fails a checkpoint older than LAB_CHECKPOINT_HOURS plus slack', async () => {
    const later = new Date(Date.now() + 25 * 3_600_000);
    const result = check(await doctor({ now: () => later }), 'audit checkpoint');
    expect(result).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('older than LAB_CHECKPOINT_HOURS=24'),
    });
    expect(result?.fix).toContain('npm run lab -- audit checkpoint');
  });

  it('checks the analysis service only when configured: reachable passes, down fails', async () => {
    const server: Server = createServer((request, response) => {
      response.writeHead(request.url === '/readyz' ? 200 : 404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const up = await analysisServiceOutcome(
        envToConfig({ ...env, LAB_ANALYSIS_URL: `http://127.0.0.1:${port}` }),
      );
      expect(up).toMatchObject({ status: 'pass', detail: expect.stringContaining('/readyz answered 200') });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const down = await analysisServiceOutcome(
      envToConfig({ ...env, LAB_ANALYSIS_URL: `http://127.0.0.1:${port}` }),
    );
    expect(down).toMatchObject({ status: 'fail', fix: expect.stringContaining('LAB_ANALYSIS_URL') });
  });

  it('finds weak, missing and shared secrets without printing them', async () => {
    const weak = await labSecretsOutcome(envToConfig({ ...env, LAB_JWT_SECRET: 'a'.repeat(40) }), {});
    expect(weak).toMatchObject({ status: 'fail', detail: expect.stringContaining('LAB_JWT_SECRET is weak') });
    expect(JSON.stringify(weak)).not.toContain('a'.repeat(40));
    const shared = await labSecretsOutcome(config, { JWT_SECRET: testSecrets.LAB_JWT_SECRET });
    expect(shared).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining("the coach's JWT_SECRET"),
    });
    const rsa = await labSecretsOutcome(
      envToConfig({
        ...env,
        LAB_SIGNING_KEY: (await import('node:crypto'))
          .generateKeyPairSync('rsa', { modulusLength: 1024 })
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
      }),
      {},
    );
    expect(rsa).toMatchObject({ status: 'fail', detail: expect.stringContaining('rsa key of 1024 bits') });
    const server = { ...env, DATABASE_URL: 'postgres://lab_app@127.0.0.1:1/none' };
    delete (server as Record<string, string | undefined>).LAB_SIGNING_KEY;
    const missing = await labSecretsOutcome(envToConfig(server), {});
    expect(missing).toMatchObject({ status: 'fail', detail: 'LAB_SIGNING_KEY is not set' });
  });

  it('finds damage done by hand: RLS no longer forced, an edited audit entry (after the checkpoint by default, anywhere with --full-audit)', async () => {
    const editEntry = (seq: string) => `ALTER TABLE public.audit_entries DISABLE TRIGGER USER;
        UPDATE public.audit_entries SET reason = 'edited afterwards' WHERE seq = ${seq};
        ALTER TABLE public.audit_entries ENABLE TRIGGER USER;`;
    await asDatabaseOwner(
      config.database,
      `ALTER TABLE public.samples NO FORCE ROW LEVEL SECURITY; ${editEntry('(SELECT seq FROM public.audit_head)')}`,
    );
    const report = await doctor();
    const rls = check(report, 'row-level security');
    expect(rls).toMatchObject({ status: 'fail', detail: expect.stringContaining('public.samples') });
    expect(rls?.fix).toContain('FORCE ROW LEVEL SECURITY');
    expect(check(report, 'audit chain')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('content does not match its hash'),
    });
    expect(report.ok).toBe(false);
    await asDatabaseOwner(
      config.database,
      `ALTER TABLE public.samples FORCE ROW LEVEL SECURITY; ${editEntry('1')}`,
    );
    const full = await doctor({ fullAudit: true });
    expect(check(full, 'row-level security')?.status).toBe('pass');
    expect(check(full, 'audit chain')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('broken at entry 1'),
    });
  });

  it('as a command: --json prints the report, and the exit code is 1 while a check fails', async () => {
    // The trail was edited by the test above, so the audit chain fails.
    const cli = new URL('../src/cli.ts', import.meta.url).pathname;
    const run = spawnSync(process.execPath, [cli, 'doctor', '--json', '--full-audit'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      cwd: scratch,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as CheckReport;
    expect(report.ok).toBe(false);
    expect(report.checks.find((result) => result.name === 'audit chain')).toMatchObject({
      status: 'fail',
      fix: expect.any(String),
    });
    expect(run.stdout).not.toContain(testSecrets.LAB_JWT_SECRET);
  }, 60_000);

  it('reports a database it cannot open, and skips what depends on it', async () => {
    let report: CheckReport;
    if (template.backend === 'pglite') {
      // The embedded database held by another process (here this one, as a running server would).
      const holder = await openPglite(config.database.dataDir);
      try {
        report = await doctor();
      } finally {
        await holder.close();
      }
      expect(check(report, 'database')).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining(`is open in process ${process.pid}, the running lab server`),
        fix: expect.stringContaining('/health'),
      });
    } else {
      report = await doctor({
        overrides: {
          DATABASE_URL: 'postgres://lab_app@127.0.0.1:1/lab',
          DATABASE_ADMIN_URL: 'postgres://postgres@127.0.0.1:1/lab',
        },
      });
      expect(check(report, 'database')).toMatchObject({
        status: 'fail',
        fix: expect.stringContaining('pg_isready'),
      });
    }
    expect(report.ok).toBe(false);
    expect(check(report, 'migrations')?.status).toBe('skip');
    expect(check(report, 'audit chain')?.status).toBe('skip');
    expect(check(report, 'secrets')?.status).toBe('pass');
  });

  it('does not create an embedded database where there is none', async () => {
    const empty = join(scratch, `nothing-${randomBytes(3).toString('hex')}`);
    const report = await labDoctor(envToConfig({ ...testSecrets, LAB_DATA_DIR: empty }), { env: {} });
    expect(check(report, 'database')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('there is no embedded database'),
    });
  });
});
