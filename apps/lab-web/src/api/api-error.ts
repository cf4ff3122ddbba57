/** A refusal from the lab API, in its one error shape: a stable `code` and a human `message`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly requestId: string | undefined;

  constructor(status: number, code: string, message: string, details?: unknown, requestId?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.requestId = requestId;
  }
}

/** The server could not be reached at all (network down, server stopped): worth retrying. */
export class ConnectionError extends Error {
  constructor() {
    super('The lab server cannot be reached. Retrying…');
    this.name = 'ConnectionError';
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}

/** Reads a failed response into an ApiError, whatever its body (the house shape, or none). */
export async function apiErrorOf(response: Response, body?: unknown): Promise<ApiError> {
  let parsed = body as ErrorBody | undefined;
  if (parsed === undefined) parsed = (await response.json().catch(() => undefined)) as ErrorBody | undefined;
  const requestId = response.headers.get('x-request-id') ?? undefined;
  const code = parsed?.error?.code ?? `http_${response.status}`;
  const message = parsed?.error?.message ?? fallbackMessage(response.status);
  return new ApiError(response.status, code, message, parsed?.error?.details, requestId);
}

function fallbackMessage(status: number): string {
  if (status === 401) return 'Your session has ended. Please sign in again.';
  if (status === 403) return 'You do not have permission to do this.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many requests. Wait a moment and try again.';
  if (status >= 500)
    return 'The lab server had a problem. Try again; if it persists, tell your administrator.';
  return `The request was refused (${status}).`;
}

/** What to show a person for any error a call can end in: never a stack, never blank. */
export function messageFor(error: unknown): string {
  if (error instanceof ApiError) {
    const suffix = error.status >= 500 && error.requestId ? ` (reference ${error.requestId})` : '';
    return `${error.message}${suffix}`;
  }
  if (error instanceof ConnectionError) return error.message;
  return 'Something went wrong in the page. Reload it; if it persists, tell your administrator.';
}
