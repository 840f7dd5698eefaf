// The metrics registry in shared memory. One SharedArrayBuffer holds one Float64 region
// ("shard") per writer — "ingress", "verify#0".."verify#7", "schedule", "bank",
// "control" — each laid out identically (see layout.ts). A writer only ever touches
// its own shard, so every cell has exactly one writer and updates need no locks or
// atomics: a handle's inc/set/observe is a plain typed-array add or store. Readers
// (the /metrics exposition) sum each cell over all shards; so a gauge several writers
// set reports their total (e.g. queue depth summed over verify workers). A reader may
// see a histogram mid-update (bucket bumped, sum not yet): off by one observation at
// most, for one scrape — the Prometheus norm.
//
// Usage: main thread `const descriptor = createMetrics()`; send it to each Worker;
// there `const metrics = attachMetrics(descriptor).shard("verify#0")`, then resolve
// handles once at start-up: `const dropped = metrics.counter(name, { reason: "duplicate" })`
// and call `dropped.inc()` on the hot path (no allocation, no lookup).
import { METRIC_DEFINITIONS, type MetricDefinition, type MetricType } from "./definitions.ts";
import {
  METRIC_LABEL_VALUE_UNKNOWN,
  METRIC_LABELS_INVALID,
  METRIC_SHARD_UNKNOWN,
  METRIC_TYPE_MISMATCH,
  METRIC_UNKNOWN,
  METRIC_VALUE_INVALID,
  METRICS_DESCRIPTOR_INVALID,
  METRICS_SHARDS_INVALID,
  metricsError,
} from "./errors.ts";
import { buildLayout, type MetricLayout, type RegistryLayout } from "./layout.ts";

export const VERIFY_SHARDS_MAX = 8;
export const DEFAULT_SHARD_NAMES: readonly string[] = [
  "ingress",
  ...Array.from({ length: VERIFY_SHARDS_MAX }, (_, index) => `verify#${index}`),
  "schedule",
  "bank",
  "control",
];
export const METRICS_SHARDS_MAX = 64;
export const METRICS_DESCRIPTOR_KIND = "outrider.metrics";

export interface MetricsDescriptor {
  kind: typeof METRICS_DESCRIPTOR_KIND;
  buffer: SharedArrayBuffer;
  shardNames: string[];
  cellsPerShard: number;
  fingerprint: string;
}

export type LabelSet = Readonly<Record<string, string>>;

export interface CreateMetricsOptions {
  shardNames?: readonly string[];
  /** Tests only: a different definition list (attach with the same list). */
  definitions?: readonly MetricDefinition[];
}

const layoutCache = new WeakMap<readonly MetricDefinition[], RegistryLayout>();
function layoutOf(definitions: readonly MetricDefinition[]): RegistryLayout {
  let layout = layoutCache.get(definitions);
  if (layout === undefined) {
    layout = buildLayout(definitions);
    layoutCache.set(definitions, layout);
  }
  return layout;
}

export function createMetrics(options: CreateMetricsOptions = {}): MetricsDescriptor {
  const shardNames = [...(options.shardNames ?? DEFAULT_SHARD_NAMES)];
  if (
    shardNames.length === 0 ||
    shardNames.length > METRICS_SHARDS_MAX ||
    new Set(shardNames).size !== shardNames.length ||
    shardNames.some((name) => typeof name !== "string" || name === "")
  ) {
    throw metricsError(
      METRICS_SHARDS_INVALID,
      "METRICS_SHARDS_INVALID",
      `metrics shards must be 1..${METRICS_SHARDS_MAX} distinct non-empty names`,
      { shards: shardNames.length },
    );
  }
  const layout = layoutOf(options.definitions ?? METRIC_DEFINITIONS);
  return {
    kind: METRICS_DESCRIPTOR_KIND,
    buffer: new SharedArrayBuffer(shardNames.length * layout.cellsPerShard * 8),
    shardNames,
    cellsPerShard: layout.cellsPerShard,
    fingerprint: layout.fingerprint,
  };
}

export function attachMetrics(
  descriptor: MetricsDescriptor,
  definitions: readonly MetricDefinition[] = METRIC_DEFINITIONS,
): MetricsRegistry {
  const layout = layoutOf(definitions);
  const value = descriptor as Partial<MetricsDescriptor> | null | undefined;
  const fail = (why: string): never => {
    throw metricsError(
      METRICS_DESCRIPTOR_INVALID,
      "METRICS_DESCRIPTOR_INVALID",
      `metrics descriptor: ${why}`,
    );
  };
  if (value === null || typeof value !== "object" || value.kind !== METRICS_DESCRIPTOR_KIND) {
    return fail("not a metrics descriptor");
  }
  if (!(value.buffer instanceof SharedArrayBuffer)) return fail("buffer is not a SharedArrayBuffer");
  if (!Array.isArray(value.shardNames) || value.shardNames.length === 0) return fail("no shard names");
  if (value.fingerprint !== layout.fingerprint || value.cellsPerShard !== layout.cellsPerShard) {
    return fail("made from different metric definitions (layout fingerprint differs)");
  }
  if (value.buffer.byteLength !== value.shardNames.length * layout.cellsPerShard * 8) {
    return fail("buffer size does not match its shards");
  }
  return new MetricsRegistry(value as MetricsDescriptor, layout);
}

export class CounterHandle {
  constructor(
    private readonly cells: Float64Array,
    private readonly cell: number,
  ) {}
  /** Adds n (default 1; must be ≥ 0 — counters never go down). */
  inc(n = 1): void {
    if (!(n >= 0)) {
      throw metricsError(
        METRIC_VALUE_INVALID,
        "METRIC_VALUE_INVALID",
        `counter increment ${n} is negative or NaN`,
      );
    }
    this.cells[this.cell] += n;
  }
  /** This shard's value (not the total over shards). */
  value(): number {
    return this.cells[this.cell];
  }
}

export class GaugeHandle {
  constructor(
    private readonly cells: Float64Array,
    private readonly cell: number,
  ) {}
  set(value: number): void {
    this.cells[this.cell] = value;
  }
  add(delta: number): void {
    this.cells[this.cell] += delta;
  }
  value(): number {
    return this.cells[this.cell];
  }
}

export class HistogramHandle {
  private readonly sumCell: number;
  constructor(
    private readonly cells: Float64Array,
    private readonly firstCell: number,
    private readonly bounds: Float64Array,
  ) {
    this.sumCell = firstCell + bounds.length + 1;
  }
  /** Records one observation in the metric's base unit (seconds, bytes). NaN is refused. */
  observe(value: number): void {
    if (Number.isNaN(value)) {
      throw metricsError(METRIC_VALUE_INVALID, "METRIC_VALUE_INVALID", "histogram observation is NaN");
    }
    const bounds = this.bounds;
    let bucket = 0;
    while (bucket < bounds.length && value > bounds[bucket]) bucket++;
    this.cells[this.firstCell + bucket] += 1;
    this.cells[this.sumCell] += value;
  }
}

export class MetricsRegistry {
  readonly descriptor: MetricsDescriptor;
  readonly layout: RegistryLayout;
  readonly shardNames: readonly string[];
  /** All shards, shard-major: cell c of shard s is at s × cellsPerShard + c. */
  readonly cells: Float64Array;

  constructor(descriptor: MetricsDescriptor, layout: RegistryLayout) {
    this.descriptor = descriptor;
    this.layout = layout;
    this.shardNames = descriptor.shardNames;
    this.cells = new Float64Array(descriptor.buffer);
  }

  /** The writer for one shard; only one thread may write a given shard. */
  shard(shardName: string): MetricsShard {
    const shardIndex = this.shardNames.indexOf(shardName);
    if (shardIndex < 0) {
      throw metricsError(
        METRIC_SHARD_UNKNOWN,
        "METRIC_SHARD_UNKNOWN",
        `metrics shard ${shardName} is unknown (known: ${this.shardNames.join(", ")})`,
        { shard: shardName },
      );
    }
    const size = this.layout.cellsPerShard;
    return new MetricsShard(
      this,
      shardName,
      new Float64Array(this.descriptor.buffer, shardIndex * size * 8, size),
    );
  }

  /** Sum over all shards of one cell. */
  cellTotal(cell: number): number {
    const stride = this.layout.cellsPerShard;
    let total = 0;
    for (let offset = cell; offset < this.cells.length; offset += stride) total += this.cells[offset];
    return total;
  }

  /** Resolves metric + labels to its first cell, checking type and every label value. */
  resolve(name: string, type: MetricType, labels: LabelSet): MetricLayout & { seriesCell: number } {
    const metric = this.layout.byName.get(name);
    if (metric === undefined) {
      throw metricsError(METRIC_UNKNOWN, "METRIC_UNKNOWN", `metric ${name} is not defined`, { metric: name });
    }
    if (metric.definition.type !== type) {
      throw metricsError(
        METRIC_TYPE_MISMATCH,
        "METRIC_TYPE_MISMATCH",
        `metric ${name} is a ${metric.definition.type}, not a ${type}`,
        { metric: name, type: metric.definition.type },
      );
    }
    const given = Object.keys(labels);
    if (
      given.length !== metric.labelNames.length ||
      given.some((label) => !metric.labelNames.includes(label))
    ) {
      throw metricsError(
        METRIC_LABELS_INVALID,
        "METRIC_LABELS_INVALID",
        `metric ${name} takes labels {${metric.labelNames.join(", ")}}, got {${given.join(", ")}}`,
        { metric: name },
      );
    }
    let series = 0;
    metric.labelNames.forEach((labelName, position) => {
      const valueIndex = metric.labelValueIndexes[position].get(labels[labelName]);
      if (valueIndex === undefined) {
        throw metricsError(
          METRIC_LABEL_VALUE_UNKNOWN,
          "METRIC_LABEL_VALUE_UNKNOWN",
          `metric ${name}: ${labelName}=${JSON.stringify(labels[labelName])} is not one of its fixed values`,
          { metric: name, label: labelName },
        );
      }
      series = series * metric.definition.labels[labelName].length + valueIndex;
    });
    return { ...metric, seriesCell: metric.firstCell + series * metric.cellsPerSeries };
  }

  /** Total over shards of a counter or gauge series (tests, /status). */
  value(name: string, labels: LabelSet = {}): number {
    const metric = this.layout.byName.get(name);
    const type = metric?.definition.type === "gauge" ? "gauge" : "counter";
    return this.cellTotal(this.resolve(name, type, labels).seriesCell);
  }
}

export class MetricsShard {
  readonly registry: MetricsRegistry;
  readonly name: string;
  private readonly cells: Float64Array;

  constructor(registry: MetricsRegistry, name: string, cells: Float64Array) {
    this.registry = registry;
    this.name = name;
    this.cells = cells;
  }

  counter(name: string, labels: LabelSet = {}): CounterHandle {
    return new CounterHandle(this.cells, this.registry.resolve(name, "counter", labels).seriesCell);
  }

  gauge(name: string, labels: LabelSet = {}): GaugeHandle {
    return new GaugeHandle(this.cells, this.registry.resolve(name, "gauge", labels).seriesCell);
  }

  histogram(name: string, labels: LabelSet = {}): HistogramHandle {
    const resolved = this.registry.resolve(name, "histogram", labels);
    return new HistogramHandle(
      this.cells,
      resolved.seriesCell,
      new Float64Array(resolved.definition.buckets!),
    );
  }
}
