import { describe, expect, it } from 'vitest';
import { compileOriginMatcher } from '../src/http/cors-origins.ts';

const matches = compileOriginMatcher([
  'https://app.strukt.fit',
  'https://*.strukt.fit',
  'https://*.expo.dev',
  'http://localhost:3000',
]);

describe('compileOriginMatcher', () => {
  it.each([
    ['https://app.strukt.fit', true],
    ['https://APP.strukt.fit', true],
    ['https://a-b.strukt.fit', true],
    ['https://preview.expo.dev', true],
    ['http://localhost:3000', true],
    ['https://strukt.fit', false],
    ['https://x.y.strukt.fit', false],
    ['https://-bad.strukt.fit', false],
    ['https://strukt.fit.evil.com', false],
    ['https://app.strukt.fit.evil.com', false],
    ['https://evilstrukt.fit', false],
    ['http://app.strukt.fit', false],
    ['https://app.strukt.fit:444', false],
    ['http://localhost:3001', false],
    ['https://app_strukt.fit', false],
  ])('%s → %s', (origin, expected) => {
    expect(matches(origin)).toBe(expected);
  });

  it('treats regex characters in entries literally', () => {
    const strict = compileOriginMatcher(['https://a.b']);
    expect(strict('https://aXb')).toBe(false);
  });
});
