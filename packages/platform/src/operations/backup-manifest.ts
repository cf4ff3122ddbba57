import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { messageOf } from '../errors.ts';
import { OperationError } from './operation-error.ts';
import { extractTarEntry, readTarEntry, readTarIndex, type TarEntry } from './tar-archive.ts';

export const manifestFormat = 'strukt-backup/1';

/** One file in the archive, as the manifest vouches for it. */
export interface BackupPart {
  name: string;
  sha256: string;
  size: number;
}

/** A role the database's grants and policies name: roles are cluster-wide, a dump does not carry them. */
export interface BackupRole {
  name: string;
  login: boolean;
  inherit: boolean;
  /** Exempt from row-level security by design (the coach's service_role); never a superuser. */
  bypassrls: boolean;
  /** Roles it is a member of (among those listed). */
  member_of: string[];
}

/** manifest.json: what the archive holds and what the restored database must show. */
export interface BackupManifest<State extends object = Record<string, unknown>> {
  format: typeof manifestFormat;
  service: string;
  created_at: string;
  /** The last applied migration. */
  schema_version: string | null;
  database: {
    engine: 'postgresql' | 'pglite';
    /** How the dump was made (`pg_dump --format=custom`, or PGlite's dumpDataDir). */
    method: string;
    server_version: string;
    dump_tool_version: string | null;
  };
  parts: BackupPart[];
  /** Rows per table at the time of the dump (one snapshot with it on PostgreSQL). */
  tables: Record<string, number>;
  roles: BackupRole[];
  /** What this service adds (the lab: its audit chain head and last checkpoint). */
  service_state: State;
}

export async function sha256OfStream(stream: NodeJS.ReadableStream): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export const sha256OfFile = (path: string) => sha256OfStream(createReadStream(path));

/** A backup archive whose every part matched its manifest (nothing was written before this). */
export interface VerifiedArchive<State extends object> {
  manifest: BackupManifest<State>;
  parts: string[];
  /** Copies the parts whose names start with `prefix` under `directory` (keeping their paths after it). */
  extract(prefix: string, directory: string): Promise<string[]>;
}

const safeName = (name: string) =>
  !name.startsWith('/') && !name.split('/').includes('..') && name.length > 0;

/**
 * Opens a backup and checks it against its manifest before anything is restored: the service, the
 * format, and the size and SHA-256 of every part; a part missing, added or changed refuses it.
 */
export async function openVerifiedArchive<State extends object>(
  file: string,
  service: string,
): Promise<VerifiedArchive<State>> {
  const entries = await readTarIndex(file).catch((error: unknown) => {
    if (error instanceof OperationError) throw error;
    throw new OperationError('ARCHIVE_UNREADABLE', `cannot read ${file}: ${messageOf(error)}`, {
      cause: error,
    });
  });
  const byName = new Map<string, TarEntry>(entries.map((entry) => [entry.name, entry]));
  const manifestEntry = byName.get('manifest.json');
  if (!manifestEntry)
    throw new OperationError(
      'ARCHIVE_CORRUPT',
      `${file} has no manifest.json: not a backup made by this project`,
    );
  let manifest: BackupManifest<State>;
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of readTarEntry(file, manifestEntry)) chunks.push(chunk as Buffer);
    manifest = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new OperationError(
      'ARCHIVE_CORRUPT',
      `${file}: manifest.json is not valid JSON (${messageOf(error)})`,
    );
  }
  if (manifest.format !== manifestFormat || !Array.isArray(manifest.parts)) {
    throw new OperationError(
      'ARCHIVE_CORRUPT',
      `${file}: unknown manifest format ${String(manifest.format)}`,
    );
  }
  if (manifest.service !== service) {
    throw new OperationError(
      'ARCHIVE_WRONG_SERVICE',
      `${file} is a backup of the ${manifest.service} service, not the ${service}: restore it with npm run ${manifest.service} -- restore`,
    );
  }
  const listed = new Set(manifest.parts.map((part) => part.name));
  const extra = entries.filter((entry) => entry.name !== 'manifest.json' && !listed.has(entry.name));
  if (extra.length > 0) {
    throw new OperationError(
      'ARCHIVE_CORRUPT',
      `${file} holds files its manifest does not list: ${extra.map((e) => e.name).join(', ')}`,
    );
  }
  for (const part of manifest.parts) {
    const entry = byName.get(part.name);
    if (!entry || !safeName(part.name)) {
      throw new OperationError(
        'ARCHIVE_CORRUPT',
        `${file} is missing ${part.name}, which its manifest lists`,
      );
    }
    const sha256 =
      entry.size === part.size ? await sha256OfStream(readTarEntry(file, entry)) : '(size differs)';
    if (sha256 !== part.sha256) {
      throw new OperationError(
        'ARCHIVE_CORRUPT',
        `${file} is corrupted: ${part.name} does not match its SHA-256 in the manifest (expected ${part.sha256}, got ${sha256}); nothing was restored`,
      );
    }
  }
  return {
    manifest,
    parts: manifest.parts.map((part) => part.name),
    extract: async (prefix, directory) => {
      const written: string[] = [];
      for (const part of manifest.parts.filter((p) => p.name.startsWith(prefix))) {
        const entry = byName.get(part.name) as TarEntry;
        const destination = join(directory, part.name.slice(prefix.length));
        await mkdir(dirname(destination), { recursive: true, mode: 0o700 });
        await extractTarEntry(file, entry, destination);
        written.push(destination);
      }
      return written;
    },
  };
}
