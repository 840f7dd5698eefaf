// The conversation between `outrider simulate` (the orchestrator) and its load client, a separate
// process: one JSON object per line. The orchestrator writes on the client's stdin (start, then a new
// companion address after a restart); the client writes on stdout (setup done, progress every second,
// the final result, or an error). Types only; both sides validate the `type` field.
import type { LatencySummaryMs } from "./stats.ts";
import type { SimWorkloadConfig } from "./workload.ts";

export interface CompanionAddress {
  rpcUrl: string;
  tpuHost: string;
  tpuPort: number;
}

export interface ClientConfig {
  workload: SimWorkloadConfig;
  companion: CompanionAddress;
  /** Time between getSignatureStatuses polls of one lane (two lanes). */
  pollIntervalMs: number;
  /** After the last send: how long to keep polling for outcomes. */
  drainMs: number;
  /** Concurrent sendTransaction requests. */
  rpcConcurrency: number;
  /** Keep the bytes of every acknowledged transaction, and re-send them all after a restart. */
  replayAfterRestart: boolean;
}

export type OrchestratorMessage =
  | { type: "start"; config: ClientConfig }
  /** The companion was restarted (after a kill -9): here is its new address. */
  | { type: "companion"; companion: CompanionAddress };

export interface ProgressMessage {
  type: "progress";
  elapsedMs: number;
  /** First copies sent. */
  sent: number;
  packets: number;
  acked: number;
  landed: number;
  dropped: number;
  pending: number;
  /** Landed in the last second, and their latency. */
  landedLastSecond: number;
  latencyMsP50LastSecond: number;
  latencyMsP99LastSecond: number;
  /** How far behind its schedule the sender is (ms). */
  sendLagMs: number;
}

export interface SecondSample {
  /** Second of the run (by outcome time). */
  second: number;
  landed: number;
  latencyMsP50: number;
  latencyMsP99: number;
}

export interface LedgerCheck {
  /** Accounts whose balance was compared. */
  accountsChecked: number;
  /** Executed transactions whose effects were summed. */
  executedTransactions: number;
  mismatches: { address: string; field: "lamports" | "tokens"; expected: string; actual: string }[];
  ok: boolean;
  /**
   * Transactions the companion still held undecided when the ledger was read (/status
   * inFlightTransactions; null if it could not say). Above 0 the ledger cannot reconcile: they may
   * execute after the balances were read, or have executed before their status was asked for.
   */
  companionInFlight: number | null;
}

export interface RestartReport {
  /** Transactions the first companion acknowledged. */
  ackedBeforeCrash: number;
  landedBeforeCrash: number;
  droppedBeforeCrash: number;
  /** Acknowledged before the crash, outcome not seen before it. */
  unknownAtCrash: number;
  /** Pre-crash transactions re-sent to the restarted companion, and how each ended there. */
  replayed: number;
  replayOutcomes: Record<string, number>;
  /** Pre-crash signatures that executed on the restarted companion (each a broken promise). */
  executedAfterRestart: number;
  /** …of which had already landed before the crash: executed twice. */
  executedTwice: number;
  /** Transactions sent to the restarted companion that landed there. */
  landedAfterRestart: number;
  /** Time the bots waited while the restarted companion was set up again (their schedule resumed after it). */
  resetupMs: number;
  restartedAtMs: number;
}

export interface ClientResult {
  type: "result";
  setupMs: number;
  runMs: number;
  sent: number;
  packets: number;
  /** Sent over JSON-RPC and acknowledged with a signature. */
  acked: number;
  /** sendTransaction refused (by reason: rpc_<code>, connection_failed). */
  refused: Record<string, number>;
  landed: number;
  /** Landed with an outcome seen within the offered window (the first durationS seconds). */
  landedInWindow: number;
  /** Executed with a transaction error (in a block, fee charged). */
  executedWithError: Record<string, number>;
  /** Dropped with a reason (Outrider's outriderDropped.reason). */
  dropped: Record<string, number>;
  /** Outcomes of the transactions acknowledged over JSON-RPC (they partition `acked`; `other` must be 0). */
  ackedOutcomes: {
    landed: number;
    executedWithError: number;
    dropped: number;
    unknown: number;
    other: number;
  };
  /** No outcome seen at the end of the drain: by path. */
  unresolved: { udp: number; rpc: number };
  latencyMs: LatencySummaryMs;
  /** The same latencies on the fixed 5% log scale of stats.ts (to pool runs). */
  latencyHistogram: number[];
  /** Landed transactions' latency by kind. */
  latencyMsByKind: Record<string, LatencySummaryMs>;
  seconds: SecondSample[];
  sendLagMsMax: number;
  /** UDP sends that failed, by error code (ECONNREFUSED: the TPU port was closed). */
  udpSendErrors: Record<string, number>;
  clientCpuMs: number;
  ledger: LedgerCheck;
  restart: RestartReport | null;
}

export type ClientMessage =
  | { type: "setup-done"; setupMs: number; transactions: number }
  | ProgressMessage
  | ClientResult
  | { type: "error"; message: string };

/** JSON with bigint as strings. */
export function toJsonLine(value: unknown): string {
  return `${JSON.stringify(value, (_key, each) => (typeof each === "bigint" ? each.toString() : each))}\n`;
}
