import { parseArgs } from 'node:util';
import { type CliCommand, promptHidden, UsageError } from '@ours/platform/cli';
import { printReport, serviceBackupCommand, serviceRestoreCommand } from '@ours/platform/operations';
import { envToConfig, readEnv } from '../../config.ts';
import { backupLab } from './lab-backup.service.ts';
import { labDoctor } from './lab-doctor.service.ts';
import { restoreLab } from './lab-restore.service.ts';
import { verifyDeployment } from './verify-deployment.service.ts';

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'check this deployment: database, migrations, roles, secrets, clock, audit trail, storage, jobs',
  help: `Usage: npm run lab -- doctor [--json] [--full-audit]
  Runs the post-deployment checklist against the configured database (without migrating it) and
  prints one line per check: PASS, FAIL, WARN or SKIP, with a fix for anything not passing.
  --json         print { ok, checks: [{ name, status, detail, fix? }] } instead
  --full-audit   walk the audit chain from genesis (default: from the last signed checkpoint)
  Exit code 1 when any check fails. On PostgreSQL it runs beside the server; on the embedded
  database stop the server first (one process at a time can open it).`,
  run: async (args) => {
    const { values } = parseArgs({
      args,
      options: {
        json: { type: 'boolean', default: false },
        'full-audit': { type: 'boolean', default: false },
      },
    });
    const env = readEnv();
    const report = await labDoctor(envToConfig(env), { env, fullAudit: values['full-audit'] });
    printReport(report, values.json ?? false);
  },
};

export const verifyDeploymentCommand: CliCommand = {
  name: 'verify-deployment',
  summary: 'verify a running lab over HTTP: health, docs, UI, headers, sign-in, audit trail',
  help: `Usage: npm run lab -- verify-deployment --url <base url> --email <e-mail> [--totp-secret <base32>] [--json]
  Checks a deployed lab from outside, over HTTP only: GET /health, /docs and /docs/json, the web UI
  at /, its security headers (CSP, nosniff, HSTS over https), a sign-in with the account (the
  password from LAB_VERIFY_PASSWORD, or a hidden prompt; MFA with --totp-secret or LAB_VERIFY_TOTP),
  the audit trail read and verified (the account needs audit:read), then a sign-out.
  Exit code 1 when any step fails.`,
  run: async (args) => {
    const { values } = parseArgs({
      args,
      options: {
        url: { type: 'string' },
        email: { type: 'string' },
        'totp-secret': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    if (!values.url || !/^https?:\/\//.test(values.url))
      throw new UsageError('--url <http(s)://...> is required');
    if (!values.email || !/^[^@\s]+@[^@\s]+$/.test(values.email))
      throw new UsageError('--email <e-mail> is required');
    const password =
      process.env.LAB_VERIFY_PASSWORD ?? (await promptHidden(`Password for ${values.email}: `));
    const report = await verifyDeployment({
      url: values.url,
      email: values.email,
      password,
      totpSecret: values['totp-secret'] ?? process.env.LAB_VERIFY_TOTP,
    });
    printReport(report, values.json ?? false);
  },
};

export const backupCommand: CliCommand = serviceBackupCommand({
  summary: 'write one archive: database dump, certificate files, manifest with SHA-256 and audit head',
  help: `Usage: npm run lab -- backup --out <file> [--json]
  Writes one tar archive (never over an existing file): the database (pg_dump --format=custom
  through DATABASE_ADMIN_URL on PostgreSQL; a copy of the embedded data directory otherwise), the
  certificate files, and manifest.json (SHA-256 and size of each part, schema version, row counts,
  the audit chain head and last checkpoint). On the embedded database it also holds the generated
  secrets: keep the archive as secret as the data directory. --json prints the manifest.
  On PostgreSQL it runs beside the server (one consistent snapshot); embedded, stop the server.`,
  backup: (out) => backupLab(envToConfig(readEnv()), out),
  details: (manifest) => {
    const { audit, certificates, secrets_included } = manifest.service_state;
    return [
      `  audit head      entry ${audit.head.seq} ${audit.head.hash}`,
      `  last checkpoint ${audit.last_checkpoint ? `entry ${audit.last_checkpoint.seq}, signed ${audit.last_checkpoint.signed_at}` : 'none'}`,
      `  certificates    ${manifest.parts.filter((part) => part.name.startsWith('certificates/')).length} files${certificates.missing.length ? ` (${certificates.missing.length} listed in the database were missing)` : ''}`,
      ...(secrets_included
        ? ['  secrets         the generated secret files are in the archive: store it as you store them']
        : []),
    ];
  },
});

export const restoreCommand: CliCommand = serviceRestoreCommand({
  summary: 'restore a backup into an empty database, then verify the audit chain against its manifest',
  help: `Usage: npm run lab -- restore --from <file> [--json]
  Checks every part of the archive against its manifest's SHA-256 first (a corrupted archive is
  refused before anything is written), refuses a database or certificate store that is not empty,
  creates the roles the dump names if this cluster lacks them (without passwords), restores the
  database and the certificate files, then verifies: schema version, row counts, the whole audit
  chain, every checkpoint signature, the chain head against the manifest, every certificate's
  SHA-256. Exit code 1, naming the reason, unless all of them hold.
  Needs the LAB_SECRET_KEY of the lab that made the backup (the entries are sealed with it).`,
  restore: (from) => restoreLab(envToConfig(readEnv()), from),
});
