import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, fieldOf } from '../errors.ts';
import type { ErrorBody } from './error-responses.ts';
import { unavailableError } from './unavailable.ts';

function fromFastifyError(error: FastifyError): AppError | undefined {
  if (error.validation) {
    const details = error.validation.map((issue) => ({
      field: `${error.validationContext ?? ''}${issue.instancePath}`,
      problem: issue.message,
      ...(issue.params && Object.keys(issue.params).length > 0 ? { params: issue.params } : {}),
    }));
    return new AppError(400, 'validation_failed', `Invalid request: ${error.message}`, { details });
  }
  const status = error.statusCode ?? 500;
  if (status >= 500) return undefined;
  const codes: Record<string, string> = {
    FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
    FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
    FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
    FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
    FST_ERR_BAD_URL: 'invalid_url',
    FST_ERR_MAX_PARAM_LENGTH: 'path_too_long',
  };
  const code = codes[error.code] ?? (status === 429 ? 'rate_limited' : 'bad_request');
  // The router's own messages quote the whole path back, however long: say what was wrong instead.
  const messages: Record<string, string> = {
    FST_ERR_BAD_URL: 'The URL has an invalid percent-encoding',
    FST_ERR_MAX_PARAM_LENGTH: 'A path segment is too long',
    FST_ERR_CTP_INVALID_MEDIA_TYPE:
      "The body's Content-Type is not one this route accepts (JSON unless its API document says otherwise)",
  };
  return new AppError(status, code, messages[error.code] ?? error.message);
}

/** The database's own error (SQLSTATE and constraint), looking through any errors that wrap it. */
function databaseError(error: unknown): { code: string; constraint?: string } | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = fieldOf(current, 'code');
    const constraint = fieldOf(current, 'constraint');
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
      return typeof constraint === 'string' ? { code, constraint } : { code };
    }
  }
  return undefined;
}

const sqlState = (error: unknown) => databaseError(error)?.code;

/** Normalises anything thrown into an AppError; unknown failures become an opaque 500. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const unavailable = unavailableError(error);
  if (unavailable) return unavailable;
  // Class 22 is "data exception": a value the database cannot take (a date out of range, say).
  const state = sqlState(error);
  if (state?.startsWith('22')) {
    return new AppError(400, 'invalid_value', 'A value in the request is out of the accepted range', {
      cause: error,
    });
  }
  // 23514: a CHECK constraint refused a value the request schema let through. Still the request's
  // fault, and nothing was written (the transaction rolled back).
  if (state === '23514') {
    return new AppError(400, 'invalid_value', 'A value in the request breaks a rule of the record', {
      cause: error,
    });
  }
  if (error && typeof error === 'object' && 'statusCode' in error) {
    // Anything with a statusCode here was thrown by Fastify or one of its plugins: a FastifyError.
    const mapped = fromFastifyError(error as FastifyError);
    if (mapped) return mapped;
  }
  return new AppError(500, 'internal_error', 'Something went wrong on our side', { cause: error });
}

/** The one error handler: a stable `code`, a human message, and no internals on 5xx. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = toAppError(error);
  const body: ErrorBody = { error: { code: appError.code, message: appError.message } };
  if (appError.details !== undefined) body.error.details = appError.details;
  const refusedBy = databaseError(error);
  if (refusedBy?.code === '23514') {
    // A CHECK refused a value: usually the request's fault, but possibly a server bug; keep a trace
    // (the constraint's name only: the failed statement's parameters may hold personal data).
    request.log.warn(
      { constraint: refusedBy.constraint, route: request.routeOptions?.url },
      'check constraint refused a value',
    );
  }
  if (appError.statusCode >= 500) {
    body.error.request_id = request.id;
    request.log.error(
      { err: error, method: request.method, route: request.routeOptions.url },
      'request failed',
    );
  }
  if (appError.headers) reply.headers(appError.headers);
  return reply.code(appError.statusCode).type('application/json').send(body);
}
