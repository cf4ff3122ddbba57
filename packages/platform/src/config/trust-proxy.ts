import { isIP } from 'node:net';
import { ConfigError, type Env, envBool, envStr } from './env.ts';

const proxyKeywords = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** false, true (trust every hop: only behind a proxy that overwrites X-Forwarded-For), or a list. */
export function envTrustProxy(env: Env): boolean | string {
  const raw = envStr(env, 'TRUST_PROXY');
  if (raw === undefined) return false;
  if (['true', 'false'].includes(raw.toLowerCase())) return envBool(env, 'TRUST_PROXY') ?? false;
  for (const entry of raw.split(',').map((item) => item.trim())) {
    const [address, bits, ...rest] = entry.split('/');
    const prefix = bits === undefined ? undefined : Number(bits);
    const maxPrefix = isIP(address ?? '') === 4 ? 32 : 128;
    const validPrefix =
      prefix === undefined || (Number.isInteger(prefix) && prefix >= 0 && prefix <= maxPrefix);
    if (!proxyKeywords.has(entry) && (rest.length > 0 || !isIP(address ?? '') || !validPrefix)) {
      throw new ConfigError(
        'TRUST_PROXY',
        `must be true, false, or a comma list of proxy addresses/CIDRs, got "${entry}"`,
      );
    }
  }
  return raw;
}
