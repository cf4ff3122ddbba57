import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MigrationClient } from '../db/migrate.ts';
import { fieldOf } from '../errors.ts';
import { CheckFailure, type CheckOutcome, fail, pass, warn } from './check-runner.ts';

/** Where the schema stands against the migrations folder: the `alembic current` of this project. */
export interface MigrationStatus {
  /** The last applied version (the schema version), or null on an empty database. */
  current: string | null;
  applied: number;
  pending: string[];
  /** Applied here but not in this release's folder: the database is newer than the code. */
  unknown: string[];
  /** Applied, but the file changed since. */
  changed: string[];
}

/** The migration files of a service, in the order they apply, with the checksum the migrator records. */
export async function migrationFiles(dir: string): Promise<{ version: string; checksum: string }[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  return Promise.all(
    files.map(async (file) => ({
      version: file.replace(/\.sql$/, ''),
      checksum: createHash('sha256')
        .update(await readFile(join(dir, file), 'utf8'))
        .digest('hex'),
    })),
  );
}

/** Compares `schema_migrations` with the folder; reads only (never migrates). */
export async function migrationStatus(
  admin: MigrationClient,
  migrationsDir: string,
): Promise<MigrationStatus> {
  const files = await migrationFiles(migrationsDir);
  const present =
    (
      await admin.query<{ present: boolean }>(
        "SELECT to_regclass('public.schema_migrations') IS NOT NULL AS present",
      )
    )[0]?.present === true;
  const rows = present
    ? await admin
        .query<{ version: string; checksum: string }>(
          'SELECT version, checksum FROM public.schema_migrations ORDER BY version',
        )
        .catch((error: unknown) => {
          if (fieldOf(error, 'code') !== '42501') throw error;
          throw new CheckFailure(
            'this login may not read schema_migrations (it is the runtime role, not the owner)',
            "Give doctor the owner's connection too: DATABASE_ADMIN_URL=postgres://<owner>@host/db (the URL the service migrates through).",
          );
        })
    : [];
  const applied = new Map(rows.map((row) => [row.version, row.checksum]));
  const known = new Set(files.map((file) => file.version));
  return {
    current: rows.at(-1)?.version ?? null,
    applied: rows.length,
    pending: files.filter((file) => !applied.has(file.version)).map((file) => file.version),
    unknown: rows.filter((row) => !known.has(row.version)).map((row) => row.version),
    changed: files
      .filter((file) => applied.has(file.version) && applied.get(file.version) !== file.checksum)
      .map((file) => file.version),
  };
}

const listed = (versions: string[]) =>
  versions.length <= 3
    ? versions.join(', ')
    : `${versions.slice(0, 3).join(', ')} and ${versions.length - 3} more`;

export function migrationsOutcome(status: MigrationStatus, service: string): CheckOutcome {
  if (status.changed.length > 0) {
    return fail(
      `applied migrations changed since: ${listed(status.changed)}`,
      `Deploy the release that applied them; migrations are never edited after release (${service} refuses to start).`,
    );
  }
  if (status.unknown.length > 0) {
    return fail(
      `the database has migrations this release does not know: ${listed(status.unknown)} (current ${status.current})`,
      'The database is newer than this code: deploy the release that applied them (there are no down-migrations).',
    );
  }
  if (status.pending.length > 0) {
    return fail(
      `${status.pending.length} pending: ${listed(status.pending)} (current ${status.current ?? 'none: empty database'})`,
      `Start the ${service} service (it migrates at start, through DATABASE_ADMIN_URL when set), then run doctor again.`,
    );
  }
  return pass(`current ${status.current} (${status.applied} applied, none pending)`);
}

/** Tables that must have row-level security ENABLED and FORCED (forced binds the owner too). */
export async function rowLevelSecurityOutcome(
  admin: MigrationClient,
  runtimeRole: string,
  expectedTables: readonly string[],
): Promise<CheckOutcome> {
  const [role] = await admin.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = $1', [
    runtimeRole,
  ]);
  if (!role) {
    return fail(
      `the runtime role ${runtimeRole} does not exist`,
      `Roles are cluster-wide: start the service once against this cluster (its first migration creates ${runtimeRole}), or CREATE ROLE ${runtimeRole} LOGIN NOINHERIT as a superuser.`,
    );
  }
  // Every table with a policy must enforce it too (a policy on a table without RLS does nothing); a
  // forced table without a policy denies all but a BYPASSRLS role, deliberately (service-only tables).
  const rows = await admin.query<{ name: string; enabled: boolean; forced: boolean }>(
    `SELECT n.nspname || '.' || c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p')
        AND (n.nspname || '.' || c.relname = ANY($1::text[]) OR EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid))`,
    [expectedTables],
  );
  const byName = new Map(rows.map((row) => [row.name, row]));
  const missing = expectedTables.filter((table) => !byName.has(table));
  const weak = rows.filter((row) => !row.enabled || !row.forced).map((row) => row.name);
  const problems = [
    ...(missing.length ? [`missing tables: ${listed(missing)}`] : []),
    ...(weak.length ? [`not ENABLED and FORCED: ${listed(weak)}`] : []),
  ];
  if (problems.length > 0) {
    return fail(
      problems.join('; '),
      'Someone changed the schema by hand: ALTER TABLE <t> ENABLE ROW LEVEL SECURITY; ALTER TABLE <t> FORCE ROW LEVEL SECURITY (as the owner), or restore the schema from the migrations.',
    );
  }
  return pass(`role ${runtimeRole} exists; ${rows.length} tables with row-level security enabled and forced`);
}

/**
 * The runtime role (and the login the service uses) can neither be a superuser nor bypass RLS.
 * `switchTo` names roles the service switches into by design (the coach's Supabase `service_role`,
 * which bypasses RLS for the admin routes): membership in those is expected, in any other is not.
 */
export async function runtimeRoleOutcome(
  admin: MigrationClient,
  runtimeLogin: MigrationClient | undefined,
  runtimeRole: string,
  switchTo: readonly string[] = [],
): Promise<CheckOutcome> {
  const [role] = await admin.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
    'SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1',
    [runtimeRole],
  );
  if (!role)
    return fail(`the runtime role ${runtimeRole} does not exist`, 'See the row-level security check.');
  if (role.rolsuper || role.rolbypassrls) {
    return fail(
      `${runtimeRole} is ${role.rolsuper ? 'a superuser' : 'allowed to bypass row-level security'}`,
      `As a superuser: ALTER ROLE ${runtimeRole} NOSUPERUSER NOBYPASSRLS.`,
    );
  }
  if (!runtimeLogin) {
    return pass(
      `${runtimeRole} is neither a superuser nor exempt from RLS (embedded: the service switches to it)`,
    );
  }
  const [login] = await runtimeLogin.query<{ login: string; strong: string | null }>(
    `SELECT current_user AS login,
            (SELECT string_agg(r.rolname, ', ') FROM pg_roles r
              WHERE pg_has_role(current_user, r.oid, 'MEMBER') AND (r.rolsuper OR r.rolbypassrls)
                AND NOT (r.rolname = ANY($1::text[]) AND NOT r.rolsuper)) AS strong`,
    [switchTo],
  );
  if (login?.strong) {
    return fail(
      `DATABASE_URL logs in as ${login.login}, which is or may become ${login.strong} (superuser or BYPASSRLS)`,
      `Point DATABASE_URL at ${runtimeRole} (postgres://${runtimeRole}:<password>@host/db); the service demotes a superuser login, but a leaked URL would not.`,
    );
  }
  const by = switchTo.length ? ` (it may switch to ${switchTo.join(', ')} by design)` : '';
  return pass(
    `DATABASE_URL logs in as ${login?.login}: not a superuser, cannot bypass row-level security${by}`,
  );
}

/**
 * The database's clock against this machine's, corrected for the round trip (the database read its
 * clock somewhere inside it: the midpoint is the best guess, half the round trip the error).
 */
export async function clockSkewOutcome(
  client: MigrationClient,
  now: () => number = Date.now,
): Promise<CheckOutcome> {
  let best: { skew: number; rtt: number } | undefined;
  for (let sample = 0; sample < 3; sample += 1) {
    const sent = now();
    const [row] = await client.query<{ ms: string | number }>(
      'SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms',
    );
    const received = now();
    const rtt = received - sent;
    const skew = Number(row?.ms) - (sent + rtt / 2);
    if (!best || rtt < best.rtt) best = { skew, rtt };
  }
  const { skew, rtt } = best ?? { skew: 0, rtt: 0 };
  const detail = `database clock ${skew >= 0 ? 'ahead' : 'behind'} by ${Math.abs(skew).toFixed(0)} ms (±${(rtt / 2).toFixed(0)} ms)`;
  const fix =
    'Run NTP (chrony or systemd-timesyncd) on the service host and the database host; tokens, lockouts and audit timestamps depend on agreeing clocks.';
  if (Math.abs(skew) > 30_000) return fail(detail, fix);
  if (Math.abs(skew) > 1_000) return warn(detail, fix);
  return pass(detail);
}

/** The service's recurring jobs are in pg-boss's schedule table (the running service puts them there). */
export async function jobSchedulesOutcome(
  admin: MigrationClient,
  expected: Readonly<Record<string, string>>,
  service: string,
): Promise<CheckOutcome> {
  const present =
    (
      await admin.query<{ present: boolean }>("SELECT to_regclass('pgboss.schedule') IS NOT NULL AS present")
    )[0]?.present === true;
  const startFix = `Start the ${service} service with JOBS_ENABLED=true (the default) on at least one instance: it schedules its jobs at start.`;
  if (!present)
    return fail('the job queue has never started on this database (no pgboss.schedule)', startFix);
  const rows = await admin.query<{ name: string; cron: string; timezone: string | null }>(
    'SELECT name, cron, timezone FROM pgboss.schedule',
  );
  const found = new Map(rows.map((row) => [row.name, row]));
  const missing = Object.keys(expected).filter((name) => !found.has(name));
  if (missing.length > 0) return fail(`not scheduled: ${missing.join(', ')}`, startFix);
  const different = Object.entries(expected)
    .filter(([name, cron]) => found.get(name)?.cron !== cron)
    .map(([name]) => `${name} (${found.get(name)?.cron})`);
  const summary = Object.keys(expected)
    .map((name) => `${name} ${found.get(name)?.cron} ${found.get(name)?.timezone ?? ''}`.trim())
    .join('; ');
  if (different.length > 0) {
    return warn(
      `scheduled differently from this release: ${different.join(', ')}`,
      "Restart one instance with JOBS_ENABLED=true: it writes the release's schedules.",
    );
  }
  return pass(summary);
}
