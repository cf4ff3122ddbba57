import { parseArgs } from 'node:util';
import type { CliCommand } from '@ours/platform/cli';
import { printReport, serviceBackupCommand, serviceRestoreCommand } from '@ours/platform/operations';
import { envToConfig, readEnv } from '../../config.ts';
import { backupCoach, restoreCoach } from './coach-backup.service.ts';
import { coachDoctor } from './coach-doctor.service.ts';

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'check this deployment: database, migrations, roles, secrets, clock, model endpoint, jobs',
  help: `Usage: npm run coach -- doctor [--json]
  Runs the operations checklist against the configured database (without migrating it) and prints
  one line per check: PASS, FAIL, WARN or SKIP, with a fix for anything not passing.
  --json   print { ok, checks: [{ name, status, detail, fix? }] } instead
  Exit code 1 when any check fails. On PostgreSQL it runs beside the server; on the embedded
  database stop the coach first (one process at a time can open it).`,
  run: async (args) => {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
    const env = readEnv();
    printReport(await coachDoctor(envToConfig(env), { env }), values.json ?? false);
  },
};

export const backupCommand: CliCommand = serviceBackupCommand({
  summary: 'write one archive: database dump and a manifest with SHA-256 and row counts',
  help: `Usage: npm run coach -- backup --out <file> [--json]
  Writes one tar archive (never over an existing file): the database (pg_dump --format=custom
  through DATABASE_ADMIN_URL on PostgreSQL; a copy of the embedded data directory otherwise, with
  its generated JWT secret) and manifest.json (SHA-256 and size of each part, schema version, rows
  per table). --json prints the manifest. On PostgreSQL it runs beside the server.`,
  backup: (out) => backupCoach(envToConfig(readEnv()), out),
});

export const restoreCommand: CliCommand = serviceRestoreCommand({
  summary: 'restore a backup into an empty database, then check every table against the manifest',
  help: `Usage: npm run coach -- restore --from <file> [--json]
  Checks every part of the archive against its manifest's SHA-256 first (a corrupted archive is
  refused before anything is written), refuses a database that is not empty, creates the roles the
  dump names if this cluster lacks them (authenticator, anon, authenticated, service_role; without
  passwords), restores, then checks the schema version and every table's row count against the
  manifest. Exit code 1, naming the reason, unless they all match.`,
  restore: (from) => restoreCoach(envToConfig(readEnv()), from),
});
