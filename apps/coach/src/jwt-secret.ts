import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@ours/platform/config';
import type { CoachConfig } from './config.ts';

/**
 * Resolves the HS256 secret. On the embedded default (no DATABASE_URL) a missing secret is generated
 * once into the data directory with owner-only permissions; with a real database one must be given,
 * so a production deployment never silently invents its own.
 */
export async function resolveJwtSecret(config: CoachConfig): Promise<string | undefined> {
  if (config.auth.jwtSecret) return config.auth.jwtSecret;
  if (config.auth.jwksUrl) return undefined;
  if (config.database.url) {
    throw new ConfigError('JWT_SECRET', 'or JWKS_URL is required when DATABASE_URL is set');
  }
  const file = join(config.dataDir, 'jwt-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' }).catch(
    async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    },
  );
  return (await readFile(file, 'utf8')).trim();
}
