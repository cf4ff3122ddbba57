import { finished, PassThrough, type Readable } from 'node:stream';
import { AppError } from '@ours/platform/errors';
import type { FastifyRequest } from 'fastify';
import { maxCertificateBytes } from './certificate-store.ts';
import type { UploadPart } from './certificates.service.ts';

// The parser's own errors, as stable codes (its messages and 406 for "not multipart" are not ours).
const multipartCodes: Record<string, [number, string, string]> = {
  FST_INVALID_MULTIPART_CONTENT_TYPE: [415, 'multipart_required', 'Send the file as multipart/form-data'],
  FST_REQ_FILE_TOO_LARGE: [
    413,
    'certificate_too_large',
    `A certificate may be at most ${maxCertificateBytes} bytes`,
  ],
  FST_FILES_LIMIT: [413, 'too_many_files', 'Send exactly one file'],
  FST_PARTS_LIMIT: [413, 'too_many_parts', 'The form has too many parts'],
  FST_FIELDS_LIMIT: [413, 'too_many_parts', 'The form has too many fields'],
  FST_PROTO_VIOLATION: [400, 'invalid_multipart', 'The form uses a forbidden field name'],
  FST_MP_PREMATURE_CLOSE: [400, 'invalid_multipart', 'The upload ended early'],
};

/**
 * A failure of the multipart parser as the house error. Whatever the parser cannot read (no
 * boundary, a form or part cut short, garbage) is the client's doing: 400 `invalid_multipart`,
 * never the 500 its bare `Error`s would become.
 */
export function multipartError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  const known = typeof code === 'string' ? multipartCodes[code] : undefined;
  if (known) return new AppError(known[0], known[1], known[2], { cause: error });
  return new AppError(
    400,
    'invalid_multipart',
    'The multipart form could not be read: check its boundary and that it is complete',
    { cause: error },
  );
}

/**
 * A file part's bytes with the parser's failures (a part cut short) as `multipartError`s. A relay,
 * because the parser's stream also reports the reader's own failures (a full disk, say), which
 * must stay server errors. `truncated` (the size limit was hit) reads through.
 */
function relayFile(file: Readable & { truncated?: boolean }): Readable & { truncated?: boolean } {
  const relay = new PassThrough();
  // `finished`, not an 'error' listener: a form cut short may have failed the part already, before
  // it is handed over, and that must still reach the reader instead of leaving it waiting.
  finished(file, (error) => {
    if (error) relay.destroy(multipartError(error));
  });
  // The reader sees a failure through the stream's errored state even if it attaches later (it
  // awaits a mkdir first); without a listener meanwhile the failure would be an uncaught exception.
  relay.on('error', () => {});
  // A reader that stops early must not leave the parser waiting on this part.
  relay.on('close', () => file.resume());
  file.pipe(relay);
  return Object.defineProperty(relay, 'truncated', { get: () => file.truncated });
}

/**
 * The upload's parts as the certificate service reads them, with every failure of the parser,
 * from its part iterator or a file's stream, as a 4xx. The service's own errors pass untouched.
 */
export async function* certificateFormParts(request: FastifyRequest): AsyncGenerator<UploadPart> {
  try {
    for await (const part of request.parts()) {
      yield part.type === 'file'
        ? { type: 'file', filename: part.filename, file: relayFile(part.file) }
        : { type: 'field' };
    }
  } catch (error) {
    throw multipartError(error);
  }
}
