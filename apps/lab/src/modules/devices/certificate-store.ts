import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Readable, pipeline as streamPipeline, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, ValidationError } from '@ours/platform/errors';

/** The largest certificate accepted (10 MiB). */
export const maxCertificateBytes = 10 * 1024 * 1024;

export type CertificateType = 'application/pdf' | 'image/png' | 'image/jpeg';

// What the first bytes of each accepted format are. The client's file name and content type are
// never consulted: a PDF named .png is a PDF, and a script named .pdf is refused.
const formats: { type: CertificateType; ext: string; magic: Buffer }[] = [
  { type: 'application/pdf', ext: 'pdf', magic: Buffer.from('%PDF-', 'latin1') },
  { type: 'image/png', ext: 'png', magic: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { type: 'image/jpeg', ext: 'jpg', magic: Buffer.from([0xff, 0xd8, 0xff]) },
];
const headBytes = 8;

/** The accepted format these leading bytes start, if any. */
export function sniffCertificate(head: Buffer): { type: CertificateType; ext: string } | undefined {
  return formats.find((format) => head.subarray(0, format.magic.length).equals(format.magic));
}

/** Every stored name is `<uuid>.<ext>`, made here: checked again before any file system use. */
const storageNamePattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(pdf|png|jpg)$/;

function storagePath(dataDir: string, storageName: string): string {
  if (!storageNamePattern.test(storageName)) throw new Error(`refusing storage name ${storageName}`);
  return join(resolve(dataDir), 'certificates', storageName);
}

export interface StoredCertificate {
  storage_name: string;
  media_type: CertificateType;
  size_bytes: number;
  sha256: string;
}

/**
 * Streams an uploaded file to `<dataDir>/certificates/<new uuid>.upload` while hashing and
 * counting it, then checks it: over the limit (the multipart parser truncates at it) is 413
 * `certificate_too_large`, empty is 400, anything but PDF/PNG/JPEG by content is 415. Accepted
 * files are renamed to `<uuid>.<ext>`; refused ones are removed. No client text reaches a path.
 */
export async function storeCertificate(
  dataDir: string,
  file: Readable & { truncated?: boolean },
): Promise<StoredCertificate> {
  const directory = join(resolve(dataDir), 'certificates');
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const id = randomUUID();
  const upload = join(directory, `${id}.upload`);
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      if (head.length < headBytes) head = Buffer.concat([head, chunk.subarray(0, headBytes - head.length)]);
      done(null, chunk);
    },
  });
  try {
    await pipeline(file, meter, createWriteStream(upload, { flags: 'wx', mode: 0o600 }));
    if (file.truncated || size > maxCertificateBytes) {
      throw new AppError(
        413,
        'certificate_too_large',
        `A certificate may be at most ${maxCertificateBytes} bytes`,
      );
    }
    if (size === 0) throw new ValidationError('empty_file', 'The file is empty');
    const format = sniffCertificate(head);
    if (!format) {
      throw new AppError(
        415,
        'unsupported_certificate_type',
        'A certificate must be a PDF, PNG or JPEG file',
        {
          details: { accepted: formats.map((candidate) => candidate.type) },
        },
      );
    }
    const storageName = `${id}.${format.ext}`;
    await rename(upload, storagePath(dataDir, storageName));
    return {
      storage_name: storageName,
      media_type: format.type,
      size_bytes: size,
      sha256: hash.digest('hex'),
    };
  } catch (error) {
    await rm(upload, { force: true });
    throw error;
  }
}

/** Removes a stored certificate whose database row was never committed. */
export async function discardCertificate(dataDir: string, storageName: string): Promise<void> {
  await rm(storagePath(dataDir, storageName), { force: true });
}

/** Opens a stored certificate (before its download is audited, so a missing file is never logged as sent). */
export async function openCertificate(dataDir: string, storageName: string): Promise<FileHandle> {
  try {
    return await open(storagePath(dataDir, storageName), 'r');
  } catch (error) {
    throw new AppError(500, 'certificate_file_missing', 'The certificate file is missing from storage', {
      cause: error,
    });
  }
}

/**
 * The file's bytes, checked against the SHA-256 recorded at upload. The last chunk is held back
 * until the whole file has been hashed: if the file changed on disk the stream fails instead, so a
 * client never receives a silently altered certificate in full.
 */
export function verifiedStream(handle: FileHandle, sha256: string): Readable {
  const hash = createHash('sha256');
  let held: Buffer | undefined;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      const previous = held;
      held = chunk;
      done(null, previous);
    },
    flush(done) {
      const actual = hash.digest('hex');
      if (actual !== sha256) {
        done(new Error(`certificate content changed on disk (sha256 ${actual})`));
        return;
      }
      done(null, held);
    },
  });
  // Either side failing (or the client going away) destroys both, which closes the file.
  return streamPipeline(handle.createReadStream(), check, () => {});
}
