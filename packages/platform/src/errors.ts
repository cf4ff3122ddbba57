/** Details attached to an error reply, e.g. per-field validation problems. */
export type ErrorDetails = Record<string, unknown> | unknown[];

/**
 * The one error family services throw. The HTTP layer maps it to
 * `{ error: { code, message, details? } }` with `statusCode`.
 */
export class AppError extends Error {
  override name = 'AppError';
  readonly statusCode: number;
  readonly code: string;
  readonly details: ErrorDetails | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    options: { cause?: unknown; details?: ErrorDetails; headers?: Record<string, string> } = {},
  ) {
    super(message, { cause: options.cause });
    this.statusCode = statusCode;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
  }
}

export class ValidationError extends AppError {
  override name = 'ValidationError';
  constructor(code: string, message: string, details?: ErrorDetails) {
    super(400, code, message, { details });
  }
}

export class UnauthorizedError extends AppError {
  override name = 'UnauthorizedError';
  constructor(code: string, message: string) {
    super(401, code, message, { headers: { 'www-authenticate': 'Bearer' } });
  }
}

export class ForbiddenError extends AppError {
  override name = 'ForbiddenError';
  constructor(code: string, message: string) {
    super(403, code, message);
  }
}

export class NotFoundError extends AppError {
  override name = 'NotFoundError';
  constructor(code: string, message: string) {
    super(404, code, message);
  }
}

export class ConflictError extends AppError {
  override name = 'ConflictError';
  constructor(code: string, message: string, details?: ErrorDetails) {
    super(409, code, message, { details });
  }
}

/**
 * A field of an error-like value of unknown shape (driver errors carry `code`, `constraint`,
 * `statusCode`), or undefined: read without asserting a type the value may not have.
 */
export function fieldOf(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && name in value ? Reflect.get(value, name) : undefined;
}

/**
 * The code of a failed network call (`ECONNREFUSED`, `UND_ERR_CONNECT_TIMEOUT`…), from fetch's
 * `cause` or the error itself, when it looks like one: safe to log or store, unlike a message that
 * may name the URL.
 */
export function networkErrorCode(error: unknown): string | undefined {
  const code = fieldOf(fieldOf(error, 'cause'), 'code') ?? fieldOf(error, 'code');
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : undefined;
}

/** What a caught value says: an Error's message, or the value as text (a thrown string, say). */
export function messageOf(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}
