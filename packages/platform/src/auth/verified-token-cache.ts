const defaultEntries = 10_000;
const defaultTtlMs = 60_000;

/**
 * Remembers verified tokens briefly: a client sends the same token with every request, and the
 * signature check was a tenth of a request's CPU (WebCrypto HMAC through jose). An entry lives until
 * the token expires or for `ttlMs`, whichever is sooner, so a key withdrawn from a JWKS stops being
 * honoured within a minute. Only the signature and claims check is skipped: callers still apply
 * whatever they check per request (revocation, roles). Times are the caller's clock (`nowMs`).
 */
export class VerifiedTokenCache<T> {
  readonly #entries = new Map<string, { value: T; until: number }>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;

  constructor(options: { maxEntries?: number; ttlMs?: number } = {}) {
    this.#maxEntries = options.maxEntries ?? defaultEntries;
    this.#ttlMs = options.ttlMs ?? defaultTtlMs;
  }

  get(token: string, nowMs = Date.now()): T | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    if (nowMs < entry.until) return entry.value;
    this.#entries.delete(token);
    return undefined;
  }

  set(token: string, value: T, expiresAtMs: number, nowMs = Date.now()): void {
    const oldest = this.#entries.keys().next();
    if (this.#entries.size >= this.#maxEntries && !oldest.done) this.#entries.delete(oldest.value);
    this.#entries.set(token, { value, until: Math.min(expiresAtMs, nowMs + this.#ttlMs) });
  }
}
