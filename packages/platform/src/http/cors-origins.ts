/** Decides whether a browser origin may call the API. */
export type OriginMatcher = (origin: string) => boolean;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Compiles allowed origins such as `https://app.strukt.fit` or `https://*.strukt.fit`. A `*` stands
 * for exactly one DNS label, and scheme and port must match exactly, so `https://*.strukt.fit`
 * admits `https://app.strukt.fit` but not `https://strukt.fit.evil.com` or `http://app.strukt.fit`.
 */
export function compileOriginMatcher(allowed: string[]): OriginMatcher {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of allowed) {
    const origin = entry.trim().replace(/\/+$/, '').toLowerCase();
    if (!origin) continue;
    if (origin.includes('*')) {
      const source = origin.split('*').map(escapeRegExp).join('[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?');
      patterns.push(new RegExp(`^${source}$`));
    } else {
      exact.add(origin);
    }
  }
  return (origin) => {
    const candidate = origin.toLowerCase();
    return exact.has(candidate) || patterns.some((pattern) => pattern.test(candidate));
  };
}
