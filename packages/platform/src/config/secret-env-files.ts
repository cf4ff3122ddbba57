import { readFileSync } from 'node:fs';
import { messageOf } from '../errors.ts';
import { ConfigError, type Env } from './env.ts';

/**
 * Resolves the container convention `NAME_FILE=/run/secrets/name` (Docker and Podman secrets,
 * Kubernetes mounts): the file's content, without its trailing newline, becomes `NAME`. Setting both
 * is refused rather than guessed at, and an unreadable file names its variable, so a deployment
 * that mounts the wrong path stops at boot instead of running with a missing secret. Only the
 * service's own `names` are read: other programs' `*_FILE` variables in the environment are theirs.
 */
export function withSecretFiles(env: Env, names: readonly string[]): Env {
  const resolved: Env = { ...env };
  for (const name of names) {
    const key = `${name}_FILE`;
    const path = env[key];
    if (!path?.trim()) continue;
    if (env[name]?.trim()) throw new ConfigError(key, `and ${name} are both set: keep one`);
    try {
      resolved[name] = readFileSync(path.trim(), 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new ConfigError(key, `names a file that cannot be read (${path.trim()}): ${messageOf(error)}`);
    }
  }
  return resolved;
}
