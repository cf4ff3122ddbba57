import { fieldOf, messageOf } from '../errors.ts';
import { ConfigError } from './env.ts';

/**
 * Loads `.env` from the working directory into the environment if the file exists (another file
 * with ENV_FILE=path; ENV_FILE= empty loads none). Variables already set win over the file, so a
 * real environment (a container, CI, the shell) is never overridden. Returns the file loaded.
 */
export function loadEnvFile(): string | undefined {
  const named = process.env.ENV_FILE;
  const path = named ?? '.env';
  if (path === '') return undefined;
  try {
    process.loadEnvFile(path);
    return path;
  } catch (error) {
    if (fieldOf(error, 'code') === 'ENOENT' && named === undefined) return undefined;
    throw new ConfigError('ENV_FILE', `names a file that cannot be read (${path}): ${messageOf(error)}`);
  }
}
