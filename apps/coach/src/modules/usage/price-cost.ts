/** A price version as read from `model_prices` (USD per million tokens). */
export interface ModelPrice {
  id: number;
  input_per_million: number;
  output_per_million: number;
  /** NULL: cached prompt tokens are charged as input. */
  cached_input_per_million: number | null;
}

export interface TokenCounts {
  promptTokens: number;
  completionTokens: number;
  /** Part of promptTokens served from the provider's cache. */
  cachedTokens: number;
}

/**
 * What a call costs in USD, the same rule as the log insert trigger (migration
 * 20261205T1230Z_usage_rollups): uncached prompt tokens at the input price, cached ones at the
 * cached price (or input), completion tokens at the output price, per million.
 */
export function costOf(price: ModelPrice, tokens: TokenCounts): number {
  const cached = Math.min(Math.max(tokens.cachedTokens, 0), tokens.promptTokens);
  const cachedPrice = price.cached_input_per_million ?? price.input_per_million;
  return (
    ((tokens.promptTokens - cached) * price.input_per_million +
      cached * cachedPrice +
      tokens.completionTokens * price.output_per_million) /
    1_000_000
  );
}
