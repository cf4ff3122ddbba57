import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MigrationClient } from '../src/db/migrate.ts';
import {
  CheckFailure,
  clockSkewOutcome,
  fail,
  formatReport,
  libpqEnv,
  OperationError,
  openVerifiedArchive,
  pass,
  readTarIndex,
  requireToolFor,
  runChecks,
  skip,
  warn,
  writeBackupArchive,
} from '../src/operations/index.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'platform-ops-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('backup archives', () => {
  it('writes a standard tar that tar(1) lists and extracts, with a manifest of SHA-256 per part', async () => {
    const work = await mkdtemp(join(dir, 'work-'));
    const big = join(work, 'big.bin');
    await writeFile(big, Buffer.alloc(70_000, 7));
    const empty = join(work, 'empty');
    await writeFile(empty, '');
    const longName = `certificates/${'d'.repeat(40)}/${'f'.repeat(90)}.pdf`;
    const out = join(dir, 'one.tar');
    const manifest = await writeBackupArchive(
      out,
      work,
      [
        { name: 'database/x.dump', path: big },
        { name: 'empty', path: empty },
        { name: longName, path: big },
      ],
      {
        service: 'demo',
        created_at: new Date().toISOString(),
        schema_version: '1',
        database: { engine: 'postgresql', method: 'test', server_version: '15', dump_tool_version: null },
        tables: {},
        roles: [],
        service_state: {},
      },
    );
    expect(manifest.parts[0]).toEqual({
      name: 'database/x.dump',
      size: 70_000,
      sha256: execFileSync('sha256sum', [big], { encoding: 'utf8' }).split(' ')[0],
    });
    expect(execFileSync('tar', ['tf', out], { encoding: 'utf8' }).trim().split('\n')).toEqual([
      'manifest.json',
      'database/x.dump',
      'empty',
      longName,
    ]);
    const extracted = await mkdtemp(join(dir, 'x-'));
    execFileSync('tar', ['xf', out, '-C', extracted]);
    expect((await readFile(join(extracted, longName))).equals(await readFile(big))).toBe(true);
    const opened = await openVerifiedArchive(out, 'demo');
    expect(opened.parts).toEqual(['database/x.dump', 'empty', longName]);
    await expect(writeBackupArchive(out, work, [], { ...manifest })).rejects.toMatchObject({
      code: 'BACKUP_OUT_EXISTS',
    });
  });

  it('refuses a changed part, an added file, another service and a file that is not a tar', async () => {
    const out = join(dir, 'one.tar');
    const bytes = await readFile(out);
    const changed = Buffer.from(bytes);
    const at = (await readTarIndex(out)).find((entry) => entry.name === 'database/x.dump')?.offset ?? 0;
    changed[at + 10] = 8;
    await writeFile(join(dir, 'changed.tar'), changed);
    await expect(openVerifiedArchive(join(dir, 'changed.tar'), 'demo')).rejects.toMatchObject({
      code: 'ARCHIVE_CORRUPT',
      message: expect.stringContaining('database/x.dump does not match its SHA-256'),
    });
    await expect(openVerifiedArchive(out, 'lab')).rejects.toMatchObject({ code: 'ARCHIVE_WRONG_SERVICE' });
    await writeFile(join(dir, 'junk.tar'), Buffer.alloc(4096, 1));
    await expect(openVerifiedArchive(join(dir, 'junk.tar'), 'demo')).rejects.toBeInstanceOf(OperationError);
    const extra = join(dir, 'extra.tar');
    const added = join(dir, 'added');
    await writeFile(added, 'not in the manifest');
    execFileSync('cp', [out, extra]);
    execFileSync('tar', ['rf', extra, '-C', dir, 'added']);
    await expect(openVerifiedArchive(extra, 'demo')).rejects.toMatchObject({
      code: 'ARCHIVE_CORRUPT',
      message: expect.stringContaining('does not list: added'),
    });
  });
});

describe('check runner', () => {
  it('runs checks in order, fails a thrown or hung one, and is ok unless something failed', async () => {
    const report = await runChecks(
      [
        { name: 'fine', run: async () => pass('all good') },
        { name: 'meh', run: async () => warn('a little off', 'look at it') },
        { name: 'n/a', run: async () => skip('not configured') },
        {
          name: 'broken',
          run: async () => {
            throw new Error('connection reset');
          },
        },
        { name: 'hung', run: () => new Promise(() => {}) },
      ],
      { timeoutMs: 100 },
    );
    expect(report.checks.map((check) => [check.name, check.status])).toEqual([
      ['fine', 'pass'],
      ['meh', 'warn'],
      ['n/a', 'skip'],
      ['broken', 'fail'],
      ['hung', 'fail'],
    ]);
    expect(report.ok).toBe(false);
    expect(report.checks[3]).toMatchObject({ detail: 'connection reset', fix: expect.any(String) });
    expect(report.checks[4]?.detail).toContain('did not finish within 0.1 s');
    const text = formatReport(report);
    expect(text).toContain('WARN  meh     a little off');
    expect(text).toContain('fix: look at it');
    expect(text).toMatch(/FAILED: 1 passed, 2 failed, 1 warnings, 1 skipped$/);
    const explained = await runChecks([
      {
        name: 'x',
        run: async () => {
          throw new CheckFailure('may not read it', 'set DATABASE_ADMIN_URL');
        },
      },
    ]);
    expect(explained.checks[0]).toMatchObject({
      status: 'fail',
      detail: 'may not read it',
      fix: 'set DATABASE_ADMIN_URL',
    });
    expect((await runChecks([{ name: 'x', run: async () => warn('w', 'f') }])).ok).toBe(true);
    expect((await runChecks([{ name: 'x', run: async () => fail('d', 'f') }])).ok).toBe(false);
  });

  it('measures clock skew with the round trip taken out: warn over 1 s, fail over 30 s', async () => {
    const database = (offsetMs: number): MigrationClient => ({
      exec: async () => {},
      query: async <T>() => [{ ms: Date.now() + offsetMs }] as T[],
    });
    expect((await clockSkewOutcome(database(0))).status).toBe('pass');
    expect(await clockSkewOutcome(database(5_000))).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('ahead by 5'),
    });
    expect(await clockSkewOutcome(database(-45_000))).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('NTP'),
    });
  });
});

describe('PostgreSQL client tools', () => {
  it('passes the password through the environment, never the command line', () => {
    expect(libpqEnv('postgres://lab%40owner:s3cr%2Ft@db.example:6543/lab?sslmode=require')).toEqual({
      PGHOST: 'db.example',
      PGPORT: '6543',
      PGDATABASE: 'lab',
      PGUSER: 'lab@owner',
      PGPASSWORD: 's3cr/t',
      PGSSLMODE: 'require',
    });
  });

  it('says when pg_dump is missing or older than the server', async () => {
    await expect(requireToolFor('pg_dump_not_installed_here', 15)).rejects.toMatchObject({
      code: 'PG_TOOLS_MISSING',
    });
    await expect(requireToolFor('pg_dump', 99)).rejects.toMatchObject({
      code: 'PG_TOOLS_TOO_OLD',
      message: expect.stringContaining('install postgresql-client-99'),
    });
    await expect(requireToolFor('pg_dump', 10)).resolves.toContain('pg_dump (PostgreSQL)');
  });
});
