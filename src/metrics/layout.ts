// Turns the metric definitions into a fixed cell layout: every (metric, label values)
// series gets consecutive Float64 cells in each shard — 1 for a counter or gauge;
// for a histogram one per finite bucket, one for +Inf, and one for the sum (the count is
// the sum of the bucket cells). Also validates the definitions against the naming rules
// and bounds total cardinality. Deterministic: every Worker computes the same layout.
import type { MetricDefinition } from "./definitions.ts";
import { METRIC_DEFINITION_INVALID, metricsError } from "./errors.ts";

export const METRIC_SERIES_MAX = 8192;
export const METRIC_CELLS_PER_SHARD_MAX = 65_536;
export const LABEL_VALUES_MAX = 128;
export const HISTOGRAM_BUCKETS_MAX = 32;

const NAME_PATTERN = /^outrider_[a-z][a-z0-9]*(_[a-z0-9]+){2,}$/;
const LABEL_NAME_PATTERN = /^[a-z][a-z0-9_]*$/;
const RESERVED_LABEL_NAMES = new Set(["le", "quantile", "job", "instance"]);

export interface MetricLayout {
  readonly definition: MetricDefinition;
  readonly labelNames: readonly string[];
  /** Per label (same order as labelNames): value → index. */
  readonly labelValueIndexes: readonly ReadonlyMap<string, number>[];
  readonly seriesCount: number;
  readonly cellsPerSeries: number;
  /** First cell of series 0 in each shard. */
  readonly firstCell: number;
}

export interface RegistryLayout {
  readonly metrics: readonly MetricLayout[];
  readonly byName: ReadonlyMap<string, MetricLayout>;
  readonly cellsPerShard: number;
  readonly seriesCount: number;
  /** FNV-1a of the definitions: both sides of a descriptor must agree on it. */
  readonly fingerprint: string;
}

function invalid(name: string, why: string): never {
  throw metricsError(METRIC_DEFINITION_INVALID, "METRIC_DEFINITION_INVALID", `metric ${name}: ${why}`, {
    metric: name,
  });
}

/** Throws METRIC_DEFINITION_INVALID unless the definition follows every naming and bounding rule. */
export function validateDefinition(definition: MetricDefinition): void {
  const { name, type, unit, help, labels, buckets } = definition;
  if (!NAME_PATTERN.test(name))
    invalid(name, "name must be outrider_<stage>_<subject>_<action>[_unit], snake_case");
  if (type !== "counter" && type !== "gauge" && type !== "histogram") invalid(name, `unknown type ${type}`);
  if (type === "counter" && !name.endsWith("_total")) invalid(name, "counter names end in _total");
  if (type !== "counter" && name.endsWith("_total")) invalid(name, "only counters end in _total");
  if (/_(count|sum|bucket)$/.test(name)) invalid(name, "names must not end in _count, _sum or _bucket");
  const stem = type === "counter" ? name.slice(0, -"_total".length) : name;
  if (unit !== "" && !stem.endsWith(`_${unit}`)) invalid(name, `unit ${unit} must be the name's suffix`);
  if (unit === "" && /_(seconds|bytes)$/.test(stem))
    invalid(name, "name has a unit suffix but unit is empty");
  if (/(milli|micro|nano)seconds|_ms$|_us$|_ns$|kilobytes|megabytes/.test(name))
    invalid(name, "use base units");
  if (help.trim() === "" || help.includes("\n")) invalid(name, "help must be one non-empty line");
  for (const [labelName, values] of Object.entries(labels)) {
    if (!LABEL_NAME_PATTERN.test(labelName) || RESERVED_LABEL_NAMES.has(labelName)) {
      invalid(name, `label name ${labelName} is not allowed`);
    }
    if (values.length === 0 || values.length > LABEL_VALUES_MAX) {
      invalid(name, `label ${labelName} needs 1..${LABEL_VALUES_MAX} values`);
    }
    if (new Set(values).size !== values.length) invalid(name, `label ${labelName} has duplicate values`);
    for (const value of values) {
      if (value === "" || /[\s"\\]/.test(value))
        invalid(name, `label ${labelName} value ${JSON.stringify(value)}`);
    }
  }
  if (type === "histogram") {
    if (buckets === undefined || buckets.length === 0 || buckets.length > HISTOGRAM_BUCKETS_MAX) {
      invalid(name, `histograms need 1..${HISTOGRAM_BUCKETS_MAX} buckets`);
    }
    for (let index = 0; index < buckets.length; index++) {
      if (!Number.isFinite(buckets[index]) || (index > 0 && buckets[index] <= buckets[index - 1])) {
        invalid(name, "buckets must be finite and strictly increasing");
      }
    }
  } else if (buckets !== undefined) {
    invalid(name, "only histograms have buckets");
  }
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

export function buildLayout(definitions: readonly MetricDefinition[]): RegistryLayout {
  const metrics: MetricLayout[] = [];
  const byName = new Map<string, MetricLayout>();
  let cell = 0;
  let seriesTotal = 0;
  for (const definition of definitions) {
    validateDefinition(definition);
    if (byName.has(definition.name)) invalid(definition.name, "defined twice");
    const labelNames = Object.keys(definition.labels);
    const labelValueIndexes = labelNames.map(
      (labelName) => new Map(definition.labels[labelName].map((value, index) => [value, index])),
    );
    const seriesCount = labelNames.reduce(
      (product, labelName) => product * definition.labels[labelName].length,
      1,
    );
    const cellsPerSeries = definition.type === "histogram" ? definition.buckets!.length + 2 : 1;
    const layout: MetricLayout = {
      definition,
      labelNames,
      labelValueIndexes,
      seriesCount,
      cellsPerSeries,
      firstCell: cell,
    };
    metrics.push(layout);
    byName.set(definition.name, layout);
    cell += seriesCount * cellsPerSeries;
    seriesTotal += seriesCount;
    if (seriesTotal > METRIC_SERIES_MAX)
      invalid(definition.name, `more than ${METRIC_SERIES_MAX} series in total`);
    if (cell > METRIC_CELLS_PER_SHARD_MAX)
      invalid(definition.name, `more than ${METRIC_CELLS_PER_SHARD_MAX} cells`);
  }
  return {
    metrics,
    byName,
    cellsPerShard: cell,
    seriesCount: seriesTotal,
    fingerprint: fnv1a(JSON.stringify(definitions)),
  };
}

/** Calls visit(seriesIndex, values) for every label combination, in series order (last label fastest). */
export function forEachSeries(
  metric: MetricLayout,
  visit: (seriesIndex: number, values: readonly string[]) => void,
) {
  const valueLists = metric.labelNames.map((labelName) => metric.definition.labels[labelName]);
  const current = new Array<string>(valueLists.length);
  let seriesIndex = 0;
  const walk = (depth: number) => {
    if (depth === valueLists.length) {
      visit(seriesIndex++, current);
      return;
    }
    for (const value of valueLists[depth]) {
      current[depth] = value;
      walk(depth + 1);
    }
  };
  walk(0);
}
