import { ValidationError } from '@ours/platform/errors';

/** Why a password was refused; `code` is stable for clients, `message` is for people. */
export interface PasswordProblem {
  code:
    | 'password_too_short'
    | 'password_too_long'
    | 'password_missing_upper'
    | 'password_missing_lower'
    | 'password_missing_digit'
    | 'password_missing_symbol'
    | 'password_contains_email';
  message: string;
}

export const minPasswordLength = 12;
// argon2 takes any length, but an unbounded one is a denial-of-service lever.
export const maxPasswordLength = 256;

/**
 * The lab's password rules: at least 12 characters with an upper-case and a lower-case letter, a
 * digit and a symbol, and not built on the account's e-mail. Reuse of the last 5 passwords is
 * checked separately against their hashes (see `isReused`). Letters are Unicode-aware.
 */
export function checkPassword(password: string, email: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < minPasswordLength) {
    problems.push({ code: 'password_too_short', message: `Use at least ${minPasswordLength} characters` });
  }
  if (length > maxPasswordLength) {
    problems.push({ code: 'password_too_long', message: `Use at most ${maxPasswordLength} characters` });
  }
  if (!/\p{Lu}/u.test(password))
    problems.push({ code: 'password_missing_upper', message: 'Add an upper-case letter' });
  if (!/\p{Ll}/u.test(password))
    problems.push({ code: 'password_missing_lower', message: 'Add a lower-case letter' });
  if (!/\p{Nd}/u.test(password)) problems.push({ code: 'password_missing_digit', message: 'Add a digit' });
  if (!/[^\p{L}\p{Nd}\s]/u.test(password))
    problems.push({ code: 'password_missing_symbol', message: 'Add a symbol' });
  const lowered = password.toLowerCase();
  const address = email.trim().toLowerCase();
  const localPart = address.split('@')[0] ?? '';
  if (address && (lowered.includes(address) || (localPart.length >= 4 && lowered.includes(localPart)))) {
    problems.push({
      code: 'password_contains_email',
      message: 'Do not build the password on your e-mail address',
    });
  }
  return problems;
}

/** Refuses a password that breaks the policy, listing every problem at once. */
export function assertPasswordAcceptable(password: string, email: string): void {
  const problems = checkPassword(password, email);
  if (problems.length > 0) {
    throw new ValidationError(
      'weak_password',
      problems.map((problem) => problem.message).join('; '),
      problems,
    );
  }
}
