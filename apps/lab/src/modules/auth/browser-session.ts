import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '@ours/platform/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TokenPair } from './sessions.service.ts';

/**
 * The browser's way to hold a session: the access token stays in the page's memory, the refresh
 * token in an HttpOnly cookie scoped to /auth (script never sees it), SameSite=Strict (no other
 * site's page can send it), Secure over HTTPS. A cookie-borne refresh also needs a CSRF token in the
 * `X-CSRF-Token` header: the HMAC of that refresh token under a key derived from the server secret,
 * which the page reads from the `lab_csrf` cookie (signed double submit: a planted cookie pair cannot
 * match without the refresh token). API clients keep the JSON mode.
 */
export const refreshCookie = 'lab_refresh';
export const csrfCookie = 'lab_csrf';
export const csrfHeader = 'x-csrf-token';

/** What a browser session answers in place of the refresh token. */
export type BrowserTokens = Omit<TokenPair, 'refresh_token'> & { csrf_token: string };

export function csrfKey(secretKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), 'polymorph-lite browser csrf v1', 32));
}

export function csrfTokenFor(key: Buffer, refreshToken: string): string {
  return createHmac('sha256', key).update(refreshToken).digest('base64url');
}

function cookieOptions(request: FastifyRequest, days: number) {
  return {
    sameSite: 'strict' as const,
    secure: request.protocol === 'https',
    maxAge: days * 86_400,
  };
}

/** Puts a new pair's refresh token in its cookie (with its CSRF cookie); answers the page's part. */
export function startBrowserSession(
  request: FastifyRequest,
  reply: FastifyReply,
  pair: TokenPair,
  settings: { key: Buffer; refreshDays: number },
): BrowserTokens {
  const { refresh_token: refreshToken, ...page } = pair;
  const csrf = csrfTokenFor(settings.key, refreshToken);
  const options = cookieOptions(request, settings.refreshDays);
  reply.setCookie(refreshCookie, refreshToken, { ...options, httpOnly: true, path: '/auth' });
  reply.setCookie(csrfCookie, csrf, { ...options, httpOnly: false, path: '/' });
  return { ...page, csrf_token: csrf };
}

/** Ends the browser's cookies (sign-out, or a refresh that failed). */
export function clearBrowserSession(request: FastifyRequest, reply: FastifyReply): void {
  const options = { sameSite: 'strict' as const, secure: request.protocol === 'https' };
  reply.clearCookie(refreshCookie, { ...options, httpOnly: true, path: '/auth' });
  reply.clearCookie(csrfCookie, { ...options, path: '/' });
}

/**
 * The refresh token a cookie-mode request carries, once its CSRF header proves the page read our
 * cookie; undefined when the request has no refresh cookie (JSON mode). 401 `csrf_failed` otherwise.
 */
export function cookieRefreshToken(request: FastifyRequest, key: Buffer): string | undefined {
  const token = request.cookies[refreshCookie];
  if (!token) return undefined;
  const header = request.headers[csrfHeader];
  const given = Buffer.from(typeof header === 'string' ? header : '');
  const expected = Buffer.from(csrfTokenFor(key, token));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new UnauthorizedError(
      'csrf_failed',
      'Send the X-CSRF-Token header with the value of the lab_csrf cookie',
    );
  }
  return token;
}
