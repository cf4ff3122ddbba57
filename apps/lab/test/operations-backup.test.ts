import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OperationError, openVerifiedArchive } from '@ours/platform/operations';
import { asDatabaseOwner, operationsTestDatabase } from '@ours/platform/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { envToConfig, type LabConfig } from '../src/config.ts';
import { closeContext, createContext } from '../src/create-context.ts';
import { ensureAdmin } from '../src/modules/accounts/setup.service.ts';
import { checkpointIfDue } from '../src/modules/audit/checkpoint.service.ts';
import { ensureDemoData } from '../src/modules/demo/demo-data.service.ts';
import { backupLab } from '../src/modules/operations/lab-backup.service.ts';
import { restoreLab } from '../src/modules/operations/lab-restore.service.ts';
import { goodPassword, testSecrets } from './support/lab-app.ts';

const template = inject('labTemplate');
const system = { actor_id: null, actor_email: 'system:test', request_id: null, client_ip: null };
const cleanups: (() => Promise<unknown>)[] = [];
let scratch: string;

/** A lab location for this test: a migrated copy of the template, or (empty) a new database. */
async function labLocation(name: string, migrated: boolean): Promise<Record<string, string>> {
  const dataDir = join(scratch, name);
  const database = await operationsTestDatabase(template, { dataDir, runtimeRole: 'lab_app', migrated });
  cleanups.push(database.drop);
  return { ...testSecrets, LAB_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...database.env };
}

const certificateName = '0b2c8f44-7d3a-4e1f-9a55-3c1d2e4f5a6b.pdf';
let source: LabConfig;
let archive: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'lab-ops-backup-'));
  source = envToConfig(await labLocation('source', true));
  const ctx = await createContext(source);
  try {
    await ensureAdmin(ctx, { email: 'admin@lab.test', full_name: 'Admin', password: goodPassword }, system);
    await ensureDemoData(ctx);
    await checkpointIfDue(ctx);
  } finally {
    await closeContext(ctx);
  }
  await mkdir(join(source.dataDir, 'certificates'), { recursive: true });
  await writeFile(join(source.dataDir, 'certificates', certificateName), '%PDF-1.4 calibration certificate');
  archive = join(scratch, 'lab-backup.tar');
  await backupLab(source, archive);
}, 120_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  await rm(scratch, { recursive: true, force: true });
});

describe('lab backup and restore', () => {
  it('writes one archive whose manifest vouches for every part and the audit head', async () => {
    const { manifest } = await openVerifiedArchive<{ audit: { head: { seq: number } } }>(archive, 'lab');
    expect(manifest.service).toBe('lab');
    expect(manifest.database.engine).toBe(template.backend === 'pglite' ? 'pglite' : 'postgresql');
    expect(manifest.schema_version).toMatch(/^\d{8}T\d{4}Z_/);
    expect(manifest.parts.map((part) => part.name)).toContain(`certificates/${certificateName}`);
    expect(manifest.tables['public.samples']).toBeGreaterThanOrEqual(300);
    expect(manifest.service_state.audit.head.seq).toBeGreaterThan(100);
    expect(manifest.roles.map((role) => role.name)).toContain('lab_app');
    await expect(backupLab(source, archive)).rejects.toMatchObject({ code: 'BACKUP_OUT_EXISTS' });
  });

  it('restores the demo data into an empty database and verifies chain, checkpoints, counts and files', async () => {
    const target = envToConfig(await labLocation('target', false));
    const result = await restoreLab(target, archive);
    console.info(`restore of the demo data set (${template.backend}): ${result.ms} ms`);
    expect(result.report.checks.filter((check) => check.status !== 'pass')).toEqual([]);
    expect(result.report.checks.map((check) => check.name)).toEqual([
      'schema version',
      'row counts',
      'audit chain',
      'audit head',
      'audit checkpoints',
      'certificate files',
    ]);
    expect(await readFile(join(target.dataDir, 'certificates', certificateName), 'utf8')).toContain('%PDF');
    // A second restore into the same (now full) database is refused before it writes anything.
    await expect(restoreLab(target, archive)).rejects.toMatchObject({ code: 'RESTORE_TARGET_NOT_EMPTY' });
  }, 120_000);

  it('refuses a corrupted archive before writing anything', async () => {
    const corrupted = join(scratch, 'corrupted.tar');
    const bytes = await readFile(archive);
    const at = bytes.indexOf(Buffer.from('%PDF-1.4 calibration'));
    bytes[at + 3] = (bytes[at + 3] ?? 0) ^ 0xff;
    await writeFile(corrupted, bytes);
    const target = envToConfig(await labLocation('corrupted-target', false));
    const refusal = await restoreLab(target, corrupted).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OperationError);
    expect(refusal).toMatchObject({
      code: 'ARCHIVE_CORRUPT',
      message: expect.stringContaining(`certificates/${certificateName}`),
    });
    expect(await readdir(target.dataDir)).toEqual([]);
    const truncated = join(scratch, 'truncated.tar');
    await writeFile(truncated, bytes.subarray(0, 2000));
    await expect(restoreLab(target, truncated)).rejects.toMatchObject({ code: 'ARCHIVE_CORRUPT' });
    await expect(restoreLab(target, join(scratch, 'missing.tar'))).rejects.toMatchObject({
      code: 'ARCHIVE_UNREADABLE',
    });
  });

  it('refuses a restore under another LAB_SECRET_KEY, which could not verify the seals', async () => {
    const target = envToConfig({
      ...(await labLocation('other-key', false)),
      LAB_SECRET_KEY: randomBytes(32).toString('base64'),
    });
    await expect(restoreLab(target, archive)).rejects.toMatchObject({ code: 'RESTORE_SECRET_KEY_MISMATCH' });
  });

  it('fails the restore of an archive whose audit trail was tampered with', async () => {
    await asDatabaseOwner(
      source.database,
      `ALTER TABLE public.audit_entries DISABLE TRIGGER USER;
       UPDATE public.audit_entries SET reason = 'edited afterwards' WHERE seq = 5;
       ALTER TABLE public.audit_entries ENABLE TRIGGER USER;`,
    );
    const tampered = join(scratch, 'tampered.tar');
    await backupLab(source, tampered);
    const target = envToConfig(await labLocation('tampered-target', false));
    const result = await restoreLab(target, tampered);
    expect(result.report.ok).toBe(false);
    expect(result.report.checks.find((check) => check.name === 'audit chain')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('broken at entry 5'),
    });
  }, 120_000);
});
