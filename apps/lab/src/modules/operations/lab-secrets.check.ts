import { createPrivateKey } from 'node:crypto';
import { type CheckOutcome, fail, pass, warn } from '@ours/platform/operations';
import type { LabConfig } from '../../config.ts';
import { type FoundSecret, findLabSecrets } from './lab-keys.ts';

const generate: Record<FoundSecret['variable'], string> = {
  LAB_JWT_SECRET: 'openssl rand -base64 48',
  LAB_SECRET_KEY: 'openssl rand -base64 32',
  LAB_SIGNING_KEY: 'openssl genpkey -algorithm ed25519 | awk \'{ printf "%s\\\\n", $0 }\'',
};

/** Why a secret is weak, or undefined when it is fine. Never says anything about its value. */
function weakness(secret: FoundSecret & { value: string }): string | undefined {
  if (secret.variable === 'LAB_JWT_SECRET') {
    if (secret.value.length < 32) return 'shorter than 32 characters';
    if (new Set(secret.value).size < 12) return 'too few distinct characters (not random)';
    return undefined;
  }
  if (secret.variable === 'LAB_SECRET_KEY') {
    const bytes = Buffer.from(secret.value, 'base64');
    if (bytes.length !== 32) return 'not 32 bytes of base64';
    if (new Set(bytes).size < 8) return 'too few distinct bytes (not random)';
    return undefined;
  }
  try {
    const key = createPrivateKey(secret.value);
    if (key.asymmetricKeyType === 'ed25519') return undefined;
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if ((key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') && bits >= 3072)
      return undefined;
    return `a ${key.asymmetricKeyType} key of ${bits} bits (use Ed25519, or RSA of 3072 bits or more)`;
  } catch {
    return 'not a PEM private key';
  }
}

/**
 * The lab's three secrets: on PostgreSQL all from the environment (or `_FILE`), on the embedded
 * database generated into the data directory (owner-only) unless given; each strong, and the
 * token secret not shared with the coach (whoever read one service's configuration could sign in
 * to the other).
 */
export async function labSecretsOutcome(config: LabConfig, env: NodeJS.ProcessEnv): Promise<CheckOutcome> {
  const secrets = await findLabSecrets(config);
  const problems: string[] = [];
  const fixes: string[] = [];
  const notes: string[] = [];
  let warning = false;
  for (const secret of secrets) {
    if (secret.value === undefined) {
      if (config.database.url) {
        problems.push(`${secret.variable} is not set`);
        fixes.push(`${secret.variable}=$(${generate[secret.variable]}) (or ${secret.variable}_FILE=<path>)`);
      } else {
        warning = true;
        notes.push(`${secret.variable}: not generated yet (the first start writes ${secret.file})`);
      }
      continue;
    }
    const weak = weakness({ ...secret, value: secret.value });
    if (weak) {
      problems.push(`${secret.variable} is weak: ${weak}`);
      fixes.push(`${secret.variable}=$(${generate[secret.variable]})`);
      continue;
    }
    if (secret.source === 'file' && secret.mode !== undefined && (secret.mode & 0o077) !== 0) {
      problems.push(`${secret.file} is readable by others (mode ${secret.mode.toString(8)})`);
      fixes.push(`chmod 600 ${secret.file}`);
      continue;
    }
    notes.push(`${secret.variable} from ${secret.source === 'file' ? secret.file : 'the environment'}`);
  }
  const jwt = secrets.find((secret) => secret.variable === 'LAB_JWT_SECRET')?.value;
  if (jwt !== undefined && env.JWT_SECRET === jwt) {
    problems.push("LAB_JWT_SECRET is the coach's JWT_SECRET");
    fixes.push('give each service its own secret (openssl rand -base64 48 for each)');
  }
  if (problems.length > 0) return fail(problems.join('; '), fixes.join('; '));
  if (warning)
    return warn(notes.join('; '), 'Start the lab once (it generates them), or set them in the environment.');
  return pass(`${notes.join('; ')}: set and strong`);
}
