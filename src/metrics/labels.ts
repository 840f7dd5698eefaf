// The fixed, enumerated label values every metric may carry (no label is ever unbounded:
// never a signature, address or free-form string), plus the mappings hot paths use to
// turn a raw value (an Agave reason code, a JSON-RPC method or error code) into one of them.

export const SOURCE_LABELS = ["udp", "rpc"] as const;
export const STAGE_LABELS = ["ingress", "verify", "schedule", "bank"] as const;
export const INGRESS_DROP_REASONS = [
  "queue_full",
  "oversize",
  "empty",
  "pool_exhausted",
  "shutdown",
  // --enable-adaptive-buffering: the priority buffer was full; `priority_*` went as the lowest overall,
  // `share_*` as the lowest of a source above its fair share; `*_refused` was the newcomer itself,
  // `*_evicted` a packet accepted earlier.
  "priority_refused",
  "priority_evicted",
  "share_refused",
  "share_evicted",
] as const;
export const VERIFY_DROP_REASONS = [
  "parse_error",
  "sanitize_error",
  "bad_signature",
  "duplicate",
  "expired_blockhash",
  "queue_full",
  // Pipeline drop outcomes of adaptive buffering (src/pipeline/outcomes.ts). Verify never produces them;
  // they are listed because verify declares one counter per pipeline drop outcome.
  "priority_evicted",
  "share_evicted",
  "dropped_on_capacity",
] as const;
export const SCHEDULE_DROP_REASONS = [
  "queue_full",
  "expired_blockhash",
  "too_many_account_locks",
  "evicted_low_priority",
  "bank_not_available",
] as const;
/**
 * Priority bands (--enable-adaptive-buffering): the decade of Agave's priority, reward × 10^6 / (cost + 1).
 * Fixed and bounded, so a dashboard can follow the bands its high payers use (a plain transfer paying only
 * the signature fee is near 1e5; 10^9 micro-lamports per CU on 450 CU is near 2e7).
 */
export const PRIORITY_DECADE_LABELS = ["lt1e4", "1e4", "1e5", "1e6", "1e7", "1e8", "1e9", "ge1e10"] as const;

/** Index into PRIORITY_DECADE_LABELS of a priority (no allocation). */
export function priorityDecadeIndex(priority: number): number {
  if (!(priority >= 1e4)) return 0;
  if (priority >= 1e10) return PRIORITY_DECADE_LABELS.length - 1;
  let index = 1;
  for (let bound = 1e5; priority >= bound; bound *= 10) index++;
  return index;
}

/** Schedule (--enable-adaptive-buffering): which compute limit put a transaction off to the next slot. */
export const SCHEDULE_COST_LIMITS = ["block", "account_write"] as const;
/** Schedule: the parts of the batch-efficiency figure of the last window, in compute units. */
export const SCHEDULE_WINDOW_PARTS = ["total", "critical_path", "lower_bound", "makespan"] as const;
/** Schedule: execution lanes (k bank workers planned for), at most 32. */
export const LANE_LABELS: readonly string[] = Array.from({ length: 32 }, (_, lane) => String(lane));

export const TRANSACTION_OUTCOMES = ["executed", "forwarded", "dropped"] as const;
export const CHECK_RESULTS = ["valid", "invalid"] as const;
export const CACHE_RESULTS = ["hit", "miss"] as const;
/** Hand-backs of not-included transactions from ingress to verify. */
export const RETURN_RESULTS = ["handed_back", "lost"] as const;
/** The verify stage's caches (--enable-trading-cache). */
export const VERIFY_CACHE_NAMES = ["signature", "template"] as const;

/** Rings are named `<producer>_<consumer>` (src/topology.ts); per-verify-worker rings share one label. */
export const RING_NAMES = [
  "ingress_verify",
  "verify_schedule",
  "schedule_bank",
  "bank_schedule",
  "verify_ingress",
  "schedule_ingress",
] as const;

/**
 * Agave's `not_included_reasons` (crate agave-scheduler-bindings, ExecutionResponse) as
 * [code, label]: 0 ("NONE", included) is "ok"; names lower-cased. Codes not listed map to "other".
 */
export const AGAVE_NOT_INCLUDED_REASONS: readonly (readonly [number, string])[] = [
  [0, "ok"],
  [1, "bank_not_available"],
  [2, "partial_batch_cancelled"],
  [3, "all_or_nothing_batch_failure"],
  [64, "account_in_use"],
  [65, "account_loaded_twice"],
  [66, "account_not_found"],
  [67, "program_account_not_found"],
  [68, "insufficient_funds_for_fee"],
  [69, "invalid_account_for_fee"],
  [70, "already_processed"],
  [71, "blockhash_not_found"],
  [72, "instruction_error"],
  [73, "call_chain_too_deep"],
  [74, "missing_signature_for_fee"],
  [75, "invalid_account_index"],
  [76, "signature_failure"],
  [77, "invalid_program_for_execution"],
  [78, "sanitize_failure"],
  [79, "cluster_maintenance"],
  [80, "account_borrow_outstanding"],
  [81, "would_exceed_max_block_cost_limit"],
  [82, "unsupported_version"],
  [83, "invalid_writable_account"],
  [84, "would_exceed_max_account_cost_limit"],
  [85, "would_exceed_account_data_block_limit"],
  [86, "too_many_account_locks"],
  [87, "address_lookup_table_not_found"],
  [88, "invalid_address_lookup_table_owner"],
  [89, "invalid_address_lookup_table_data"],
  [90, "invalid_address_lookup_table_index"],
  [91, "invalid_rent_paying_account"],
  [92, "would_exceed_max_vote_cost_limit"],
  [93, "would_exceed_account_data_total_limit"],
  [94, "duplicate_instruction"],
  [95, "insufficient_funds_for_rent"],
  [96, "max_loaded_accounts_data_size_exceeded"],
  [97, "invalid_loaded_accounts_data_size_limit"],
  [98, "resanitization_needed"],
  [99, "program_execution_temporarily_restricted"],
  [100, "unbalanced_transaction"],
  [101, "program_cache_hit_max_limit"],
];
export const BANK_RESULT_LABELS: readonly string[] = [
  ...AGAVE_NOT_INCLUDED_REASONS.map(([, name]) => name),
  "other",
];

const reasonLabelByCode: string[] = new Array(256).fill("other");
for (const [code, name] of AGAVE_NOT_INCLUDED_REASONS) reasonLabelByCode[code] = name;

/** Label for an Agave not_included_reason code (u8); unknown codes are "other". */
export function notIncludedReasonLabel(code: number): string {
  return (code >= 0 && code < 256 && reasonLabelByCode[code | 0]) || "other";
}

/** Solana JSON-RPC methods counted by name; every other method is "other". */
export const RPC_METHOD_LABELS = [
  "getHealth",
  "getVersion",
  "getSlot",
  "getBlockHeight",
  "getEpochInfo",
  "getGenesisHash",
  "getLatestBlockhash",
  "isBlockhashValid",
  "getFeeForMessage",
  "getMinimumBalanceForRentExemption",
  "getBalance",
  "getAccountInfo",
  "getMultipleAccounts",
  "sendTransaction",
  "simulateTransaction",
  "getSignatureStatuses",
  "requestAirdrop",
  "signatureSubscribe",
  "accountSubscribe",
  "slotSubscribe",
  "other",
] as const;
const rpcMethodSet: ReadonlySet<string> = new Set(RPC_METHOD_LABELS);

/** Label for a JSON-RPC method name from the wire (anything unknown, even hostile, is "other"). */
export function rpcMethodLabel(method: unknown): string {
  return typeof method === "string" && rpcMethodSet.has(method) ? method : "other";
}

/** JSON-RPC 2.0 error code classes; server_error is the implementation range −32099..−32000 (Solana's own). */
export const RPC_ERROR_CLASSES = [
  "parse_error",
  "invalid_request",
  "method_not_found",
  "invalid_params",
  "internal_error",
  "server_error",
  "other",
] as const;

export function jsonRpcErrorClass(code: number): (typeof RPC_ERROR_CLASSES)[number] {
  switch (code) {
    case -32700:
      return "parse_error";
    case -32600:
      return "invalid_request";
    case -32601:
      return "method_not_found";
    case -32602:
      return "invalid_params";
    case -32603:
      return "internal_error";
    default:
      return code >= -32099 && code <= -32000 ? "server_error" : "other";
  }
}

// ---- accounts and upstream (account-cache issue) ----

/** What an account is to a trading workload, learned from its owner program and layout. */
export const ACCOUNT_KINDS = [
  "market",
  "book_side",
  "event_queue",
  "oracle",
  "open_orders",
  "token",
  "other",
] as const;
export const ACCOUNT_LOOKUP_RESULTS = ["hit", "miss", "stale"] as const;
/** Where a value written into the account cache came from. */
export const ACCOUNT_UPDATE_SOURCES = ["load", "notification", "bank", "invalidation"] as const;
/** What made the cache load an account before anyone asked for it. */
export const PREFETCH_TRIGGERS = ["transaction", "market", "warm", "verify"] as const;
/** How a getAccounts was answered: wholly from the cache, or with at least one upstream load. */
export const ACCOUNT_READ_SERVED = ["cache", "upstream"] as const;
/** Upstream JSON-RPC methods Outrider calls by itself; every passed-through call is "passthrough". */
export const UPSTREAM_METHOD_LABELS = [
  "getMultipleAccounts",
  "sendTransaction",
  "getSignatureStatuses",
  "simulateTransaction",
  "getLatestBlockhash",
  "getBlockHeight",
  "getSlot",
  "passthrough",
] as const;
export const UPSTREAM_CALL_RESULTS = ["ok", "error"] as const;
export const UPSTREAM_FORWARD_RESULTS = ["forwarded", "refused", "unreachable"] as const;
export const UPSTREAM_SUBSCRIPTION_KINDS = ["account", "program", "signature", "slot"] as const;
