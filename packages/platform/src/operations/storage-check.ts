import { constants } from 'node:fs';
import { access, mkdir, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { messageOf } from '../errors.ts';
import { type CheckOutcome, fail, pass, warn } from './check-runner.ts';

const gib = 1024 ** 3;

/**
 * A directory the service writes files into: it exists (or can be made), this process can read and
 * write it (proved by writing a probe file), and the filesystem has room: warn under 1 GiB or 10%,
 * fail under 100 MiB.
 */
export async function storageOutcome(directory: string, what: string): Promise<CheckOutcome> {
  try {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    await access(directory, constants.R_OK | constants.W_OK | constants.X_OK);
    const probe = join(directory, `.doctor-${process.pid}`);
    await writeFile(probe, 'probe', { mode: 0o600 });
    await rm(probe, { force: true });
  } catch (error) {
    return fail(
      `${what} ${directory} is not readable and writable: ${messageOf(error)}`,
      `Give the service's user ownership of it (chown -R <uid> ${directory}; in the container, the lab runs as a non-root user) or mount a writable volume there.`,
    );
  }
  const info = await statfs(directory);
  const free = info.bavail * info.bsize;
  const total = info.blocks * info.bsize;
  const detail = `${directory}: readable and writable, ${(free / gib).toFixed(1)} GiB free of ${(total / gib).toFixed(1)} GiB`;
  const fix = `Free space on the volume holding ${directory}, or grow it.`;
  if (free < 100 * 1024 ** 2) return fail(detail, fix);
  if (free < gib || free < total * 0.1) return warn(detail, fix);
  return pass(detail);
}
