import { link, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fieldOf } from '../errors.ts';
import { type BackupManifest, type BackupPart, manifestFormat, sha256OfFile } from './backup-manifest.ts';
import { OperationError } from './operation-error.ts';
import { writeTar } from './tar-archive.ts';

/** A file to put in the archive: its name there, and where it is now. */
export interface ArchivePart {
  name: string;
  path: string;
}

/** A backup never overwrites a file: checked before the dump (and again when it is written). */
export async function assertOutFree(out: string): Promise<void> {
  const exists = await stat(out).then(
    () => true,
    (error: unknown) => {
      if (fieldOf(error, 'code') === 'ENOENT') return false;
      throw error;
    },
  );
  if (exists) {
    throw new OperationError(
      'BACKUP_OUT_EXISTS',
      `${out} exists already: choose another --out (a backup never overwrites a file)`,
    );
  }
}

/**
 * Writes the archive: every part hashed into the manifest, the manifest first, then the parts. It
 * is written beside `out` and renamed into place, so a failed backup never leaves a half archive
 * under the name a restore would pick up.
 */
export async function writeBackupArchive<State extends object>(
  out: string,
  workDir: string,
  parts: readonly ArchivePart[],
  manifest: Omit<BackupManifest<State>, 'format' | 'parts'>,
): Promise<BackupManifest<State>> {
  await assertOutFree(out);
  const hashed: BackupPart[] = [];
  for (const part of parts) {
    hashed.push({
      name: part.name,
      sha256: await sha256OfFile(part.path),
      size: (await stat(part.path)).size,
    });
  }
  const full: BackupManifest<State> = { format: manifestFormat, ...manifest, parts: hashed };
  const manifestPath = join(workDir, 'manifest.json');
  await writeFile(manifestPath, `${JSON.stringify(full, null, 2)}\n`, { mode: 0o600 });
  const partial = `${out}.partial-${process.pid}`;
  try {
    await writeTar(partial, [{ name: 'manifest.json', path: manifestPath }, ...parts]);
    // link, not rename: it fails if `out` appeared meanwhile instead of replacing it.
    await link(partial, out).catch((error: unknown) => {
      if (fieldOf(error, 'code') === 'EEXIST')
        throw new OperationError(
          'BACKUP_OUT_EXISTS',
          `${out} appeared while the backup ran: nothing overwritten`,
        );
      throw error;
    });
    await rm(partial, { force: true });
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return full;
}
