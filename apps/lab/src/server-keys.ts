import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError, readOrCreateSecretFile } from '@ours/platform/config';
import type { LabConfig } from './config.ts';
import { generateSigningKey } from './modules/audit/manifest-signer.ts';

/** The lab's three server secrets, from the environment or (embedded default only) the data directory. */
export interface ServerKeys {
  jwtSecret: string;
  secretKey: Buffer;
  signingKeyPem: string;
}

/**
 * With a real database every secret must come from the environment, so a production deployment
 * never silently invents its own; on the embedded default a missing one is generated once into the
 * data directory with owner-only permissions.
 */
export async function resolveServerKeys(config: LabConfig): Promise<ServerKeys> {
  const { secrets } = config;
  const fromFile = async (variable: string, file: string, generate: () => string) => {
    if (config.database.url) throw new ConfigError(variable, 'is required when DATABASE_URL is set');
    return readOrCreateSecretFile(join(config.dataDir, file), generate);
  };
  const jwtSecret =
    secrets.jwtSecret ??
    (await fromFile('LAB_JWT_SECRET', 'jwt-secret', () => randomBytes(48).toString('base64url')));
  const secretKey =
    secrets.secretKey ??
    (await fromFile('LAB_SECRET_KEY', 'secret-key', () => randomBytes(32).toString('base64')));
  const signingKeyPem =
    secrets.signingKeyPem ??
    (await fromFile(
      'LAB_SIGNING_KEY',
      'signing-key.pem',
      () => generateSigningKey(secrets.signingAlgorithm).privateKeyPem,
    ));
  return {
    jwtSecret,
    secretKey: Buffer.from(secretKey, 'base64'),
    signingKeyPem: `${signingKeyPem.trim()}\n`,
  };
}
