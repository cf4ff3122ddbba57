import { sql } from 'kysely';

/**
 * Latency as a histogram of fixed log-spaced buckets: bucket 0 holds <= 1 ms, bucket i holds
 * (2^((i-1)/4), 2^(i/4)] ms, up to bucket 80 (about 15 minutes, beyond any model deadline). A
 * percentile read from merged buckets is the bucket's geometric middle, within 2^(1/8) - 1 ≈ 9.1%
 * of the true value. Stored sparse: `{ "bucket": count }`.
 */
export type LatencyBuckets = Record<string, number>;

const lastBucket = 80;

/** The bucket of `latency_ms` in SQL (NULL for a row without a latency); rollups and raw reads share it. */
export const latencyBucketSql = sql<
  number | null
>`least(${sql.lit(lastBucket)}, greatest(0, ceil(4 * ln(greatest(latency_ms, 1)::float8) / ln(2::float8))))::int`;

/** Adds `from` into `into` (both sparse). */
export function mergeBuckets(into: LatencyBuckets, from: LatencyBuckets): LatencyBuckets {
  // for-in, not Object.entries: this runs for every rollup row of a range (thousands per request).
  for (const bucket in from) into[bucket] = (into[bucket] ?? 0) + (from[bucket] ?? 0);
  return into;
}

/** The q-quantile (0..1) in ms, rounded; null for an empty histogram. */
export function bucketQuantile(buckets: LatencyBuckets, q: number): number | null {
  const entries = Object.entries(buckets)
    .map(([bucket, count]) => [Number(bucket), count] as const)
    .filter(([, count]) => count > 0)
    .sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return null;
  // The rank of the nearest-rank percentile: the smallest value with at least q of the rows at or below it.
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [bucket, count] of entries) {
    seen += count;
    if (seen >= rank) return bucketMiddle(bucket);
  }
  return bucketMiddle(entries.at(-1)?.[0] ?? 0);
}

/** A bucket's representative value: its geometric middle (1 ms for bucket 0). */
export function bucketMiddle(bucket: number): number {
  return bucket === 0 ? 1 : Math.round(2 ** ((bucket - 0.5) / 4));
}
