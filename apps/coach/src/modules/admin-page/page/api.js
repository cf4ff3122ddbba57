// Calls to the coach's service-role APIs with the operator's token. The page stores nothing else.

const tokenKey = 'coach-admin-token';

/** The signed-in token, kept for this tab only (sessionStorage), or null. */
export function storedToken() {
  return sessionStorage.getItem(tokenKey);
}

/** @param {string} token */
export function storeToken(token) {
  sessionStorage.setItem(tokenKey, token);
}

export function forgetToken() {
  sessionStorage.removeItem(tokenKey);
}

/** A refused or failed call, with the HTTP status (0 when the server could not be reached). */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * GETs a JSON document with the bearer token; throws ApiError on anything but 2xx.
 * @param {string} path
 * @param {string} token
 * @returns {Promise<any>}
 */
export async function getJson(path, token) {
  let response;
  try {
    response = await fetch(path, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
  } catch {
    throw new ApiError(0, 'unreachable', 'The coach could not be reached. Check that it is running.');
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = body && typeof body === 'object' && 'error' in body ? body.error : body;
    throw new ApiError(
      response.status,
      typeof error?.code === 'string' ? error.code : 'http_error',
      typeof error?.message === 'string' ? error.message : `The server answered ${response.status}.`,
    );
  }
  return body;
}

/**
 * What an operator should read for a refused token, or null when the error is not about the token.
 * @param {unknown} error
 */
export function tokenProblem(error) {
  if (!(error instanceof ApiError)) return null;
  if (error.status === 401)
    return 'This token was not accepted: it is not valid for this server, or it has expired. Make a new one with npm run coach -- token --service.';
  if (error.status === 403)
    return 'This is a user’s token, not a service-role token. The operator page needs a service-role token.';
  if (error.status === 429) return 'Too many attempts from this address. Wait a minute and try again.';
  return null;
}
