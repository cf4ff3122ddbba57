import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fieldOf } from '../errors.ts';

/**
 * Reads a secret generated into the data directory, creating it on first use with owner-only
 * permissions. Concurrent first starts agree: the loser of the exclusive create reads the winner's.
 */
export async function readOrCreateSecretFile(file: string, generate: () => string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if (fieldOf(error, 'code') !== 'ENOENT') throw error;
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${generate().trim()}\n`, { mode: 0o600, flag: 'wx' }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    },
  );
  return (await readFile(file, 'utf8')).trim();
}
