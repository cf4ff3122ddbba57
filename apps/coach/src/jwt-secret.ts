import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError, readOrCreateSecretFile } from '@ours/platform/config';
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
  return readOrCreateSecretFile(join(config.dataDir, 'jwt-secret'), () =>
    randomBytes(48).toString('base64url'),
  );
}
