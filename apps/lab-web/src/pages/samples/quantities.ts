/**
 * Sample amounts as the lab stores them: at most 6 decimals. Sums are done in whole millionths so
 * 0.1 + 0.2 is 0.3 here as on the server (which compares the same way) and a split that fits is
 * never refused by a rounding difference.
 */
const amount = /^\s*(\d+)(?:\.(\d{0,6}))?\s*$|^\s*\.(\d{1,6})\s*$/;

/** Millionths of a typed amount, or undefined when it is not a plain decimal with ≤ 6 decimals. */
export function toMicro(text: string): number | undefined {
  const match = amount.exec(text);
  if (!match) return undefined;
  const whole = match[1] ?? '0';
  const fraction = (match[2] ?? match[3] ?? '').padEnd(6, '0');
  return Number(whole) * 1_000_000 + Number(fraction);
}

export const fromMicro = (micro: number): number => micro / 1_000_000;

/** Millionths of a number the API answered (already at most 6 decimals). */
export const microOf = (value: number): number => Math.round(value * 1_000_000);

/** Why a typed amount cannot be used, or undefined when it can. */
export function amountProblem(text: string, options: { positive?: boolean } = {}): string | undefined {
  if (text.trim() === '') return 'Enter an amount';
  const micro = toMicro(text);
  if (micro === undefined) {
    return /\.\d{7,}/.test(text) ? 'At most 6 decimal places' : 'Enter a number such as 2.5';
  }
  if (options.positive && micro === 0) return 'Must be more than 0';
  if (micro > 1e15) return 'At most 1,000,000,000';
  return undefined;
}
