import createClient, { type Middleware } from 'openapi-fetch';
import { accessToken, ensureFreshToken, sessionExpired } from '../session/session-store.ts';
import { ApiError, apiErrorOf, ConnectionError } from './api-error.ts';
import { setReachable } from './connection-state.ts';
import type { paths } from './lab-api.generated.ts';

/**
 * The lab API, typed from its OpenAPI document. Every call carries the in-memory access token
 * (refreshed through the session cookie shortly before it expires) and fails with an ApiError or
 * a ConnectionError, so pages only ever handle those two.
 */
/** The calls made without a session: they obtain, refresh or end one, or precede it. */
const sessionless = new Set([
  '/auth/setup',
  '/auth/login',
  '/auth/mfa',
  '/auth/refresh',
  '/auth/logout',
  '/auth/settings',
]);
/** Refusals that mean the session itself is gone (not a wrong password in a signing dialog). */
const sessionEnded = new Set([
  'token_expired',
  'invalid_token',
  'session_revoked',
  'missing_token',
  'account_inactive',
]);

const authenticate: Middleware = {
  async onRequest({ request, schemaPath }) {
    if (sessionless.has(schemaPath)) return request;
    await ensureFreshToken();
    const token = accessToken();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  async onResponse({ response, schemaPath }) {
    setReachable(true);
    if (response.status === 401 && !sessionless.has(schemaPath)) {
      const error = await apiErrorOf(response.clone());
      if (sessionEnded.has(error.code)) sessionExpired(error.message);
    }
    return response;
  },
  onError() {
    setReachable(false);
    return new ConnectionError();
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(authenticate);

/** The data of a call, or its error thrown: `const sample = await data(api.GET(...))`. */
export async function data<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<NonNullable<T>> {
  let result: Awaited<typeof call>;
  try {
    result = await call;
  } catch (error) {
    if (error instanceof ApiError || error instanceof ConnectionError) throw error;
    setReachable(false);
    throw new ConnectionError();
  }
  if (!result.response.ok) throw await apiErrorOf(result.response, result.error);
  return result.data as NonNullable<T>;
}

/**
 * A call outside the typed client (files either way: openapi-fetch's bodies are JSON), with the
 * access token, answering the response once it is a success; an ApiError or ConnectionError otherwise.
 */
async function authorizedFetch(path: string, init: RequestInit): Promise<Response> {
  await ensureFreshToken();
  const headers = new Headers(init.headers);
  const token = accessToken();
  if (token) headers.set('authorization', `Bearer ${token}`);
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch {
    setReachable(false);
    throw new ConnectionError();
  }
  setReachable(true);
  if (!response.ok) {
    const error = await apiErrorOf(response);
    if (response.status === 401 && sessionEnded.has(error.code)) sessionExpired(error.message);
    throw error;
  }
  return response;
}

/** A call that answers a file (CSV, PNG, PDF): its bytes as a Blob, or its error thrown. */
export async function download(path: string, init: RequestInit = {}): Promise<Blob> {
  return (await authorizedFetch(path, init)).blob();
}

/** Sends a file as multipart/form-data (`form`), answering the JSON reply, or its error thrown. */
export async function upload<T>(path: string, form: FormData): Promise<T> {
  return (await (await authorizedFetch(path, { method: 'POST', body: form })).json()) as T;
}

/** Saves a Blob as a file the way a browser download does. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
