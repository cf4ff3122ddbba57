import { spawn } from 'node:child_process';
import { OperationError } from './operation-error.ts';

/**
 * The connection parts of a URL as libpq's environment, so a password never shows on a command
 * line (`ps` would show it to every user of the machine).
 */
export function libpqEnv(url: string): Record<string, string> {
  const parsed = new URL(url);
  const env: Record<string, string> = {
    PGHOST: decodeURIComponent(parsed.hostname) || 'localhost',
    PGPORT: parsed.port || '5432',
    PGDATABASE: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
  };
  if (parsed.username) env.PGUSER = decodeURIComponent(parsed.username);
  if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password);
  const sslmode = parsed.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}

/** Runs a PostgreSQL client tool; its stderr comes back in the error when it fails. */
export function runPgTool(tool: string, args: string[], url: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, {
      env: { ...process.env, ...(url ? libpqEnv(url) : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new OperationError(
              'PG_TOOLS_MISSING',
              `${tool} is not installed (or not on PATH): install the PostgreSQL client tools of the server's major version or newer (Debian: apt-get install postgresql-client-<major>)`,
            )
          : error,
      );
    });
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new OperationError('PG_TOOL_FAILED', `${tool} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}

/** The major version of a client tool (`pg_dump (PostgreSQL) 15.20` is 15). */
export async function pgToolMajor(tool: string): Promise<{ major: number; version: string }> {
  const output = (await runPgTool(tool, ['--version'], undefined)).trim();
  const match = /(\d+)(?:\.(\d+))?/.exec(output.replace(/^[^)]*\)/, ''));
  return { major: Number(match?.[1] ?? 0), version: output };
}

/**
 * A dump tool older than the server cannot read its catalog (pg_dump refuses); a restore tool older
 * than the dump cannot read the archive. Say which to install instead of failing halfway.
 */
export async function requireToolFor(tool: string, serverMajor: number): Promise<string> {
  const { major, version } = await pgToolMajor(tool);
  if (major < serverMajor) {
    throw new OperationError(
      'PG_TOOLS_TOO_OLD',
      `${version} is older than the PostgreSQL ${serverMajor} server: install postgresql-client-${serverMajor} (or newer) and run this again`,
    );
  }
  return version;
}
