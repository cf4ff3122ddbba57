/** Reading typed settings from the environment: every bad value names its variable. */
/** Raw environment, as read once by an app's `readEnv()`. */
export type Env = Record<string, string | undefined>;

/** Thrown at boot when a variable is missing or malformed; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly variable: string;
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.variable = variable;
  }
}

/** A trimmed string, or undefined when unset or blank. */
export function envStr(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** An integer within [min, max], or undefined when unset. */
export function envInt(
  env: Env,
  name: string,
  range: { min?: number; max?: number } = {},
): number | undefined {
  const raw = envStr(env, name);
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (range.min !== undefined && value < range.min)
    throw new ConfigError(name, `must be at least ${range.min}`);
  if (range.max !== undefined && value > range.max)
    throw new ConfigError(name, `must be at most ${range.max}`);
  return value;
}

const truthy = new Set(['true', '1', 'yes', 'on']);
const falsy = new Set(['false', '0', 'no', 'off']);

/** A boolean written true/false, 1/0, yes/no or on/off, or undefined when unset. */
export function envBool(env: Env, name: string): boolean | undefined {
  const raw = envStr(env, name)?.toLowerCase();
  if (raw === undefined) return undefined;
  if (truthy.has(raw)) return true;
  if (falsy.has(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

/** A comma-separated list with blanks dropped, or undefined when unset. */
export function envList(env: Env, name: string): string[] | undefined {
  const raw = envStr(env, name);
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** A URL with one of the given protocols, or undefined when unset. */
export function envUrl(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = envStr(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a valid URL');
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}`);
  }
  return raw;
}

/** One of the allowed values, or undefined when unset. */
export function envEnum<T extends string>(env: Env, name: string, allowed: readonly T[]): T | undefined {
  const raw = envStr(env, name);
  if (raw === undefined) return undefined;
  const value = allowed.find((candidate) => candidate === raw);
  if (value === undefined) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  return value;
}
