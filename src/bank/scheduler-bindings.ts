// The schedule → bank seam, in the terms of Agave's external-scheduler interface.
// Source: anza-xyz/agave, scheduler-bindings/src/lib.rs (crate `agave-scheduler-bindings`, the version
// marked "agave-unstable-api from v4.0.0": leader_state in ProgressMessage, CHECK/EXECUTE pack flags,
// processed_codes, and not_included_reasons with scheduler reasons 0–3 and SDK TransactionError
// translations from 64 up). The earlier (3.0-era) numbering 0–16 is kept below as
// NOT_INCLUDED_REASONS_V3 for reference and translation. Names and numbers are facts of that file;
// the shared-memory layouts (`shaq`, `rts-alloc`) are not modelled here: regions are plain JS values.

/** SharableTransactionRegion: where a transaction sits in the shared allocator. */
export interface SharableTransactionRegion {
  offset: number;
  length: number;
}

export interface SharablePubkeys {
  offset: number;
  num_pubkeys: number;
}

export interface SharableTransactionBatchRegion {
  num_transactions: number;
  transactions_offset: number;
}

export interface TransactionResponseRegion {
  tag: number;
  num_transaction_responses: number;
  transaction_responses_offset: number;
}

/** Message: [TPU -> Pack]. */
export interface TpuToPackMessage {
  transaction: SharableTransactionRegion;
  /** See TPU_MESSAGE_FLAGS. */
  flags: number;
  /** IPv6 (or IPv6-mapped IPv4) source address, 16 bytes. */
  src_addr: Uint8Array;
}

export const TPU_MESSAGE_FLAGS = {
  NONE: 0,
  IS_SIMPLE_VOTE: 1 << 0,
  FORWARDED: 1 << 1,
  FROM_STAKED_NODE: 1 << 2,
} as const;

/** ProgressMessage.leader_state values. */
export const NOT_LEADER = 0;
export const LEADER_STARTING = 1;
export const LEADER_READY = 2;

/** Message: [Agave -> Pack]: leader status and slot progress. */
export interface ProgressMessage {
  leader_state: number;
  current_slot: bigint;
  /** u64::MAX if unknown; excludes the current slot when leader. */
  next_leader_slot: bigint;
  leader_range_end: bigint;
  /** block_limit - cost units used; only meaningful when leader. */
  remaining_cost_units: bigint;
  /** Progress through the current slot, percent (0–100). */
  current_slot_progress: number;
}

export const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** Agave refuses a PackToWorkerMessage with more transactions than this. */
export const MAX_TRANSACTIONS_PER_MESSAGE = 64;

/** Message: [Pack -> Worker]. */
export interface PackToWorkerMessage {
  /** PACK_MESSAGE_FLAGS.CHECK or EXECUTE, ORed with execution/check flags. */
  flags: number;
  /** Maximum working-bank slot this message may be processed in. */
  max_working_slot: bigint;
  batch: SharableTransactionBatchRegion;
}

export const PACK_MESSAGE_FLAGS = {
  CHECK: 0,
  EXECUTE: 1,
  execution_flags: { DROP_ON_FAILURE: 1 << 1, ALL_OR_NOTHING: 1 << 2 },
  check_flags: { STATUS_CHECKS: 1 << 1, LOAD_FEE_PAYER_BALANCE: 1 << 2, LOAD_ADDRESS_LOOKUP_TABLES: 1 << 3 },
} as const;

export const PROCESSED_CODES = {
  PROCESSED: 0,
  INVALID: 1,
  MAX_WORKING_SLOT_EXCEEDED: 2,
} as const;

/** Message: [Worker -> Pack]. */
export interface WorkerToPackMessage {
  batch: SharableTransactionBatchRegion;
  /** See PROCESSED_CODES. */
  processed_code: number;
  responses: TransactionResponseRegion;
}

export const WORKER_MESSAGE_TYPES = { EXECUTION_RESPONSE: 0, CHECK_RESPONSE: 1 } as const;

/** Response per transaction that attempted execution. */
export interface ExecutionResponse {
  /** NOT_INCLUDED_REASONS.NONE when included in the block. */
  not_included_reason: number;
  /** If included: cost units used by the transaction. */
  cost_units: bigint;
  /** If included: fee-payer balance after execution, lamports. */
  fee_payer_balance: bigint;
}

export const NOT_INCLUDED_REASONS = {
  NONE: 0,
  BANK_NOT_AVAILABLE: 1,
  ALL_OR_NOTHING_BATCH_FAILURE: 3,
  // Translations of the SDK's TransactionError, from 64.
  ACCOUNT_IN_USE: 64,
  ACCOUNT_LOADED_TWICE: 65,
  ACCOUNT_NOT_FOUND: 66,
  PROGRAM_ACCOUNT_NOT_FOUND: 67,
  INSUFFICIENT_FUNDS_FOR_FEE: 68,
  INVALID_ACCOUNT_FOR_FEE: 69,
  ALREADY_PROCESSED: 70,
  BLOCKHASH_NOT_FOUND: 71,
  INSTRUCTION_ERROR: 72,
  CALL_CHAIN_TOO_DEEP: 73,
  MISSING_SIGNATURE_FOR_FEE: 74,
  INVALID_ACCOUNT_INDEX: 75,
  SIGNATURE_FAILURE: 76,
  INVALID_PROGRAM_FOR_EXECUTION: 77,
  SANITIZE_FAILURE: 78,
  CLUSTER_MAINTENANCE: 79,
  ACCOUNT_BORROW_OUTSTANDING: 80,
  WOULD_EXCEED_MAX_BLOCK_COST_LIMIT: 81,
  UNSUPPORTED_VERSION: 82,
  INVALID_WRITABLE_ACCOUNT: 83,
  WOULD_EXCEED_MAX_ACCOUNT_COST_LIMIT: 84,
  WOULD_EXCEED_ACCOUNT_DATA_BLOCK_LIMIT: 85,
  TOO_MANY_ACCOUNT_LOCKS: 86,
  ADDRESS_LOOKUP_TABLE_NOT_FOUND: 87,
  INVALID_ADDRESS_LOOKUP_TABLE_OWNER: 88,
  INVALID_ADDRESS_LOOKUP_TABLE_DATA: 89,
  INVALID_ADDRESS_LOOKUP_TABLE_INDEX: 90,
  INVALID_RENT_PAYING_ACCOUNT: 91,
  WOULD_EXCEED_MAX_VOTE_COST_LIMIT: 92,
  WOULD_EXCEED_ACCOUNT_DATA_TOTAL_LIMIT: 93,
  DUPLICATE_INSTRUCTION: 94,
  INSUFFICIENT_FUNDS_FOR_RENT: 95,
  MAX_LOADED_ACCOUNTS_DATA_SIZE_EXCEEDED: 96,
  INVALID_LOADED_ACCOUNTS_DATA_SIZE_LIMIT: 97,
  RESANITIZATION_NEEDED: 98,
  PROGRAM_EXECUTION_TEMPORARILY_RESTRICTED: 99,
  UNBALANCED_TRANSACTION: 100,
  PROGRAM_CACHE_HIT_MAX_LIMIT: 101,
} as const;

export type NotIncludedReasonName = keyof typeof NOT_INCLUDED_REASONS;

/** Earlier numbering (Agave 3.0 scheduler-bindings: ExecutionResponse codes 0–16). */
export const NOT_INCLUDED_REASONS_V3 = {
  NONE: 0,
  BANK_NOT_AVAILABLE: 1,
  SLOT_MISMATCH: 2,
  PARSING_OR_SANITIZATION_FAILURE: 3,
  ALT_RESOLUTION_FAILURE: 4,
  BLOCKHASH_NOT_FOUND: 5,
  ALREADY_PROCESSED: 6,
  WOULD_EXCEED_VOTE_MAX_LIMIT: 7,
  WOULD_EXCEED_BLOCK_MAX_LIMIT: 8,
  WOULD_EXCEED_ACCOUNT_MAX_LIMIT: 9,
  WOULD_EXCEED_ACCOUNT_DATA_BLOCK_LIMIT: 10,
  TOO_MANY_ACCOUNT_LOCKS: 11,
  ACCOUNT_LOADED_TWICE: 12,
  ACCOUNT_IN_USE: 13,
  INVALID_ACCOUNT_FOR_FEE: 14,
  INSUFFICIENT_FUNDS_FOR_FEE: 15,
  INSUFFICIENT_FUNDS_FOR_RENT: 16,
} as const;

const NAME_BY_CODE = new Map<number, NotIncludedReasonName>(
  Object.entries(NOT_INCLUDED_REASONS).map(([name, code]) => [code, name as NotIncludedReasonName]),
);

export function notIncludedReasonName(code: number): NotIncludedReasonName | "UNKNOWN" {
  return NAME_BY_CODE.get(code) ?? "UNKNOWN";
}

const V4_TO_V3: Partial<Record<NotIncludedReasonName, number>> = {
  NONE: 0,
  BANK_NOT_AVAILABLE: 1,
  SANITIZE_FAILURE: 3,
  SIGNATURE_FAILURE: 3,
  UNSUPPORTED_VERSION: 3,
  ADDRESS_LOOKUP_TABLE_NOT_FOUND: 4,
  INVALID_ADDRESS_LOOKUP_TABLE_OWNER: 4,
  INVALID_ADDRESS_LOOKUP_TABLE_DATA: 4,
  INVALID_ADDRESS_LOOKUP_TABLE_INDEX: 4,
  BLOCKHASH_NOT_FOUND: 5,
  ALREADY_PROCESSED: 6,
  WOULD_EXCEED_MAX_VOTE_COST_LIMIT: 7,
  WOULD_EXCEED_MAX_BLOCK_COST_LIMIT: 8,
  WOULD_EXCEED_MAX_ACCOUNT_COST_LIMIT: 9,
  WOULD_EXCEED_ACCOUNT_DATA_BLOCK_LIMIT: 10,
  TOO_MANY_ACCOUNT_LOCKS: 11,
  ACCOUNT_LOADED_TWICE: 12,
  ACCOUNT_IN_USE: 13,
  INVALID_ACCOUNT_FOR_FEE: 14,
  INSUFFICIENT_FUNDS_FOR_FEE: 15,
  INSUFFICIENT_FUNDS_FOR_RENT: 16,
};

/** Translates a 4.x reason to the 3.0 numbering; reasons the old table lacks map to null. */
export function toNotIncludedReasonV3(code: number): number | null {
  const name = NAME_BY_CODE.get(code);
  return name === undefined ? null : (V4_TO_V3[name] ?? null);
}
