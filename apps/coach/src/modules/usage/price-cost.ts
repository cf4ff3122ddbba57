/** A price version as read from `model_prices` (USD per million tokens). */
export interface ModelPrice {
  id: number;
  input_per_million: number;
  output_per_million: number;
  /** NULL: cached prompt tokens are charged as input. */
  cached_input_per_million: number | null;
}
