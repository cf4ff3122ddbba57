import { describe, expect, it } from 'vitest';
import { VerifiedTokenCache } from '../src/auth/verified-token-cache.ts';

describe('verified token cache', () => {
  it('keeps a token until it expires or the time to live passes, on the caller clock', () => {
    const cache = new VerifiedTokenCache<string>({ ttlMs: 60_000 });
    cache.set('short', 'a', 10_000, 0);
    cache.set('long', 'b', 600_000, 0);
    expect(cache.get('short', 9_999)).toBe('a');
    expect(cache.get('short', 10_000)).toBeUndefined();
    expect(cache.get('long', 59_999)).toBe('b');
    expect(cache.get('long', 60_000)).toBeUndefined();
    expect(cache.get('never', 0)).toBeUndefined();
  });

  it('drops the oldest entry when full', () => {
    const cache = new VerifiedTokenCache<number>({ maxEntries: 2 });
    cache.set('one', 1, 1_000, 0);
    cache.set('two', 2, 1_000, 0);
    cache.set('three', 3, 1_000, 0);
    expect([cache.get('one', 1), cache.get('two', 1), cache.get('three', 1)]).toEqual([undefined, 2, 3]);
  });
});
