import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalJson } from '../src/modules/audit/canonical-json.ts';

/** A small seeded generator, so a failure names a case that can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const strings = [
  '',
  'a',
  'Zoë',
  '€',
  '🧪',
  'line\nbreak',
  'tab\t',
  'quote"',
  'back\\slash',
  '\u0000',
  '\u2028',
  'é',
  'e\u0301',
  '\u007f',
];
const numbers = [
  0,
  -0,
  1,
  -1,
  0.1,
  1e21,
  1e-7,
  123456789.123456,
  2 ** 53 - 1,
  -(2 ** 31),
  5e-324,
  1.7976931348623157e308,
];

function value(next: () => number, depth: number): unknown {
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)] as T;
  const kind = depth > 3 ? Math.floor(next() * 4) : Math.floor(next() * 6);
  switch (kind) {
    case 0:
      return pick(strings) + pick(strings);
    case 1:
      return pick(numbers);
    case 2:
      return pick([true, false, null]);
    case 3:
      return pick(strings);
    case 4:
      return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(next() * 5) }, () => [
          pick(strings) + pick(strings),
          value(next, depth + 1),
        ]),
      );
  }
}

describe('the one canonicaliser (RFC 8785)', () => {
  it('writes byte for byte what the reference implementation writes, for 2,000 random JSON values', () => {
    for (let seed = 1; seed <= 2_000; seed += 1) {
      const input = value(random(seed), 0);
      expect(canonicalJson(input), `seed ${seed}`).toBe(canonicalize(input));
    }
  });

  it('sorts keys by UTF-16 code units and uses ECMAScript numbers', () => {
    expect(canonicalJson({ b: 1, a: [1e21, 0.5, -0], '\u20ac': 'x', '\ud83e\uddea': true, A: null })).toBe(
      '{"A":null,"a":[1e+21,0.5,0],"b":1,"€":"x","🧪":true}',
    );
  });

  it('uses toJSON and leaves out undefined members, as JSON.stringify does', () => {
    expect(
      canonicalJson({ at: new Date('2026-01-02T03:04:05.006Z'), gone: undefined, list: [undefined] }),
    ).toBe('{"at":"2026-01-02T03:04:05.006Z","list":[null]}');
  });

  it('refuses what JSON cannot say rather than changing it', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 'r\ud800', { '\udc00': 1 }, 10n, () => 1]) {
      expect(() => canonicalJson({ bad })).toThrow(CanonicalJsonError);
    }
    const deep: unknown[] = [];
    let cursor = deep;
    for (let n = 0; n < 100; n += 1) {
      const next: unknown[] = [];
      cursor.push(next);
      cursor = next;
    }
    expect(() => canonicalJson(deep)).toThrow(/deeper/);
  });
});
