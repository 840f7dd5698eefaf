// Metrics registry: handles update their own shard, totals sum over shards (property test
// against a model), histograms bucket correctly, every bad lookup (unknown metric, wrong
// type, missing/extra label, a label value outside the fixed set, unknown shard, foreign
// descriptor) is an error at handle creation, and a Worker can attach and write its shard.
import { afterEach, describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  attachMetrics,
  buildLayout,
  createMetrics,
  jsonRpcErrorClass,
  METRIC_DEFINITION_INVALID,
  METRIC_DEFINITIONS,
  METRIC_LABEL_VALUE_UNKNOWN,
  METRIC_LABELS_INVALID,
  METRIC_SHARD_UNKNOWN,
  METRIC_TYPE_MISMATCH,
  METRIC_UNKNOWN,
  METRIC_VALUE_INVALID,
  METRICS_DESCRIPTOR_INVALID,
  METRICS_SHARDS_INVALID,
  type MetricDefinition,
  notIncludedReasonLabel,
  rpcMethodLabel,
  validateDefinition,
} from "../../src/metrics/index.ts";
import { expectCode } from "../helpers/expect-code.ts";

const DROPPED = "outrider_ingress_packets_dropped_total";
const REASONS = ["queue_full", "oversize", "empty", "pool_exhausted"];

const workers: Worker[] = [];
afterEach(() => {
  for (const worker of workers.splice(0)) worker.terminate();
});

describe("metrics registry", () => {
  test("the real definitions pass every naming rule and stay bounded", () => {
    const layout = buildLayout(METRIC_DEFINITIONS);
    expect(layout.seriesCount).toBeGreaterThan(50);
    expect(layout.seriesCount).toBeLessThan(2000);
  });

  test("counter totals are the sum of every shard's increments (model-based)", () => {
    const shardNames = ["ingress", "verify#0", "verify#1", "control"];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            shard: fc.constantFrom(...shardNames),
            reason: fc.constantFrom(...REASONS),
            amount: fc.integer({ min: 0, max: 1000 }),
          }),
          { maxLength: 60 },
        ),
        (increments) => {
          const registry = attachMetrics(createMetrics({ shardNames }));
          const model = new Map<string, number>();
          for (const { shard, reason, amount } of increments) {
            registry.shard(shard).counter(DROPPED, { reason }).inc(amount);
            model.set(reason, (model.get(reason) ?? 0) + amount);
          }
          for (const reason of REASONS)
            expect(registry.value(DROPPED, { reason })).toBe(model.get(reason) ?? 0);
        },
      ),
      { numRuns: 100 },
    );
  });

  test("a handle writes only its own shard and its own series", () => {
    const registry = attachMetrics(createMetrics());
    const ingress = registry.shard("ingress");
    const full = ingress.counter(DROPPED, { reason: "queue_full" });
    full.inc();
    full.inc(2);
    expect(full.value()).toBe(3);
    expect(registry.shard("verify#0").counter(DROPPED, { reason: "queue_full" }).value()).toBe(0);
    expect(registry.value(DROPPED, { reason: "oversize" })).toBe(0);
    const gauge = registry.shard("control").gauge("outrider_ring_entries_queued", { ring: "ingress_verify" });
    gauge.set(7);
    gauge.add(-2);
    registry.shard("verify#1").gauge("outrider_ring_entries_queued", { ring: "ingress_verify" }).set(10);
    expect(registry.value("outrider_ring_entries_queued", { ring: "ingress_verify" })).toBe(15);
    expect(registry.value("outrider_ring_entries_queued", { ring: "schedule_bank" })).toBe(0);
  });

  test("histogram observations land in the first bucket whose bound is ≥ the value", () => {
    const definitions: MetricDefinition[] = [
      {
        name: "outrider_test_thing_duration_seconds",
        type: "histogram",
        unit: "seconds",
        help: "test",
        labels: {},
        buckets: [0.001, 0.01, 0.1],
      },
    ];
    const registry = attachMetrics(createMetrics({ definitions, shardNames: ["a"] }), definitions);
    const histogram = registry.shard("a").histogram("outrider_test_thing_duration_seconds");
    for (const value of [0.0005, 0.001, 0.002, 0.1, 5]) histogram.observe(value);
    const cells = [...registry.cells];
    expect(cells).toEqual([2, 1, 1, 1, 0.0005 + 0.001 + 0.002 + 0.1 + 5]);
    expectCode(() => histogram.observe(Number.NaN), METRIC_VALUE_INVALID);
  });

  test("unknown label values, names and metrics are errors at handle creation", () => {
    const shard = attachMetrics(createMetrics()).shard("ingress");
    expectCode(() => shard.counter(DROPPED, { reason: "cosmic_ray" }), METRIC_LABEL_VALUE_UNKNOWN);
    expectCode(() => shard.counter(DROPPED, { reason: "5H4k...signature" }), METRIC_LABEL_VALUE_UNKNOWN);
    expectCode(() => shard.counter(DROPPED, {}), METRIC_LABELS_INVALID);
    expectCode(() => shard.counter(DROPPED, { reason: "empty", source: "udp" }), METRIC_LABELS_INVALID);
    expectCode(() => shard.counter(DROPPED, { cause: "empty" }), METRIC_LABELS_INVALID);
    expectCode(() => shard.counter("outrider_nope_things_total"), METRIC_UNKNOWN);
    expectCode(() => shard.gauge(DROPPED, { reason: "empty" }), METRIC_TYPE_MISMATCH);
    expectCode(() => shard.counter(DROPPED, { reason: "empty" }).inc(-1), METRIC_VALUE_INVALID);
  });

  test("shards and descriptors are validated", () => {
    const descriptor = createMetrics();
    expectCode(() => attachMetrics(descriptor).shard("verify#8"), METRIC_SHARD_UNKNOWN);
    expectCode(() => createMetrics({ shardNames: [] }), METRICS_SHARDS_INVALID);
    expectCode(() => createMetrics({ shardNames: ["a", "a"] }), METRICS_SHARDS_INVALID);
    expectCode(() => attachMetrics({ ...descriptor, fingerprint: "00000000" }), METRICS_DESCRIPTOR_INVALID);
    expectCode(
      () => attachMetrics({ ...descriptor, buffer: new SharedArrayBuffer(8) }),
      METRICS_DESCRIPTOR_INVALID,
    );
    expectCode(() => attachMetrics({ kind: "nope" } as never), METRICS_DESCRIPTOR_INVALID);
  });

  test("definitions breaking the naming rules are refused", () => {
    const base: MetricDefinition = {
      name: "outrider_x_things_seen_total",
      type: "counter",
      unit: "",
      help: "h",
      labels: {},
    };
    validateDefinition(base);
    const bad: MetricDefinition[] = [
      { ...base, name: "outrider_x_things_seen" }, // counter without _total
      { ...base, type: "gauge" }, // gauge with _total
      { ...base, name: "outrider_x_latency_milliseconds", type: "gauge", unit: "" },
      { ...base, name: "outrider_x_wait_seconds_total", unit: "" },
      { ...base, name: "outrider_x_wait_total", unit: "seconds" },
      { ...base, name: "outriderXThingsSeen_total" },
      { ...base, labels: { le: ["1"] } },
      { ...base, labels: { reason: [] } },
      { ...base, labels: { reason: ["a", "a"] } },
      { ...base, labels: { reason: ['say "hi"'] } },
      { ...base, help: "" },
      { ...base, buckets: [1] },
      {
        name: "outrider_x_wait_duration_seconds",
        type: "histogram",
        unit: "seconds",
        help: "h",
        labels: {},
        buckets: [2, 1],
      },
      { name: "outrider_x_wait_duration_seconds", type: "histogram", unit: "seconds", help: "h", labels: {} },
    ];
    for (const definition of bad) expectCode(() => validateDefinition(definition), METRIC_DEFINITION_INVALID);
    expectCode(() => buildLayout([base, base]), METRIC_DEFINITION_INVALID);
  });

  test("raw values map onto the fixed label sets", () => {
    expect(notIncludedReasonLabel(0)).toBe("ok");
    expect(notIncludedReasonLabel(1)).toBe("bank_not_available");
    expect(notIncludedReasonLabel(76)).toBe("signature_failure");
    expect(notIncludedReasonLabel(101)).toBe("program_cache_hit_max_limit");
    expect(notIncludedReasonLabel(50)).toBe("other");
    expect(notIncludedReasonLabel(999)).toBe("other");
    expect(rpcMethodLabel("sendTransaction")).toBe("sendTransaction");
    expect(rpcMethodLabel("__proto__")).toBe("other");
    expect(rpcMethodLabel(42)).toBe("other");
    expect(jsonRpcErrorClass(-32700)).toBe("parse_error");
    expect(jsonRpcErrorClass(-32601)).toBe("method_not_found");
    expect(jsonRpcErrorClass(-32002)).toBe("server_error");
    expect(jsonRpcErrorClass(7)).toBe("other");
    const bank = attachMetrics(createMetrics()).shard("bank");
    for (let code = 0; code < 256; code++) {
      bank.counter("outrider_bank_transactions_processed_total", { result: notIncludedReasonLabel(code) });
    }
  });

  test("a Worker attaches by shard name and its writes are visible here", async () => {
    const descriptor = createMetrics();
    const worker = new Worker(new URL("./workers/ring-metrics-writer.ts", import.meta.url).href);
    workers.push(worker);
    const reply = await new Promise<unknown>((resolve, reject) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = (event) => reject(new Error(event.message));
      worker.postMessage({ descriptor, shard: "verify#2", count: 1000 });
    });
    expect(reply).toEqual({ ok: true });
    const registry = attachMetrics(descriptor);
    expect(registry.value("outrider_verify_transactions_dropped_total", { reason: "duplicate" })).toBe(1000);
    expect(registry.value("outrider_verify_transactions_received_total")).toBe(1000);
  });
});
