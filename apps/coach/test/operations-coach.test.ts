import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractTarEntry, openInspection, readTarIndex, writeTar } from '@ours/platform/operations';
import { forcedRlsTables, operationsTestDatabase } from '@ours/platform/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type CoachConfig, envToConfig } from '../src/config.ts';
import type { CoachSchema } from '../src/db/coach-database.ts';
import { backupCoach, restoreCoach } from '../src/modules/operations/coach-backup.service.ts';
import { modelEndpointOutcome } from '../src/modules/operations/coach-checks.ts';
import { coachDoctor } from '../src/modules/operations/coach-doctor.service.ts';
import { coachRlsTables } from '../src/modules/operations/coach-rls-tables.ts';
import { seedCoachData } from './support/factories.ts';
import { testJwtSecret } from './support/test-app.ts';

const template = inject('coachTemplate');
const cleanups: (() => Promise<unknown>)[] = [];
let scratch: string;
let source: CoachConfig;
let archive: string;

/** A coach location: a migrated copy of the template, or a new empty database. */
async function coachLocation(name: string, migrated: boolean): Promise<Record<string, string>> {
  const dataDir = join(scratch, name);
  const database = await operationsTestDatabase(template, {
    dataDir,
    runtimeRole: 'authenticator',
    migrated,
  });
  cleanups.push(database.drop);
  return { JWT_SECRET: testJwtSecret, COACH_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...database.env };
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'coach-ops-'));
  source = envToConfig(await coachLocation('source', true));
  const inspection = await openInspection(source.database, 'authenticator');
  try {
    const db = await inspection.runtimeDatabase<CoachSchema>();
    for (const email of ['one@coach.test', 'two@coach.test']) await seedCoachData(db, randomUUID(), email);
  } finally {
    await inspection.close();
  }
  archive = join(scratch, 'coach.tar');
  await backupCoach(source, archive);
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  await rm(scratch, { recursive: true, force: true });
});

describe('coach doctor', () => {
  it('checks database, migrations, row-level security, roles, secrets and clock; jobs fail until the coach has run', async () => {
    const report = await coachDoctor(source, { env: {} });
    expect(Object.fromEntries(report.checks.map((check) => [check.name, check.status]))).toEqual({
      database: 'pass',
      migrations: 'pass',
      'row-level security': 'pass',
      'runtime role': 'pass',
      secrets: 'pass',
      'clock skew': 'pass',
      'model endpoint': 'skip',
      'job schedules': 'fail',
    });
    expect(report.ok).toBe(false);
    expect(JSON.stringify(report)).not.toContain(testJwtSecret);
  });

  it('lists exactly the tables the migrations put under forced row-level security', async () => {
    expect(await forcedRlsTables(source.database, 'authenticator')).toEqual([...coachRlsTables].sort());
  });

  it('reaches the model endpoint with the key (never printed): served, refused, down', async () => {
    const key = `sk-test-${randomBytes(8).toString('hex')}`;
    const server: Server = createServer((request, response) => {
      const ok = request.headers.authorization === `Bearer ${key}`;
      response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify(ok ? { data: [{ id: 'gpt-4o' }, { id: 'gpt-4o-mini' }] } : { error: 'no' }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    try {
      const served = await modelEndpointOutcome(envToConfig({ OPENAI_BASE_URL: base, OPENAI_API_KEY: key }));
      expect(served).toMatchObject({ status: 'pass', detail: expect.stringContaining('serves gpt-4o') });
      const other = await modelEndpointOutcome(
        envToConfig({ OPENAI_BASE_URL: base, OPENAI_API_KEY: key, OPENAI_MODEL: 'llama3' }),
      );
      expect(other.status).toBe('warn');
      const refused = await modelEndpointOutcome(
        envToConfig({ OPENAI_BASE_URL: base, OPENAI_API_KEY: 'sk-wrong' }),
      );
      expect(refused).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining('the key was refused'),
      });
      expect(JSON.stringify([served, other, refused])).not.toContain(key);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const down = await modelEndpointOutcome(envToConfig({ OPENAI_BASE_URL: base, OPENAI_API_KEY: key }));
    expect(down).toMatchObject({ status: 'fail', fix: expect.stringContaining('OPENAI_BASE_URL') });
  });
});

describe('coach backup and restore', () => {
  it('restores into an empty database and matches every table count; a full one is refused', async () => {
    const target = envToConfig(await coachLocation('target', false));
    const result = await restoreCoach(target, archive);
    expect(result.report.checks).toMatchObject([
      { name: 'schema version', status: 'pass' },
      { name: 'row counts', status: 'pass' },
    ]);
    expect(result.report.ok).toBe(true);
    await expect(restoreCoach(target, archive)).rejects.toMatchObject({ code: 'RESTORE_TARGET_NOT_EMPTY' });
  }, 60_000);

  it('refuses an archive of the other service, and a corrupted one, before writing anything', async () => {
    const target = envToConfig(await coachLocation('refused', false));
    const bytes = await readFile(archive);
    bytes[bytes.length - 2048] = (bytes[bytes.length - 2048] ?? 0) ^ 0xff;
    const corrupted = join(scratch, 'corrupted.tar');
    await writeFile(corrupted, bytes);
    await expect(restoreCoach(target, corrupted)).rejects.toMatchObject({ code: 'ARCHIVE_CORRUPT' });
    const lab = join(scratch, 'lab.tar');
    await rewriteManifest(lab, (manifest) => ({ ...manifest, service: 'lab' }));
    await expect(restoreCoach(target, lab)).rejects.toMatchObject({ code: 'ARCHIVE_WRONG_SERVICE' });
  });

  it('fails the restore when a table does not hold the rows the manifest says', async () => {
    const edited = join(scratch, 'edited.tar');
    await rewriteManifest(edited, (manifest) => ({
      ...manifest,
      tables: { ...(manifest.tables as object), 'public.mood_logs': 999 },
    }));
    const target = envToConfig(await coachLocation('counts', false));
    const result = await restoreCoach(target, edited);
    expect(result.report.ok).toBe(false);
    expect(result.report.checks[1]).toMatchObject({
      name: 'row counts',
      status: 'fail',
      detail: expect.stringContaining('public.mood_logs'),
    });
  }, 60_000);
});

/** Rebuilds the backup with its manifest changed (the parts stay as they are). */
async function rewriteManifest(
  out: string,
  change: (manifest: Record<string, unknown>) => Record<string, unknown>,
) {
  const dir = await mkdtemp(join(scratch, 'rewrite-'));
  const entries = await readTarIndex(archive);
  const sources = [];
  for (const [index, entry] of entries.entries()) {
    const path = join(dir, String(index));
    await extractTarEntry(archive, entry, path);
    if (entry.name === 'manifest.json') {
      await writeFile(path, JSON.stringify(change(JSON.parse(await readFile(path, 'utf8')))), { flag: 'w' });
    }
    sources.push({ name: entry.name, path });
  }
  await writeTar(out, sources);
}
