// EVERY Outrider metric is defined here, and only here: name, type, base unit, help,
// label names with their fixed value sets, histogram buckets. docs/METRICS.md is
// generated from this list (scripts/gen-metrics-doc.ts). Names follow
// outrider_<stage>_<subject>_<action>[_unit]; counters end in _total; units are base
// units (seconds, bytes). Names never change; a metric is only ever deprecated.
import {
  ACCOUNT_KINDS,
  ACCOUNT_LOOKUP_RESULTS,
  ACCOUNT_READ_SERVED,
  ACCOUNT_UPDATE_SOURCES,
  BANK_RESULT_LABELS,
  CACHE_RESULTS,
  CHECK_RESULTS,
  INGRESS_DROP_REASONS,
  PREFETCH_TRIGGERS,
  RING_NAMES,
  RPC_ERROR_CLASSES,
  RPC_METHOD_LABELS,
  SCHEDULE_DROP_REASONS,
  SOURCE_LABELS,
  STAGE_LABELS,
  TRANSACTION_OUTCOMES,
  UPSTREAM_CALL_RESULTS,
  UPSTREAM_FORWARD_RESULTS,
  UPSTREAM_METHOD_LABELS,
  UPSTREAM_SUBSCRIPTION_KINDS,
  VERIFY_CACHE_NAMES,
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
    help: "Signature-verification cache lookups, by result (--enable-trading-cache).",
    labels: { result: CACHE_RESULTS },
  },
  {
    name: "outrider_verify_signature_cache_inserts_total",
    type: "counter",
    unit: "",
    help: "Valid verdicts entered into the signature-verification cache.",
    labels: {},
  },
  {
    name: "outrider_verify_signature_cache_evictions_total",
    type: "counter",
    unit: "",
    help: "Signature-verification cache entries evicted (CLOCK within a set).",
    labels: {},
  },
  {
    name: "outrider_verify_signature_cache_entries",
    type: "gauge",
    unit: "",
    help: "Signature verdicts held by the signature-verification caches.",
    labels: {},
  },
  {
    name: "outrider_verify_template_cache_lookups_total",
    type: "counter",
    unit: "",
    help: "Transaction template cache lookups, by result (--enable-trading-cache).",
    labels: { result: CACHE_RESULTS },
  },
  {
    name: "outrider_verify_template_cache_uncached_total",
    type: "counter",
    unit: "",
    help: "Template misses not entered: the shape failed a rule or exceeds the descriptor bounds.",
    labels: {},
  },
  {
    name: "outrider_verify_template_cache_evictions_total",
    type: "counter",
    unit: "",
    help: "Transaction templates evicted (CLOCK within a set).",
    labels: {},
  },
  {
    name: "outrider_verify_template_cache_entries",
    type: "gauge",
    unit: "",
    help: "Transaction templates held by the template caches.",
    labels: {},
  },
  {
    name: "outrider_verify_cache_memory_bytes",
    type: "gauge",
    unit: "bytes",
    help: "Memory the verify caches hold, by cache (preallocated at start; bounded by verify.cache_bytes_max).",
    labels: { cache: VERIFY_CACHE_NAMES },
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
  // ---- accounts: the trading account cache (account-cache issue) ----
  {
    name: "outrider_accounts_cache_lookups_total",
    type: "counter",
    unit: "",
    help: "Account cache lookups by result (stale: held, but older than the newest slot seen or than the commitment asked), by account kind.",
    labels: { result: ACCOUNT_LOOKUP_RESULTS, kind: ACCOUNT_KINDS },
  },
  {
    name: "outrider_accounts_cache_evictions_total",
    type: "counter",
    unit: "",
    help: "Accounts that left the cache (evicted, refused by admission, invalidated), by kind.",
    labels: { kind: ACCOUNT_KINDS },
  },
  {
    name: "outrider_accounts_cache_entries",
    type: "gauge",
    unit: "",
    help: "Accounts held by the cache, by kind.",
    labels: { kind: ACCOUNT_KINDS },
  },
  {
    name: "outrider_accounts_cache_held_bytes",
    type: "gauge",
    unit: "bytes",
    help: "Account data bytes held by the cache, by kind (the bound also charges a fixed overhead per entry).",
    labels: { kind: ACCOUNT_KINDS },
  },
  {
    name: "outrider_accounts_cache_capacity_bytes",
    type: "gauge",
    unit: "bytes",
    help: "The cache's byte bound (accounts.cache_bytes_max; changes live on SIGHUP).",
    labels: {},
  },
  {
    name: "outrider_accounts_cache_updates_total",
    type: "counter",
    unit: "",
    help: "Values written into the cache, by source (applied in slot order).",
    labels: { source: ACCOUNT_UPDATE_SOURCES },
  },
  {
    name: "outrider_accounts_cache_updates_stale_total",
    type: "counter",
    unit: "",
    help: "Writes ignored because the cache already held (or had seen) a newer slot for that account, by source.",
    labels: { source: ACCOUNT_UPDATE_SOURCES },
  },
  {
    name: "outrider_accounts_prefetch_issued_total",
    type: "counter",
    unit: "",
    help: "Accounts loaded before any read asked for them, by trigger.",
    labels: { trigger: PREFETCH_TRIGGERS },
  },
  {
    name: "outrider_accounts_prefetch_used_total",
    type: "counter",
    unit: "",
    help: "Prefetched accounts that a later read found in the cache (counted once each), by trigger.",
    labels: { trigger: PREFETCH_TRIGGERS },
  },
  {
    name: "outrider_accounts_load_duration_seconds",
    type: "histogram",
    unit: "seconds",
    help: "Round trip of one account load from the upstream (getMultipleAccounts, up to 100 accounts per call).",
    labels: {},
    buckets: LATENCY_BUCKETS_SECONDS,
  },
  {
    name: "outrider_accounts_read_duration_seconds",
    type: "histogram",
    unit: "seconds",
    help: "Time to answer one account read inside the bank tile, by how it was served.",
    labels: { served: ACCOUNT_READ_SERVED },
    buckets: LATENCY_BUCKETS_SECONDS,
  },
  // ---- upstream mode (account-cache issue) ----
  {
    name: "outrider_upstream_requests_sent_total",
    type: "counter",
    unit: "",
    help: "JSON-RPC calls sent to the upstream node, by method and result.",
    labels: { method: UPSTREAM_METHOD_LABELS, result: UPSTREAM_CALL_RESULTS },
  },
  {
    name: "outrider_upstream_request_duration_seconds",
    type: "histogram",
    unit: "seconds",
    help: "Round trip of a JSON-RPC request to the upstream node, by method.",
    labels: { method: UPSTREAM_METHOD_LABELS },
    buckets: LATENCY_BUCKETS_SECONDS,
  },
  {
    name: "outrider_upstream_transactions_forwarded_total",
    type: "counter",
    unit: "",
    help: "Transactions the forwarder sink handed to the upstream (forwarded), that it refused, or that could not reach it.",
    labels: { result: UPSTREAM_FORWARD_RESULTS },
  },
  {
    name: "outrider_upstream_subscriptions_active",
    type: "gauge",
    unit: "",
    help: "Subscriptions held on the upstream's PubSub WebSocket, by kind.",
    labels: { kind: UPSTREAM_SUBSCRIPTION_KINDS },
  },
  {
    name: "outrider_upstream_notifications_received_total",
    type: "counter",
    unit: "",
    help: "Notifications received from the upstream's PubSub WebSocket, by subscription kind.",
    labels: { kind: UPSTREAM_SUBSCRIPTION_KINDS },
  },
  {
    name: "outrider_upstream_pubsub_reconnects_total",
    type: "counter",
    unit: "",
    help: "Times the upstream PubSub WebSocket was lost and reconnected (every cached account is dropped then).",
    labels: {},
  },
  {
    name: "outrider_upstream_slot_processed",
    type: "gauge",
    unit: "",
    help: "Newest processed slot seen on the upstream node.",
    labels: {},
  },
];
