import { bucketQuantile, type LatencyBuckets, mergeBuckets } from './latency-histogram.ts';
import type { UsageSlice } from './usage-report.repository.ts';

/** Figures summed over slices: a range's totals, or one group's. */
export interface Tally {
  requests: number;
  succeeded: number;
  fallbacks: number;
  byReason: Map<string, number>;
  prompt: number;
  completion: number;
  cached: number;
  cost: number;
  unknown: number;
  buckets: LatencyBuckets;
}

export const emptyTally = (): Tally => ({
  requests: 0,
  succeeded: 0,
  fallbacks: 0,
  byReason: new Map(),
  prompt: 0,
  completion: 0,
  cached: 0,
  cost: 0,
  unknown: 0,
  buckets: {},
});

export function add(tally: Tally, slice: UsageSlice): void {
  const requests = Number(slice.requests);
  tally.requests += requests;
  if (slice.outcome === 'success') tally.succeeded += requests;
  else if (slice.outcome !== 'failed') {
    tally.fallbacks += requests;
    tally.byReason.set(slice.outcome, (tally.byReason.get(slice.outcome) ?? 0) + requests);
  }
  tally.prompt += Number(slice.prompt_tokens);
  tally.completion += Number(slice.completion_tokens);
  tally.cached += Number(slice.cached_tokens);
  tally.cost += Number(slice.cost_usd);
  tally.unknown += Number(slice.cost_unknown);
  mergeBuckets(tally.buckets, slice.latency_buckets);
}

export const rate = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
// Sums of numeric(…, 10) costs as doubles: shown to the 10 decimals the log stores.
export const usd = (value: number) => Math.round(value * 1e10) / 1e10;

export function figures(tally: Tally) {
  return {
    requests: tally.requests,
    success_rate: rate(tally.succeeded, tally.requests),
    fallback_rate: rate(tally.fallbacks, tally.requests),
    prompt_tokens: tally.prompt,
    completion_tokens: tally.completion,
    cached_tokens: tally.cached,
    total_tokens: tally.prompt + tally.completion,
    cost_usd: usd(tally.cost),
    latency_ms: { p50: bucketQuantile(tally.buckets, 0.5), p95: bucketQuantile(tally.buckets, 0.95) },
  };
}

export function totalsOf(tally: Tally) {
  const { requests, success_rate, fallback_rate, latency_ms, ...tokensAndCost } = figures(tally);
  return {
    requests,
    succeeded: tally.succeeded,
    fallbacks: tally.fallbacks,
    success_rate,
    fallback_rate,
    fallback_by_reason: Object.fromEntries(
      [...tally.byReason].sort().map(([reason, count]) => [reason, { count, rate: rate(count, requests) }]),
    ),
    ...tokensAndCost,
    cost_unknown_requests: tally.unknown,
    latency_ms,
  };
}
