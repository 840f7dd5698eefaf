// Terminal outcomes of a transaction inside the pipeline: every packet ingress
// accepts ends in exactly one of these, carried back to ingress on a terminal ring,
// recorded in the signature-status store and counted. Codes are stable.
//
// Codes below 200 are Agave's scheduler-bindings `not_included_reason` values (0 = included,
// i.e. executed with or without a transaction error; 1–3 and 64–101 are reasons);
// 200+ are Outrider's own drops before the bank.

export const OUTCOME_EXECUTED = 0;
/** First code of Outrider's own drops; codes below are bank not_included_reason values. */
export const OUTCOME_DROP_BASE = 200;
export const OUTCOME_DROP_PARSE = 200;
export const OUTCOME_DROP_SANITIZE = 201;
export const OUTCOME_DROP_BAD_SIGNATURE = 202;
export const OUTCOME_DROP_DUPLICATE = 203;
export const OUTCOME_DROP_EXPIRED_BLOCKHASH = 204;
export const OUTCOME_DROP_SHUTDOWN = 205;
/** --enable-adaptive-buffering: an accepted transaction evicted from the ingress priority buffer. */
export const OUTCOME_DROP_PRIORITY_EVICTED = 206;
export const OUTCOME_DROP_SHARE_EVICTED = 207;
/** --enable-adaptive-buffering: the lowest priority of a full planner (Agave's dropped_on_capacity). */
export const OUTCOME_DROP_ON_CAPACITY = 208;
/**
 * Not a terminal outcome: verify gives back the slot of a transaction ingress returned to it (one that
 * verified, reached the bank and was not included), after forgetting its signature in dedup so that
 * a retry can run. Ingress frees the slot; the transaction's status was recorded when it came back.
 */
export const OUTCOME_SLOT_RETURNED = 250;

/**
 * True for an outcome after which the same signed transaction may be retried and run: it verified and
 * then nothing of it was committed — the bank did not include it (Agave's not_included_reason,
 * 1–199), or the scheduler dropped it on capacity.
 */
export function isRetryableAfterVerify(outcomeCode: number): boolean {
  return (outcomeCode > 0 && outcomeCode < OUTCOME_DROP_BASE) || outcomeCode === OUTCOME_DROP_ON_CAPACITY;
}

export interface OutcomeInfo {
  code: number;
  /** Metric label and log name. */
  name: string;
  /** The TransactionError a Solana RPC would show for it (as getSignatureStatuses `err`). */
  rpcError: unknown;
  description: string;
}

export const DROP_OUTCOMES: readonly OutcomeInfo[] = [
  {
    code: OUTCOME_DROP_PARSE,
    name: "parse_error",
    rpcError: "SanitizeFailure",
    description: "the bytes are not a Solana transaction",
  },
  {
    code: OUTCOME_DROP_SANITIZE,
    name: "sanitize_error",
    rpcError: "SanitizeFailure",
    description: "the transaction breaks a sanitize rule",
  },
  {
    code: OUTCOME_DROP_BAD_SIGNATURE,
    name: "bad_signature",
    rpcError: "SignatureFailure",
    description: "a signature does not verify under Solana's strict rules",
  },
  {
    code: OUTCOME_DROP_DUPLICATE,
    name: "duplicate",
    rpcError: "AlreadyProcessed",
    description: "the signature was already seen while its blockhash is valid",
  },
  {
    code: OUTCOME_DROP_EXPIRED_BLOCKHASH,
    name: "expired_blockhash",
    rpcError: "BlockhashNotFound",
    description: "the recent blockhash is unknown or older than 150 slots",
  },
  {
    code: OUTCOME_DROP_SHUTDOWN,
    name: "shutdown",
    rpcError: "WouldExceedMaxBlockCostLimit",
    description: "still queued when the shutdown drain time ran out",
  },
  {
    code: OUTCOME_DROP_PRIORITY_EVICTED,
    name: "priority_evicted",
    rpcError: null,
    description: "evicted from the full ingress priority buffer by higher-priority transactions",
  },
  {
    code: OUTCOME_DROP_SHARE_EVICTED,
    name: "share_evicted",
    rpcError: null,
    description: "evicted from the full ingress priority buffer: its sender held more than its fair share",
  },
  {
    code: OUTCOME_DROP_ON_CAPACITY,
    name: "dropped_on_capacity",
    rpcError: null,
    description: "the lowest priority when the scheduler was full",
  },
];

export function dropOutcome(code: number): OutcomeInfo | undefined {
  return DROP_OUTCOMES.find((outcome) => outcome.code === code);
}
