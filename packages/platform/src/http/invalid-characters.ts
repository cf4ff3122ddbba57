import { isUtf8 } from 'node:buffer';
import { ValidationError } from '../errors.ts';
import type { RouteScope } from './route-scope.ts';

/*
 * One rule for all text a request carries (JSON and CSV bodies, paths, query strings): it must be
 * well-formed Unicode without NUL. PostgreSQL text cannot hold NUL; a lone UTF-16 surrogate (JSON
 * `"\ud800"`, or `%ED%A0%80` in a URL) has no UTF-8 form, so the driver would store U+FFFD in its
 * place and the audit canonicaliser refuses it outright; bytes that are not UTF-8 would silently turn
 * into U+FFFD too. Such a request could only fail half-way or be stored changed: it is refused up
 * front with a 400 `invalid_characters`.
 */

/** The 400 for text that breaks the rule; `what` names the offending characters. */
export function invalidCharacters(what: string): ValidationError {
  return new ValidationError('invalid_characters', `The request contains ${what}, which is not allowed`);
}

/** What breaks the rule in a body's bytes, if anything: bytes that are not UTF-8, or a NUL. */
export function bodyTextProblem(raw: Buffer): string | undefined {
  if (!isUtf8(raw)) return 'bytes that are not UTF-8 text';
  return raw.includes(0) ? 'a NUL character' : undefined;
}

// A JSON escape counts only after an even number of backslashes (`\\u0000` is a backslash and text).
const escapedNul = /(?<!\\)(?:\\\\)*\\u0000/;
// Any surrogate escape at all: cheap to rule out, so only such bodies have their parsed value walked.
const surrogateEscape = /\\u[dD][89a-fA-F]/;

/** Whether every string in a parsed JSON value, keys included, is well-formed Unicode. */
function wellFormed(value: unknown): boolean {
  if (typeof value === 'string') return value.isWellFormed();
  if (Array.isArray(value)) return value.every(wellFormed);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).every(([key, item]) => key.isWellFormed() && wellFormed(item));
  }
  return true;
}

/** What breaks the rule in JSON text and the value parsed from it: an escaped NUL or lone surrogate. */
export function jsonTextProblem(text: string, value: unknown): string | undefined {
  if (escapedNul.test(text)) return 'a NUL character';
  if (surrogateEscape.test(text) && !wellFormed(value)) return 'a lone UTF-16 surrogate';
  return undefined;
}

// Percent-escapes that are all well-formed (`%` and two hex digits), so the URL names definite bytes.
const malformedEscape = /%(?![0-9a-fA-F]{2})/;

/**
 * What breaks the rule in a URL (path and query string), if anything: a NUL, or percent-escapes that
 * do not spell UTF-8 text (a lone surrogate, `%FF`). Malformed escapes are the router's to refuse.
 */
export function urlTextProblem(url: string): string | undefined {
  if (!url.includes('%')) return undefined;
  if (/%00/.test(url)) return 'a NUL character';
  if (malformedEscape.test(url)) return undefined;
  const bytes = Buffer.from(
    url.replace(/%([0-9a-fA-F]{2})/g, (_escape, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    ),
    'latin1',
  );
  return isUtf8(bytes) ? undefined : 'percent-escapes that are not UTF-8 text (such as a lone surrogate)';
}

/** Refuses a path or query string that breaks the rule, before any route or hook reads it. */
export function refuseInvalidUrlText(app: RouteScope): void {
  app.addHook('onRequest', async (request) => {
    const problem = urlTextProblem(request.url);
    if (problem) throw invalidCharacters(problem);
  });
}
