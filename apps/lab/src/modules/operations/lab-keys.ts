import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fieldOf } from '@ours/platform/errors';
import type { LabConfig } from '../../config.ts';

/** One of the lab's three server secrets as an operator command finds it, without generating it. */
export interface FoundSecret {
  variable: 'LAB_JWT_SECRET' | 'LAB_SECRET_KEY' | 'LAB_SIGNING_KEY';
  /** Where it came from: the environment, a generated file in the data directory, or nowhere yet. */
  source: 'environment' | 'file' | 'missing';
  value: string | undefined;
  /** For a file: its permission bits (a secret readable by others is a finding). */
  mode?: number;
  file?: string;
}

const files = {
  LAB_JWT_SECRET: 'jwt-secret',
  LAB_SECRET_KEY: 'secret-key',
  LAB_SIGNING_KEY: 'signing-key.pem',
} as const;

/**
 * The lab's secrets as `resolveServerKeys` would read them, minus its side effect: an operator
 * command never creates a secret (a doctor that generated the keys would report them present).
 */
export async function findLabSecrets(config: LabConfig): Promise<FoundSecret[]> {
  const fromEnv = {
    LAB_JWT_SECRET: config.secrets.jwtSecret,
    LAB_SECRET_KEY: config.secrets.secretKey,
    LAB_SIGNING_KEY: config.secrets.signingKeyPem,
  };
  const found: FoundSecret[] = [];
  for (const variable of Object.keys(files) as (keyof typeof files)[]) {
    const value = fromEnv[variable];
    if (value !== undefined) {
      found.push({ variable, source: 'environment', value });
      continue;
    }
    const file = join(config.dataDir, files[variable]);
    if (config.database.url) {
      found.push({ variable, source: 'missing', value: undefined });
      continue;
    }
    try {
      const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
      found.push({ variable, source: 'file', value: text.trim(), mode: info.mode & 0o777, file });
    } catch (error) {
      if (fieldOf(error, 'code') !== 'ENOENT') throw error;
      found.push({ variable, source: 'missing', value: undefined, file });
    }
  }
  return found;
}

/** The secret key's bytes, when it is there (the audit seal key derives from it). */
export function secretKeyBytes(secrets: readonly FoundSecret[]): Buffer | undefined {
  const value = secrets.find((secret) => secret.variable === 'LAB_SECRET_KEY')?.value;
  return value === undefined ? undefined : Buffer.from(value, 'base64');
}
