import { describe, expect, it } from 'vitest';
import { hashPassword, isReused, passwordMatches } from '../src/modules/accounts/password-hasher.ts';
import { checkPassword } from '../src/modules/accounts/password-policy.ts';

const email = 'marie.curie@lab.test';

describe('password policy', () => {
  it.each([
    ['Radium-Polonium-1898', []],
    ['Ünïcödé-Pässwörd-42', []],
    ['short-A1!', ['password_too_short']],
    ['alllowercase-1234', ['password_missing_upper']],
    ['ALLUPPERCASE-1234', ['password_missing_lower']],
    ['NoDigitsHere-Ever', ['password_missing_digit']],
    ['NoSymbolsHere1234', ['password_missing_symbol']],
    ['Marie.Curie@lab.test-9X', ['password_contains_email']],
    ['xMARIE.CURIEx-2024', ['password_contains_email']],
    [
      'abc',
      ['password_too_short', 'password_missing_upper', 'password_missing_digit', 'password_missing_symbol'],
    ],
    [`Aa1!${'x'.repeat(300)}`, ['password_too_long']],
  ])('%j → %j', (password, codes) => {
    expect(checkPassword(password, email).map((problem) => problem.code)).toEqual(codes);
  });

  it('counts characters, not UTF-16 units, for the length rule', () => {
    expect(checkPassword('Aa1!😀😀😀😀', email).map((problem) => problem.code)).toEqual([
      'password_too_short',
    ]);
  });
});

describe('password hashing and history', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const stored = await hashPassword('Radium-Polonium-1898');
    expect(stored.startsWith('$argon2id$')).toBe(true);
    expect(await passwordMatches(stored, 'Radium-Polonium-1898')).toBe(true);
    expect(await passwordMatches(stored, 'radium-polonium-1898')).toBe(false);
    expect(await passwordMatches('not-a-hash', 'anything')).toBe(false);
  });

  it('refuses any of the last five passwords but not the sixth', async () => {
    const history = await Promise.all(
      Array.from({ length: 6 }, (_, i) => hashPassword(`Old-Password-${i}!`)),
    );
    expect(await isReused('Old-Password-0!', history)).toBe(true);
    expect(await isReused('Old-Password-4!', history)).toBe(true);
    expect(await isReused('Old-Password-5!', history)).toBe(false);
    expect(await isReused('Brand-New-Password-9!', history)).toBe(false);
  });
});
