// EVERY Outrider metric is defined here, and only here: name, type, base unit, help,
// label names with their fixed value sets, histogram buckets. docs/METRICS.md is
// generated from this list (scripts/gen-metrics-doc.ts). Names follow
// outrider_<stage>_<subject>_<action>[_unit]; counters end in _total; units are base
// units (seconds, bytes). Names never change; a metric is only ever deprecated.
import {
  BANK_RESULT_LABELS,
  CACHE_RESULTS,
  CHECK_RESULTS,
  INGRESS_DROP_REASONS,
  LANE_LABELS,
  PRIORITY_DECADE_LABELS,
  RING_NAMES,
  RPC_ERROR_CLASSES,
  RPC_METHOD_LABELS,
  SCHEDULE_COST_LIMITS,
  SCHEDULE_DROP_REASONS,
  SCHEDULE_WINDOW_PARTS,
  SOURCE_LABELS,
  STAGE_LABELS,
  TRANSACTION_OUTCOMES,
  VERIFY_DROP_REASONS,
} from "./labels.ts";

export type MetricType = "counter" | "gauge" | "histogram";
/** Base unit; "" for plain counts. */
export type MetricUnit = "seconds" | "bytes" | "";

export interface MetricDefinition {
  readonly name: string;
  readonly type: MetricType;
  readonly unit: MetricUnit;
  readonly help: string;
  /** Label name → every value it may take (in exposition order). */
  readonly labels: Readonly<Record<string, readonly string[]>>;
  /** Histogram upper bounds (strictly increasing, finite; +Inf is implied). */
  readonly buckets?: readonly number[];
}

/** 1 µs … 1 s, roughly 1-2.5-5 per decade: pipeline stages and RPC calls. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.000001, 0.0000025, 0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
  0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
];

/** 10 µs … 10 s: time a packet waits in the ingress buffer, which can reach seconds under overload. */
export const QUEUE_BUCKETS_SECONDS: readonly number[] = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
  0.5, 1, 2.5, 5, 10,
];

export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [
  // ---- ingress ----
  {
    name: "outrider_ingress_packets_received_total",
    type: "counter",
    unit: "",
    help: "Packets (transactions) received by ingress, by intake.",
    labels: { source: SOURCE_LABELS },
  },
  {
    name: "outrider_ingress_payload_received_bytes_total",
    type: "counter",
    unit: "bytes",
    help: "Payload bytes received by ingress, by intake.",
    labels: { source: SOURCE_LABELS },
  },
  {
    name: "outrider_ingress_packets_forwarded_total",
    type: "counter",
    unit: "",
    help: "Packets ingress passed on to verify.",
    labels: { source: SOURCE_LABELS },
  },
  {
    name: "outrider_ingress_packets_dropped_total",
    type: "counter",
    unit: "",
    help: "Packets ingress dropped, by reason.",
    labels: { reason: INGRESS_DROP_REASONS },
  },
  {
    name: "outrider_pool_slots_in_use",
    type: "gauge",
    unit: "",
    help: "Packet pool slots currently held by some stage.",
    labels: {},
  },
  {
    name: "outrider_pool_slots_capacity",
    type: "gauge",
    unit: "",
    help: "Packet pool size in 1232-byte slots.",
    labels: {},
  },
  // ---- verify ----
  {
    name: "outrider_verify_transactions_received_total",
    type: "counter",
    unit: "",
    help: "Transactions taken by verify from its input ring.",
    labels: {},
  },
  {
    name: "outrider_verify_transactions_forwarded_total",
    type: "counter",
    unit: "",
    help: "Transactions verify passed on to schedule.",
    labels: {},
  },
  {
    name: "outrider_verify_transactions_dropped_total",
    type: "counter",
    unit: "",
    help: "Transactions verify rejected, by reason.",
    labels: { reason: VERIFY_DROP_REASONS },
  },
  {
    name: "outrider_verify_signatures_checked_total",
    type: "counter",
    unit: "",
    help: "Ed25519 signatures verified (cache misses), by result.",
    labels: { result: CHECK_RESULTS },
  },
  {
    name: "outrider_verify_dedup_signatures",
    type: "gauge",
    unit: "",
    help: "Signatures held by the exact dedup table (each until its blockhash expires).",
    labels: {},
  },
  {
    name: "outrider_verify_dedup_memory_bytes",
    type: "gauge",
    unit: "bytes",
    help: "Memory the exact dedup tables hold (preallocated at start).",
    labels: {},
  },
  {
    name: "outrider_verify_signature_cache_lookups_total",
    type: "counter",
    unit: "",
    help: "Signature-verification cache lookups, by result.",
    labels: { result: CACHE_RESULTS },
  },
  // ---- schedule ----
  {
    name: "outrider_schedule_transactions_received_total",
    type: "counter",
    unit: "",
    help: "Transactions taken by schedule from verify.",
    labels: {},
  },
  {
    name: "outrider_schedule_transactions_scheduled_total",
    type: "counter",
    unit: "",
    help: "Transactions schedule sent to the bank in a batch.",
    labels: {},
  },
  {
    name: "outrider_schedule_transactions_dropped_total",
    type: "counter",
    unit: "",
    help: "Transactions schedule dropped, by reason.",
    labels: { reason: SCHEDULE_DROP_REASONS },
  },
  {
    name: "outrider_schedule_batches_sent_total",
    type: "counter",
    unit: "",
    help: "Conflict-free batches schedule sent to the bank.",
    labels: {},
  },
  {
    name: "outrider_schedule_transactions_pending",
    type: "gauge",
    unit: "",
    help: "Transactions waiting in the scheduler (not yet in a batch).",
    labels: {},
  },
  // ---- bank ----
  {
    name: "outrider_bank_transactions_received_total",
    type: "counter",
    unit: "",
    help: "Transactions the bank received from schedule.",
    labels: {},
  },
  {
    name: "outrider_bank_transactions_processed_total",
    type: "counter",
    unit: "",
    help: "Transactions the bank answered, by Agave not_included_reason (ok = included).",
    labels: { result: BANK_RESULT_LABELS },
  },
  {
    name: "outrider_bank_compute_units_consumed_total",
    type: "counter",
    unit: "",
    help: "Compute units consumed by included transactions.",
    labels: {},
  },
  {
    name: "outrider_bank_slot_processed",
    type: "gauge",
    unit: "",
    help: "Highest slot the bank has executed transactions in.",
    labels: {},
  },
  // ---- rings ----
  {
    name: "outrider_ring_entries_queued",
    type: "gauge",
    unit: "",
    help: "Entries waiting in a ring (summed over instances, e.g. one ring per verify worker).",
    labels: { ring: RING_NAMES },
  },
  {
    name: "outrider_ring_entries_capacity",
    type: "gauge",
    unit: "",
    help: "Ring capacity in entries (summed over instances).",
    labels: { ring: RING_NAMES },
  },
  {
    name: "outrider_ring_entries_published_total",
    type: "counter",
    unit: "",
    help: "Entries a producer published into a ring.",
    labels: { ring: RING_NAMES },
  },
  {
    name: "outrider_ring_push_rejected_total",
    type: "counter",
    unit: "",
    help: "Pushes refused because the ring was full (back-pressure seen by the producer).",
    labels: { ring: RING_NAMES },
  },
  {
    name: "outrider_pipeline_consumer_parks_total",
    type: "counter",
    unit: "",
    help: "Times a stage found its input rings empty and parked on its doorbell.",
    labels: { stage: STAGE_LABELS },
  },
  // ---- latency ----
  {
    name: "outrider_pipeline_stage_duration_seconds",
    type: "histogram",
    unit: "seconds",
    help: "Time a transaction spent in a stage, from entering its input ring to being handed on.",
    labels: { stage: STAGE_LABELS },
    buckets: LATENCY_BUCKETS_SECONDS,
  },
  {
    name: "outrider_pipeline_transaction_latency_seconds",
    type: "histogram",
    unit: "seconds",
    help: "Time from arrival at ingress to the transaction's outcome.",
    labels: { outcome: TRANSACTION_OUTCOMES },
    buckets: LATENCY_BUCKETS_SECONDS,
  },
  // ---- JSON-RPC ----
  {
    name: "outrider_rpc_requests_received_total",
    type: "counter",
    unit: "",
    help: "JSON-RPC requests received, by method (unknown methods count as other).",
    labels: { method: RPC_METHOD_LABELS },
  },
  {
    name: "outrider_rpc_errors_returned_total",
    type: "counter",
    unit: "",
    help: "JSON-RPC error responses, by JSON-RPC error code class.",
    labels: { class: RPC_ERROR_CLASSES },
  },
  {
    name: "outrider_rpc_request_duration_seconds",
    type: "histogram",
    unit: "seconds",
    help: "Time to answer a JSON-RPC request, by method.",
    labels: { method: RPC_METHOD_LABELS },
    buckets: LATENCY_BUCKETS_SECONDS,
  },
  // ---- ingress buffer (both modes) and adaptive buffering (--enable-adaptive-buffering, issue 6) ----
  {
    name: "outrider_ingress_buffer_packets_held",
    type: "gauge",
    unit: "",
    help: "Packets held by ingress and not yet handed on (the FIFO queue, or the priority buffer with adaptive buffering).",
    labels: {},
  },
  {
    name: "outrider_ingress_buffer_packets_capacity",
    type: "gauge",
    unit: "",
    help: "Packets the ingress buffer may hold.",
    labels: {},
  },
  {
    name: "outrider_ingress_buffer_held_bytes",
    type: "gauge",
    unit: "bytes",
    help: "Adaptive buffering: bytes (packet lengths) held by the priority buffer.",
    labels: {},
  },
  {
    name: "outrider_ingress_buffer_capacity_bytes",
    type: "gauge",
    unit: "bytes",
    help: "Adaptive buffering: bytes the priority buffer may hold.",
    labels: {},
  },
  {
    name: "outrider_ingress_buffer_utilization_ratio",
    type: "gauge",
    unit: "",
    help: "Ingress buffer held over capacity (adaptive buffering: the larger of the packet and byte shares).",
    labels: {},
  },
  {
    name: "outrider_ingress_buffer_sources_active",
    type: "gauge",
    unit: "",
    help: "Adaptive buffering: senders (IPv4 address or RPC connection) holding packets in the buffer.",
    labels: {},
  },
  {
    name: "outrider_ingress_congestion_state",
    type: "gauge",
    unit: "",
    help: "Adaptive buffering: congestion detector state, 0 idle, 1 normal, 2 congested.",
    labels: {},
  },
  {
    name: "outrider_ingress_congestion_score_ratio",
    type: "gauge",
    unit: "",
    help: "Adaptive buffering: congestion score in [0, 1] (occupancy, growth, drop rate, back-pressure).",
    labels: {},
  },
  {
    name: "outrider_ingress_handoff_batch_packets",
    type: "gauge",
    unit: "",
    help: "Adaptive buffering: packets handed on to verify per batch now (1 when idle).",
    labels: {},
  },
  {
    name: "outrider_ingress_downstream_window_packets",
    type: "gauge",
    unit: "",
    help: "Adaptive buffering: most packets handed on and not yet finished (drain rate × downstream delay).",
    labels: {},
  },
  {
    name: "outrider_ingress_downstream_packets_in_flight",
    type: "gauge",
    unit: "",
    help: "Adaptive buffering: packets handed on to verify and not yet finished.",
    labels: {},
  },
  {
    name: "outrider_ingress_queue_duration_seconds",
    type: "histogram",
    unit: "seconds",
    help: "Adaptive buffering: time a packet waited in the priority buffer, by decade of its priority.",
    labels: { priority_decade: PRIORITY_DECADE_LABELS },
    buckets: QUEUE_BUCKETS_SECONDS,
  },
  {
    name: "outrider_ingress_executed_latency_seconds",
    type: "histogram",
    unit: "seconds",
    help: "Adaptive buffering: time from arrival to the executed outcome, by decade of the priority.",
    labels: { priority_decade: PRIORITY_DECADE_LABELS },
    buckets: QUEUE_BUCKETS_SECONDS,
  },
  {
    name: "outrider_schedule_unschedulable_conflicts_total",
    type: "counter",
    unit: "",
    help: "Adaptive buffering: times a transaction was put back because it conflicts with work on two lanes or with one waiting (Agave num_unschedulable_conflicts).",
    labels: {},
  },
  {
    name: "outrider_schedule_unschedulable_threads_total",
    type: "counter",
    unit: "",
    help: "Adaptive buffering: times a transaction was put back because its only allowed lane had no room (Agave num_unschedulable_threads).",
    labels: {},
  },
  {
    name: "outrider_schedule_dropped_on_capacity_total",
    type: "counter",
    unit: "",
    help: "Adaptive buffering: transactions dropped as the lowest priority of a full planner (Agave num_dropped_on_capacity).",
    labels: {},
  },
  {
    name: "outrider_schedule_deferred_cost_limit_total",
    type: "counter",
    unit: "",
    help: "Adaptive buffering: times a transaction was put off to the next slot by a compute limit.",
    labels: { limit: SCHEDULE_COST_LIMITS },
  },
  {
    name: "outrider_schedule_lane_transactions_scheduled_total",
    type: "counter",
    unit: "",
    help: "Adaptive buffering: transactions the planner put on each execution lane.",
    labels: { lane: LANE_LABELS },
  },
  {
    name: "outrider_schedule_window_compute_units",
    type: "gauge",
    unit: "",
    help: "Adaptive buffering, last slot's plan in the k-lane model: total, critical path, lower bound max(critical path, total ÷ k), makespan.",
    labels: { part: SCHEDULE_WINDOW_PARTS },
  },
  {
    name: "outrider_schedule_batch_efficiency_ratio",
    type: "gauge",
    unit: "",
    help: "Adaptive buffering: lower bound ÷ makespan of the last slot's plan in the k-lane model.",
    labels: {},
  },
  {
    name: "outrider_schedule_critical_path_share_ratio",
    type: "gauge",
    unit: "",
    help: "Adaptive buffering, conflict rate 1 of 3 (last slot): critical path ÷ total compute.",
    labels: {},
  },
  {
    name: "outrider_schedule_conflicted_transactions_ratio",
    type: "gauge",
    unit: "",
    help: "Adaptive buffering, conflict rate 2 of 3 (last slot): share of transactions with a conflicting predecessor.",
    labels: {},
  },
  {
    name: "outrider_schedule_conflict_pair_density_ratio",
    type: "gauge",
    unit: "",
    help: "Adaptive buffering, conflict rate 3 of 3 (last slot): conflicting pairs ÷ all pairs (pairs counted per account).",
    labels: {},
  },
];
