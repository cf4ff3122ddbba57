import { ConfigError, type Env, envStr } from '@ours/platform/config';

/** One model's price as configured, in USD per million tokens. */
export interface ConfiguredPrice {
  input: number;
  output: number;
  /** Cached prompt tokens; unset charges them as input. */
  cachedInput: number | undefined;
}

export interface UsageConfig {
  /** MODEL_PRICES (or MODEL_PRICES_FILE): applied at start as new price versions where they differ. */
  prices: Map<string, ConfiguredPrice>;
}

const allowedKeys = new Set(['input', 'output', 'cached_input']);
// model_prices columns are numeric(14, 6): 8 integer digits, 6 decimals. A value the column would
// round would differ from the price in force on every start and add a version each time.
const maxPrice = 99_999_999;

/**
 * `MODEL_PRICES` as JSON, `{"gpt-4o": {"input": 2.5, "output": 10, "cached_input": 1.25}}` (USD per
 * million tokens), or the same JSON in the file `MODEL_PRICES_FILE` names. Every fault names the
 * variable it came from.
 */
export function usageConfigFromEnv(env: Env): UsageConfig {
  const variable = envStr(env, 'MODEL_PRICES_FILE') ? 'MODEL_PRICES_FILE' : 'MODEL_PRICES';
  const raw = envStr(env, 'MODEL_PRICES');
  const prices = new Map<string, ConfiguredPrice>();
  if (raw === undefined) return { prices };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(variable, 'must be JSON such as {"gpt-4o":{"input":2.5,"output":10}}');
  }
  if (!isObject(parsed)) throw new ConfigError(variable, 'must be a JSON object of models');
  for (const [model, value] of Object.entries(parsed)) {
    if (model.trim() === '' || model.length > 200)
      throw new ConfigError(variable, 'has a model name that is blank or longer than 200 characters');
    if (!isObject(value)) throw new ConfigError(variable, `"${model}" must be an object of prices`);
    for (const key of Object.keys(value))
      if (!allowedKeys.has(key))
        throw new ConfigError(
          variable,
          `"${model}" has an unknown key "${key}" (input, output, cached_input)`,
        );
    prices.set(model, {
      input: price(variable, model, 'input', value.input),
      output: price(variable, model, 'output', value.output),
      cachedInput:
        value.cached_input === undefined || value.cached_input === null
          ? undefined
          : price(variable, model, 'cached_input', value.cached_input),
    });
  }
  return { prices };
}

function price(variable: string, model: string, key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > maxPrice)
    throw new ConfigError(
      variable,
      `"${model}".${key} must be a number of USD per million tokens, 0 or more`,
    );
  if (Math.round(value * 1e6) / 1e6 !== value)
    throw new ConfigError(variable, `"${model}".${key} has more than 6 decimals`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
