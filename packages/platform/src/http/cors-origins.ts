/** Decides whether a browser origin may call the API. */
export type OriginMatcher = (origin: string) => boolean;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Compiles allowed origins such as `https://app.example.com` or `https://*.example.com`. A `*` stands
 * for exactly one DNS label, and scheme and port must match exactly, so `https://*.example.com`
 * admits `https://app.example.com` but not `https://example.com.evil.net` or `http://app.example.com`.
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
