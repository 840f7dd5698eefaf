// Small statistics used by the simulator's reports: quantiles of a sample (nearest rank on a sorted
// copy), mean, median, least-squares slope, and a fixed-size latency summary.

/** Nearest-rank quantile of an ascending array (q in [0, 1]); NaN when empty. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const count = sorted.length;
  if (count === 0) return Number.NaN;
  const rank = Math.min(count - 1, Math.max(0, Math.ceil(q * count) - 1));
  return sorted[rank];
}

/** A sorted copy (Float64Array) of the first `count` values. */
export function sortedCopy(values: ArrayLike<number>, count = values.length): Float64Array {
  const copy = new Float64Array(count);
  for (let index = 0; index < count; index++) copy[index] = values[index];
  copy.sort();
  return copy;
}

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (let index = 0; index < values.length; index++) sum += values[index];
  return sum / values.length;
}

export function median(values: ArrayLike<number>): number {
  return quantileSorted(sortedCopy(values), 0.5);
}

/** Least-squares slope of y over x; 0 with fewer than two points. */
export function slope(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const count = Math.min(xs.length, ys.length);
  if (count < 2) return 0;
  let sumX = 0;
  let sumY = 0;
  for (let index = 0; index < count; index++) {
    sumX += xs[index];
    sumY += ys[index];
  }
  const meanX = sumX / count;
  const meanY = sumY / count;
  let covariance = 0;
  let variance = 0;
  for (let index = 0; index < count; index++) {
    covariance += (xs[index] - meanX) * (ys[index] - meanY);
    variance += (xs[index] - meanX) ** 2;
  }
  return variance === 0 ? 0 : covariance / variance;
}

export interface LatencySummaryMs {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** p50/p90/p99/max/mean of latencies in ms (NaN fields when there are none). */
export function summarizeLatencies(
  latenciesMs: ArrayLike<number>,
  count = latenciesMs.length,
): LatencySummaryMs {
  const sorted = sortedCopy(latenciesMs, count);
  return {
    count,
    p50: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
    p99: quantileSorted(sorted, 0.99),
    max: count === 0 ? Number.NaN : sorted[count - 1],
    mean: mean(sorted),
  };
}

/** Rounds for reports: 3 significant decimals below 10, 1 decimal below 1000, integers above. */
export function roundForReport(value: number): number {
  if (!Number.isFinite(value)) return value;
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value);
  if (magnitude >= 10) return Math.round(value * 10) / 10;
  return Math.round(value * 1000) / 1000;
}

/** Latency buckets 5% wide from 0.05 ms: bucket i holds values in (0.05·1.05^(i−1), 0.05·1.05^i] ms. */
export const LOG_HISTOGRAM_BASE_MS = 0.05;
export const LOG_HISTOGRAM_GROWTH = 1.05;
export const LOG_HISTOGRAM_BUCKETS = 340;

/** Bucket counts of latencies (ms) on the fixed 5% log scale, so runs can be pooled. */
export function logHistogram(values: ArrayLike<number>, count = values.length): number[] {
  const counts = new Array(LOG_HISTOGRAM_BUCKETS).fill(0);
  const logGrowth = Math.log(LOG_HISTOGRAM_GROWTH);
  for (let index = 0; index < count; index++) {
    const value = values[index];
    const bucket =
      value <= LOG_HISTOGRAM_BASE_MS
        ? 0
        : Math.ceil(Math.log(value / LOG_HISTOGRAM_BASE_MS) / logGrowth - 1e-9);
    counts[Math.min(LOG_HISTOGRAM_BUCKETS - 1, Math.max(0, bucket))]++;
  }
  return counts;
}

/** Quantile of pooled histograms: the upper bound of the bucket holding it (at most 5% above the truth). */
export function logHistogramQuantile(counts: ArrayLike<number>, q: number): number {
  let totalCount = 0;
  for (let index = 0; index < counts.length; index++) totalCount += counts[index];
  if (totalCount === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * totalCount));
  let seen = 0;
  for (let index = 0; index < counts.length; index++) {
    seen += counts[index];
    if (seen >= rank) return LOG_HISTOGRAM_BASE_MS * LOG_HISTOGRAM_GROWTH ** index;
  }
  return Number.NaN;
}
