import { useSyncExternalStore } from 'react';
import { setReachable } from '../api/connection-state.ts';

/**
 * The browser session. The access token lives in this module's memory only (never storage, never a
 * cookie script can read back into a request); the refresh token is in the server's HttpOnly
 * `lab_refresh` cookie, which only `/auth/refresh` and `/auth/logout` receive, each with the CSRF
 * token from the readable `lab_csrf` cookie in `X-CSRF-Token`. A reload re-establishes the access
 * token through that cookie.
 */
export type SessionState =
  | { status: 'restoring' }
  | { status: 'signed-out'; reason?: string | undefined }
  | { status: 'signed-in'; token: string; expiresAt: number };

export interface BrowserTokens {
  access_token: string;
  expires_in: number;
  csrf_token: string;
}

let state: SessionState = { status: 'restoring' };
const listeners = new Set<() => void>();
let refreshing: Promise<boolean> | undefined;

function set(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

function csrfToken(): string {
  const match = /(?:^|;\s*)lab_csrf=([^;]*)/.exec(document.cookie);
  return match?.[1] ? decodeURIComponent(match[1]) : '';
}

export function accessToken(): string | undefined {
  return state.status === 'signed-in' ? state.token : undefined;
}

/** Holds the tokens a sign-in (or refresh) answered. */
export function startSession(tokens: BrowserTokens): void {
  set({ status: 'signed-in', token: tokens.access_token, expiresAt: Date.now() + tokens.expires_in * 1000 });
}

async function postSessionCall(path: '/auth/refresh' | '/auth/logout'): Promise<Response> {
  return fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken() },
    body: '{}',
  });
}

/** How often a refresh the server could not answer (busy, restarting, unreachable) is tried. */
const refreshAttempts = 5;

async function attemptRefresh(): Promise<boolean> {
  if (!csrfToken()) return false;
  for (let attempt = 1; ; attempt++) {
    const response = await postSessionCall('/auth/refresh').catch(() => undefined);
    setReachable(response !== undefined);
    if (response?.ok) {
      startSession((await response.json()) as BrowserTokens);
      return true;
    }
    // A refusal (401, 400) means the session is gone; a busy or unreachable server does not.
    const transient = response === undefined || response.status >= 500 || response.status === 429;
    if (!transient || attempt === refreshAttempts) return false;
    await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
  }
}

/**
 * Trades the refresh cookie for a new access token; false when there is no session to refresh.
 * Concurrent callers share one request (the server rotates the refresh token on each use).
 */
export function refreshSession(): Promise<boolean> {
  // Cleared in a callback, after the assignment: a refresh that ends at once (no cookie) would
  // otherwise clear it before it is set, and every later caller would get its stale answer.
  refreshing ??= attemptRefresh().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

let restored: Promise<void> | undefined;

/** At start: a reload keeps the session the refresh cookie still holds. Resolves once known. */
export function restoreSession(): Promise<void> {
  // Signed in on this page already (the sign-in form answered tokens): nothing to restore.
  if (state.status === 'signed-in') restored ??= Promise.resolve();
  restored ??= refreshSession()
    .catch(() => false)
    .then((ok) => {
      // A sign-in that finished meanwhile stands; only an unknown session becomes signed out.
      if (!ok && state.status === 'restoring') set({ status: 'signed-out' });
    });
  return restored;
}

/** Before a call: refresh when the access token is within a minute of expiring. */
export async function ensureFreshToken(): Promise<void> {
  if (state.status !== 'signed-in' || state.expiresAt - Date.now() > 60_000) return;
  if (!(await refreshSession().catch(() => false))) sessionExpired();
}

/** The server said the session is gone (expired, revoked, account deactivated). */
export function sessionExpired(reason = 'Your session has ended. Please sign in again.'): void {
  if (state.status === 'signed-in') set({ status: 'signed-out', reason });
}

/** Ends the session on the server (its refresh token and cookies) and forgets the access token. */
export async function signOut(reason?: string): Promise<void> {
  set({ status: 'signed-out', reason });
  await postSessionCall('/auth/logout').catch(() => undefined);
}

export function useSession(): SessionState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
  );
}
