import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fieldOf } from '@ours/platform/errors';
import {
  type ArchivePart,
  assertOutFree,
  type BackupManifest,
  dumpDatabase,
  writeBackupArchive,
} from '@ours/platform/operations';
import type { LabConfig } from '../../config.ts';
import { sealKeyCheck } from '../audit/audit-integrity.service.ts';
import { type LabBackupState, type ListedCertificate, readLabState } from './lab-backup-state.ts';
import { findLabSecrets, secretKeyBytes } from './lab-keys.ts';

const storedName = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(pdf|png|jpg)$/;

async function listFiles(directory: string): Promise<string[]> {
  try {
    return (await readdir(directory)).sort();
  } catch (error) {
    if (fieldOf(error, 'code') === 'ENOENT') return [];
    throw error;
  }
}

export interface LabBackupResult {
  manifest: BackupManifest<LabBackupState>;
  bytes: number;
  ms: number;
}

/**
 * One archive of the lab: the database dump, the certificate files (those with a stored name: an
 * upload in progress is not one), the embedded database's generated secrets when that is where they
 * live, and the manifest with the audit head read in the dump's own snapshot.
 */
export async function backupLab(
  config: LabConfig,
  out: string,
  now: () => Date = () => new Date(),
): Promise<LabBackupResult> {
  const started = performance.now();
  await assertOutFree(out);
  const workDir = await mkdtemp(join(tmpdir(), 'lab-backup-'));
  try {
    const embedded = !config.database.url;
    const dumpName = embedded ? 'database/pglite-datadir.tar.gz' : 'database/lab.pgdump';
    const dumpPath = join(workDir, 'database.dump');
    let listed: ListedCertificate[] = [];
    const dump = await dumpDatabase(config.database, dumpPath, async (client) => {
      const state = await readLabState(client);
      listed = state.certificates;
      return state.audit;
    });
    const parts: ArchivePart[] = [{ name: dumpName, path: dumpPath }];
    // After the dump: every file its rows name is on disk by now (files are written before their rows).
    const certificateDir = join(resolve(config.dataDir), 'certificates');
    const files = (await listFiles(certificateDir)).filter((name) => storedName.test(name));
    for (const name of files) parts.push({ name: `certificates/${name}`, path: join(certificateDir, name) });
    const present = new Set(files);
    const missing = listed.filter((row) => !present.has(row.storage_name)).map((row) => row.storage_name);
    const secrets = await findLabSecrets(config);
    if (embedded) {
      for (const secret of secrets) {
        if (secret.source === 'file' && secret.file) {
          parts.push({ name: `secrets/${secret.file.split('/').at(-1)}`, path: secret.file });
        }
      }
    }
    const secretKey = secretKeyBytes(secrets);
    const manifest = await writeBackupArchive<LabBackupState>(out, workDir, parts, {
      service: 'lab',
      created_at: now().toISOString(),
      schema_version: dump.schemaVersion,
      database: dump.database,
      tables: dump.tables,
      roles: dump.roles,
      service_state: {
        audit: dump.state,
        seal_key_check: secretKey ? sealKeyCheck(secretKey) : null,
        certificates: { listed: listed.length, missing },
        secrets_included: parts.some((part) => part.name.startsWith('secrets/')),
      },
    });
    return { manifest, bytes: (await stat(out)).size, ms: Math.round(performance.now() - started) };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
