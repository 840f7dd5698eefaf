// Reads the companion's Prometheus text (/metrics) into series values, and derives what the simulator
// reports from two scrapes (before and after a run): drops by stage and reason, cache hit rates (every
// counter with a result="hit"/"miss" label, so caches wired later show up by themselves), batch size,
// and quantiles of Outrider's own intake-to-executed latency histogram (bucket upper bounds).

export type Series = Map<string, number>;

/** One line per series: `name{labels} value`. Comments and blank lines are skipped. */
export function parseMetrics(text: string): Series {
  const series: Series = new Map();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    if (space < 0) continue;
    const value = Number(line.slice(space + 1));
    if (Number.isFinite(value) || line.endsWith("Inf")) series.set(line.slice(0, space), value);
  }
  return series;
}

export function metricName(key: string): string {
  const brace = key.indexOf("{");
  return brace < 0 ? key : key.slice(0, brace);
}

export function labelsOf(key: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const brace = key.indexOf("{");
  if (brace < 0) return labels;
  for (const match of key.slice(brace + 1, -1).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
    labels[match[1]] = match[2];
  return labels;
}

/** after − before for every series of `after` (counters restart from 0 in a new process: pass an empty map). */
export function deltaSeries(before: Series, after: Series): Series {
  const delta: Series = new Map();
  for (const [key, value] of after) delta.set(key, value - (before.get(key) ?? 0));
  return delta;
}

/** Sums series of `name` whose labels include `match`, grouped by label `by`. */
export function sumBy(
  series: Series,
  name: string,
  by: string,
  match: Record<string, string> = {},
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of series) {
    if (metricName(key) !== name) continue;
    const labels = labelsOf(key);
    if (Object.entries(match).some(([label, wanted]) => labels[label] !== wanted)) continue;
    const group = labels[by] ?? "";
    out[group] = (out[group] ?? 0) + value;
  }
  return out;
}

export function total(series: Series, name: string, match: Record<string, string> = {}): number {
  return Object.values(sumBy(series, name, "__none__", match)).reduce((sum, value) => sum + value, 0);
}

/** Drops by "stage:reason" from the ingress/verify/schedule drop counters and the bank's not-included results. */
export function dropsByReason(series: Series): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (stage: string, counts: Record<string, number>) => {
    for (const [reason, count] of Object.entries(counts)) if (count > 0) out[`${stage}:${reason}`] = count;
  };
  add("ingress", sumBy(series, "outrider_ingress_packets_dropped_total", "reason"));
  add("verify", sumBy(series, "outrider_verify_transactions_dropped_total", "reason"));
  add("schedule", sumBy(series, "outrider_schedule_transactions_dropped_total", "reason"));
  const bank = sumBy(series, "outrider_bank_transactions_processed_total", "result");
  delete bank.ok;
  add("bank", bank);
  return out;
}

/** Hit rate of every counter family with result="hit" and result="miss" series. */
export function cacheHitRates(
  series: Series,
): Record<string, { hits: number; misses: number; hitRate: number }> {
  const out: Record<string, { hits: number; misses: number; hitRate: number }> = {};
  const names = new Set([...series.keys()].map(metricName));
  for (const name of names) {
    const byResult = sumBy(series, name, "result");
    if (!("hit" in byResult) || !("miss" in byResult)) continue;
    const hits = byResult.hit;
    const misses = byResult.miss;
    out[name] = { hits, misses, hitRate: hits + misses === 0 ? Number.NaN : hits / (hits + misses) };
  }
  return out;
}

/** Quantile (ms, bucket upper bound) of a histogram's delta, restricted to series matching `match`. */
export function histogramQuantileMs(
  series: Series,
  name: string,
  q: number,
  match: Record<string, string> = {},
): number {
  const buckets: { le: number; count: number }[] = [];
  for (const [key, value] of series) {
    if (metricName(key) !== `${name}_bucket`) continue;
    const labels = labelsOf(key);
    if (Object.entries(match).some(([label, wanted]) => labels[label] !== wanted)) continue;
    const le = labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(labels.le);
    const existing = buckets.find((bucket) => bucket.le === le);
    if (existing) existing.count += value;
    else buckets.push({ le, count: value });
  }
  buckets.sort((a, b) => a.le - b.le);
  const count = buckets.length === 0 ? 0 : buckets[buckets.length - 1].count;
  if (count === 0) return Number.NaN;
  for (const bucket of buckets) if (bucket.count >= q * count) return bucket.le * 1000;
  return Number.NaN;
}
