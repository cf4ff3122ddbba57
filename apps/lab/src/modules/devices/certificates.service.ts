import type { FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { NotFoundError, ValidationError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { inLabs, readInLabs } from '../sites/index.ts';
import {
  type CertificateRow,
  calibrationById,
  certificateFile,
  insertCertificate,
} from './calibration.repository.ts';
import {
  discardCertificate,
  openCertificate,
  type StoredCertificate,
  storeCertificate,
  verifiedStream,
} from './certificate-store.ts';
import { oneDevice } from './device-status.ts';

/** One part of a multipart upload, as the parser hands it over. */
export type UploadPart =
  | { type: 'file'; filename: string; file: Readable & { truncated?: boolean } }
  | { type: 'field' };

/** The client's file name as text for people: last path segment, no control characters, bounded. */
function displayName(filename: string): string {
  return basename(filename.replaceAll('\\', '/'))
    .replace(/\p{Cc}/gu, '')
    .slice(0, 255);
}

async function visibleEntry(ctx: LabContext, caller: Principal, id: string) {
  const entry = await calibrationById(readInLabs(ctx.db, caller.lab_ids), id);
  if (!entry) throw new NotFoundError('calibration_not_found', `There is no calibration entry ${id}`);
  return entry;
}

/**
 * Adds a certificate to a calibration entry as a new version (earlier versions stay, nothing is
 * overwritten). Exactly one file part; its content decides the type. The file is written first
 * under a server-made name and removed again if the database refuses the row.
 */
export async function uploadCertificate(
  ctx: LabContext,
  caller: Principal,
  entryId: string,
  parts: () => AsyncIterable<UploadPart>,
  actor: AuditActor,
): Promise<CertificateRow> {
  // Before reading the body: an entry the caller cannot see is a 404 whatever was sent.
  await visibleEntry(ctx, caller, entryId);
  const { dataDir } = ctx.config;
  let stored: (StoredCertificate & { client_filename: string }) | undefined;
  try {
    for await (const part of parts()) {
      if (part.type !== 'file') continue;
      // The parser's file limit of 1 refuses a second file before it gets here.
      stored = {
        ...(await storeCertificate(dataDir, part.file)),
        client_filename: displayName(part.filename),
      };
    }
    if (!stored) throw new ValidationError('file_required', 'Send the certificate as a multipart file part');
    const file = stored;
    return await inLabs(ctx.db, caller.lab_ids, async (tx) => {
      const entry = await calibrationById(tx, entryId);
      if (!entry)
        throw new NotFoundError('calibration_not_found', `There is no calibration entry ${entryId}`);
      await oneDevice(tx, entry.device_id, 'update');
      const certificate = await insertCertificate(tx, {
        lab_id: entry.lab_id,
        calibration_id: entry.id,
        storage_name: file.storage_name,
        media_type: file.media_type,
        size_bytes: file.size_bytes,
        sha256: file.sha256,
        client_filename: file.client_filename,
        uploaded_by: caller.id,
      });
      await ctx.audit.append(tx, {
        ...actor,
        action: 'calibration.certificate_upload',
        entity_type: 'calibration',
        entity_id: entry.id,
        before: null,
        after: { ...certificate, storage_name: file.storage_name },
        reason: null,
      });
      return certificate;
    });
  } catch (error) {
    if (stored) await discardCertificate(dataDir, stored.storage_name);
    throw error;
  }
}

/**
 * A certificate version (the latest by default) to stream back; the download is audited. The file
 * is opened before the audit entry is written, so a missing file is never recorded as sent.
 */
export async function downloadCertificate(
  ctx: LabContext,
  caller: Principal,
  entryId: string,
  version: number | undefined,
  actor: AuditActor,
): Promise<{ certificate: CertificateRow; body: Readable; filename: string }> {
  let handle: FileHandle | undefined;
  try {
    const found = await inLabs(ctx.db, caller.lab_ids, async (tx) => {
      const entry = await calibrationById(tx, entryId);
      if (!entry)
        throw new NotFoundError('calibration_not_found', `There is no calibration entry ${entryId}`);
      const file = await certificateFile(tx, entry.id, version);
      if (!file) {
        throw new NotFoundError(
          'certificate_not_found',
          version === undefined
            ? 'This entry has no certificate'
            : `This entry has no certificate version ${version}`,
        );
      }
      const opened = await openCertificate(ctx.config.dataDir, file.storage_name);
      handle = opened;
      await ctx.audit.append(tx, {
        ...actor,
        action: 'calibration.certificate_download',
        entity_type: 'calibration',
        entity_id: entry.id,
        before: null,
        after: { version: file.version, sha256: file.sha256 },
        reason: null,
      });
      return { entry, file, opened };
    });
    const { storage_name: storageName, ...certificate } = found.file;
    const extension = storageName.slice(storageName.lastIndexOf('.'));
    return {
      certificate,
      body: verifiedStream(found.opened, certificate.sha256),
      filename: `calibration-${found.entry.device_business_id}-${found.entry.performed_at.slice(0, 10)}-v${certificate.version}${extension}`,
    };
  } catch (error) {
    await handle?.close();
    throw error;
  }
}
