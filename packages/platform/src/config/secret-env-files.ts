import { readFileSync } from 'node:fs';
import { messageOf } from '../errors.ts';
import { ConfigError, type Env } from './env.ts';

/** Variables whose names end in `_FILE` but are not secrets read from a file. */
const notSecretFiles = new Set(['ENV_FILE']);

/**
 * Resolves the container convention `NAME_FILE=/run/secrets/name` (Docker and Podman secrets,
 * Kubernetes mounts): the file's content, without its trailing newline, becomes `NAME`. Setting both
 * is refused rather than guessed at, and an unreadable file names its variable, so a deployment
 * that mounts the wrong path stops at boot instead of running with a missing secret.
 */
export function withSecretFiles(env: Env): Env {
  const resolved: Env = { ...env };
  for (const [key, path] of Object.entries(env)) {
    if (!key.endsWith('_FILE') || notSecretFiles.has(key) || !path?.trim()) continue;
    const name = key.slice(0, -'_FILE'.length);
    if (env[name]?.trim()) throw new ConfigError(key, `and ${name} are both set: keep one`);
    try {
      resolved[name] = readFileSync(path.trim(), 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new ConfigError(key, `names a file that cannot be read (${path.trim()}): ${messageOf(error)}`);
    }
  }
  return resolved;
}
