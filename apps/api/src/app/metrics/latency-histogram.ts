import { LATENCY_BUCKETS_MS } from '@ddx/contracts';

/** Buckets: one per bound of LATENCY_BUCKETS_MS plus the open-ended last one. */
export const BUCKET_COUNT = LATENCY_BUCKETS_MS.length + 1;

/** Index of the bucket a duration falls in (upper bounds are inclusive, like Prometheus's `le`). */
export function bucketIndex(ms: number): number {
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) if (ms <= (LATENCY_BUCKETS_MS[i] as number)) return i;
  return LATENCY_BUCKETS_MS.length;
}

/**
 * The q-quantile (0 < q ≤ 1) estimated from bucket counts, interpolating
 * linearly inside the bucket it falls in (as Prometheus's histogram_quantile
 * does). Beyond the last bound the last bound is reported. null when empty.
 */
export function quantileFromBuckets(buckets: readonly number[], q: number): number | null {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const target = q * total;
  let before = 0;
  for (let i = 0; i < buckets.length; i++) {
    const n = buckets[i] ?? 0;
    if (n > 0 && before + n >= target) {
      if (i >= LATENCY_BUCKETS_MS.length) return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1] as number;
      const lower = i === 0 ? 0 : (LATENCY_BUCKETS_MS[i - 1] as number);
      const upper = LATENCY_BUCKETS_MS[i] as number;
      return round1(lower + ((upper - lower) * (target - before)) / n);
    }
    before += n;
  }
  return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1] as number;
}

export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
