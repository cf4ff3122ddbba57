import pg from 'pg';
import { type MigrationClient, pgMigrationClient } from '../db/migrate.ts';
import type { BackupRole } from './backup-manifest.ts';
import { OperationError } from './operation-error.ts';
import { requireToolFor, runPgTool } from './pg-tools.ts';

const userSchemas = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`;

/** Rows per table in every user schema, exact, with row-level security off (an error if it would filter). */
export async function tableRowCounts(client: MigrationClient): Promise<Record<string, number>> {
  const tables = await client.query<{ name: string }>(
    `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND ${userSchemas}
      ORDER BY 1`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await client.query<{ count: string | number }>(
      `SELECT count(*)::int8 AS count FROM ${name}`,
    );
    counts[name] = Number(row?.count ?? 0);
  }
  return counts;
}

/**
 * The roles the database's objects name (owners, grantees, policy roles), with their memberships
 * among each other: what a fresh cluster needs before the dump can be restored.
 */
export async function referencedRoles(client: MigrationClient): Promise<BackupRole[]> {
  const rows = await client.query<{
    name: string;
    login: boolean;
    inherit: boolean;
    bypassrls: boolean;
    member_of: string[] | null;
  }>(
    `WITH named AS (
       SELECT c.relowner AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${userSchemas}
       UNION SELECT n.nspowner FROM pg_namespace n WHERE ${userSchemas}
       UNION SELECT p.proowner FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${userSchemas}
       UNION SELECT (aclexplode(c.relacl)).grantee FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relacl IS NOT NULL AND ${userSchemas}
       UNION SELECT (aclexplode(n.nspacl)).grantee FROM pg_namespace n WHERE n.nspacl IS NOT NULL AND ${userSchemas}
       UNION SELECT (aclexplode(p.proacl)).grantee FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proacl IS NOT NULL AND ${userSchemas}
       UNION SELECT unnest(polroles) FROM pg_policy
     )
     SELECT r.rolname AS name, r.rolcanlogin AS login, r.rolinherit AS inherit, r.rolbypassrls AS bypassrls,
            (SELECT array_agg(g.rolname::text ORDER BY g.rolname) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
              WHERE m.member = r.oid) AS member_of
       FROM pg_roles r
      WHERE r.oid IN (SELECT oid FROM named) AND r.rolname NOT LIKE 'pg\\_%'
      ORDER BY r.rolname`,
  );
  const names = new Set(rows.map((row) => row.name));
  return rows.map((row) => ({
    name: row.name,
    login: row.login,
    inherit: row.inherit,
    bypassrls: row.bypassrls,
    member_of: (row.member_of ?? []).filter((role) => names.has(role)),
  }));
}

/**
 * Creates the roles a dump names that this cluster lacks (no password: the operator sets one), and
 * their memberships. Returns the roles it created.
 */
export async function ensureRoles(client: MigrationClient, roles: readonly BackupRole[]): Promise<string[]> {
  const existing = new Set(
    (await client.query<{ rolname: string }>('SELECT rolname FROM pg_roles')).map((row) => row.rolname),
  );
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const created: string[] = [];
  for (const role of roles) {
    if (existing.has(role.name)) continue;
    await client.exec(
      `CREATE ROLE ${quote(role.name)} ${role.login ? 'LOGIN' : 'NOLOGIN'} ${role.inherit ? 'INHERIT' : 'NOINHERIT'}${role.bypassrls ? ' BYPASSRLS' : ''}`,
    );
    created.push(role.name);
  }
  for (const role of roles) {
    for (const group of role.member_of) {
      const [member] = await client.query<{ yes: boolean }>('SELECT pg_has_role($1, $2, $3) AS yes', [
        role.name,
        group,
        'MEMBER',
      ]);
      if (!member?.yes) await client.exec(`GRANT ${quote(group)} TO ${quote(role.name)}`);
    }
  }
  return created;
}

/** What is in the target database already: a restore goes into an empty one only. */
export async function userRelations(client: MigrationClient): Promise<string[]> {
  const rows = await client.query<{ name: string }>(
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND ${userSchemas} ORDER BY 1 LIMIT 6`,
  );
  return rows.map((row) => row.name);
}

export async function serverMajor(client: MigrationClient): Promise<{ major: number; version: string }> {
  const [row] = await client.query<{ num: string; version: string }>(
    "SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS version",
  );
  return { major: Math.floor(Number(row?.num) / 10_000), version: String(row?.version) };
}

export interface PostgresDumpResult<State> {
  serverVersion: string;
  toolVersion: string;
  tables: Record<string, number>;
  roles: BackupRole[];
  state: State;
}

/** The owner's connection for a dump or restore; unreachable is a refusal with its code. */
async function connectAdmin(adminUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  await client.connect().catch((error: unknown) => {
    throw new OperationError(
      'DATABASE_UNREACHABLE',
      `cannot connect through DATABASE_ADMIN_URL: ${String(error)}`,
    );
  });
  return client;
}

/**
 * `pg_dump --format=custom` of the database behind `adminUrl` into `file`. The row counts and the
 * service's state (its audit head, say) are read in the very snapshot pg_dump dumps (exported from
 * a repeatable-read transaction), so the manifest describes exactly the dump even while the service
 * keeps writing.
 */
export async function dumpPostgres<State>(
  adminUrl: string,
  file: string,
  readState: (client: MigrationClient) => Promise<State>,
): Promise<PostgresDumpResult<State>> {
  const client = await connectAdmin(adminUrl);
  try {
    const migrationClient = pgMigrationClient(client);
    const server = await serverMajor(migrationClient);
    const toolVersion = await requireToolFor('pg_dump', server.major);
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const [{ snapshot }] = (
      await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot')
    ).rows as [{ snapshot: string }];
    await client.query('SET LOCAL row_security = off');
    const state = await readState(migrationClient);
    const tables = await tableRowCounts(migrationClient);
    const roles = await referencedRoles(migrationClient);
    await runPgTool('pg_dump', ['--format=custom', `--snapshot=${snapshot}`, `--file=${file}`], adminUrl);
    await client.query('COMMIT');
    return { serverVersion: server.version, toolVersion, tables, roles, state };
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Restores a custom-format dump into the EMPTY database behind `adminUrl` in one transaction (a
 * failure leaves it empty), after creating the roles it names that the cluster lacks.
 */
export async function restorePostgres(
  adminUrl: string,
  file: string,
  roles: readonly BackupRole[],
): Promise<{ createdRoles: string[] }> {
  const client = await connectAdmin(adminUrl);
  try {
    const migrationClient = pgMigrationClient(client);
    const server = await serverMajor(migrationClient);
    await requireToolFor('pg_restore', server.major);
    await assertEmpty(migrationClient, new URL(adminUrl).pathname.slice(1));
    const createdRoles = await ensureRoles(migrationClient, roles);
    await runPgTool(
      'pg_restore',
      ['--single-transaction', '--exit-on-error', `--dbname=${new URL(adminUrl).pathname.slice(1)}`, file],
      adminUrl,
    );
    return { createdRoles };
  } finally {
    await client.end().catch(() => {});
  }
}

export async function assertEmpty(client: MigrationClient, label: string): Promise<void> {
  const found = await userRelations(client);
  if (found.length > 0) {
    throw new OperationError(
      'RESTORE_TARGET_NOT_EMPTY',
      `the database ${label} is not empty (${found.slice(0, 5).join(', ')}${found.length > 5 ? ', ...' : ''}): restore goes into an empty database only, never over data. Create a new one (createdb) and point DATABASE_URL/DATABASE_ADMIN_URL at it, or drop this one if you mean to replace it`,
    );
  }
}
