import { createPublicKey } from 'node:crypto';
import { openDatabase } from '@ours/platform/db';
import { openRateLimitRedis } from '@ours/platform/http';
import type { LabConfig } from './config.ts';
import type { LabContext } from './context.ts';
import type { LabDatabase, LabSchema } from './db/lab-database.ts';
import { hashPassword } from './modules/accounts/password-hasher.ts';
import { applyRoleDefaults } from './modules/accounts/role-defaults.service.ts';
import { auditMacKey } from './modules/audit/audit-hash.ts';
import { createAuditTrail } from './modules/audit/audit-trail.ts';
import { algorithmOf, keyIdOf } from './modules/audit/manifest-signer.ts';
import { createSecretBox } from './modules/mfa/secret-box.ts';
import { registerSigningKey } from './modules/signatures/signing-keys.repository.ts';
import { resolveServerKeys } from './server-keys.ts';

export const migrationsDir = new URL('../migrations/', import.meta.url).pathname;

/** Opens the lab's database with its migrations applied; the service runs as `lab_app`. */
export function openLabDatabase(config: LabConfig): Promise<LabDatabase> {
  return openDatabase<LabSchema>({
    ...config.database,
    migrationsDir,
    service: 'lab',
    runtimeRole: 'lab_app',
  });
}

/**
 * Builds every shared resource once, and applies the role defaults this database has not had yet
 * (whatever the entry point: server, command line or test); tests pass their own database or clock.
 */
export async function createContext(
  config: LabConfig,
  overrides: Partial<Pick<LabContext, 'db' | 'now'>> = {},
): Promise<LabContext> {
  const keys = await resolveServerKeys(config);
  const db = overrides.db ?? (await openLabDatabase(config));
  const publicKey = createPublicKey(keys.signingKeyPem);
  const signingKeyId = keyIdOf(publicKey);
  const macKey = auditMacKey(keys.secretKey);
  const audit = createAuditTrail(macKey);
  await db.transaction((tx) =>
    registerSigningKey(tx, {
      key_id: signingKeyId,
      algorithm: algorithmOf(publicKey),
      public_key_pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    }),
  );
  const redis = config.redisUrl ? await openRateLimitRedis(config.redisUrl) : undefined;
  const ctx: LabContext = {
    config,
    db,
    keys,
    audit,
    auditMacKey: macKey,
    signingKeyId,
    secretBox: createSecretBox(keys.secretKey),
    decoyPasswordHash: await hashPassword(`decoy-${crypto.randomUUID()}`),
    redis,
    jobs: undefined,
    now: overrides.now ?? (() => new Date()),
  };
  try {
    await applyRoleDefaults(ctx);
  } catch (error) {
    // Whatever failed, leave nothing open that would keep the process alive.
    await closeContext(ctx);
    throw error;
  }
  return ctx;
}

/** Releases what `createContext` opened. */
export async function closeContext(ctx: LabContext): Promise<void> {
  await ctx.jobs?.stop();
  ctx.redis?.disconnect();
  await ctx.db.close();
}
