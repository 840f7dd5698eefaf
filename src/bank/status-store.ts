// Bounded signature-status store fed by bank results (executed with slot/err) and pipeline drops
// (not included, with a scheduler-bindings reason). Answers getSignatureStatuses as a one-validator
// cluster would: confirmations = slots built on top (null once finalized), confirmationStatus from the
// slot's commitment; records older than the blockhash window are only found with
// searchTransactionHistory, and only for `historySlots` more slots. Emits events for signatureSubscribe.
import { OUTCOME_DROP_DUPLICATE } from "../pipeline/outcomes.ts";
import { NOT_INCLUDED_REASONS } from "./scheduler-bindings.ts";
import type { TransactionErrorJson } from "./transaction-error.ts";

export interface StatusStoreConfig {
  /** Slots a status counts as "recent" (the blockhash window, 151 on mainnet). */
  recentSlots: number;
  /** Further slots kept for searchTransactionHistory. */
  historySlots: number;
  /** Hard cap on records. */
  entriesMax: number;
}

export const DEFAULT_STATUS_STORE_CONFIG: StatusStoreConfig = {
  recentSlots: 151,
  historySlots: 10_000,
  entriesMax: 1_000_000,
};

import { notIncludedReasonLabel } from "../metrics/labels.ts";
import { dropOutcome } from "../pipeline/outcomes.ts";

export interface StatusRecord {
  signature: string;
  slot: number;
  kind: "executed" | "dropped";
  err: TransactionErrorJson | null;
  /** scheduler-bindings not_included_reason (0 when executed). */
  notIncludedReason: number;
}

export type ConfirmationStatus = "processed" | "confirmed" | "finalized";

export interface SignatureStatus {
  slot: number;
  confirmations: number | null;
  err: TransactionErrorJson | null;
  status: { Ok: null } | { Err: TransactionErrorJson };
  confirmationStatus: ConfirmationStatus;
  /** Present only for a transaction Outrider dropped before or at the bank: why. */
  outriderDropped?: { reason: string; code: number };
}

/** Name of a drop: Outrider's own pipeline drops (200+) or the bank's not_included_reason label. */
export function dropReasonName(code: number): string {
  return dropOutcome(code)?.name ?? notIncludedReasonLabel(code);
}

export interface ChainPosition {
  slot: number;
  confirmedSlot: number;
  finalizedSlot: number;
}

export type StatusEvent =
  | { type: "received"; signature: string }
  | { type: "executed"; record: StatusRecord }
  | { type: "dropped"; record: StatusRecord };

export function confirmationStatusOf(slot: number, chain: ChainPosition): ConfirmationStatus {
  if (slot <= chain.finalizedSlot) return "finalized";
  return slot <= chain.confirmedSlot ? "confirmed" : "processed";
}

export function commitmentReached(
  slot: number,
  commitment: ConfirmationStatus,
  chain: ChainPosition,
): boolean {
  const reached = confirmationStatusOf(slot, chain);
  const rank = { processed: 0, confirmed: 1, finalized: 2 } as const;
  return rank[reached] >= rank[commitment];
}

export class StatusStore {
  readonly config: StatusStoreConfig;
  private readonly records = new Map<string, StatusRecord>();
  private readonly listeners = new Set<(event: StatusEvent) => void>();

  constructor(config: Partial<StatusStoreConfig> = {}) {
    this.config = { ...DEFAULT_STATUS_STORE_CONFIG, ...config };
  }

  get size(): number {
    return this.records.size;
  }

  onEvent(listener: (event: StatusEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: StatusEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  recordReceived(signature: string): void {
    this.emit({ type: "received", signature });
  }

  recordExecuted(signature: string, slot: number, err: TransactionErrorJson | null): void {
    const record: StatusRecord = { signature, slot, kind: "executed", err, notIncludedReason: 0 };
    this.insert(record);
    this.emit({ type: "executed", record });
  }

  /**
   * A transaction that did not make it into a block. Never overwrites an executed record. A copy
   * refused as a duplicate (exact dedup, or the bank's AlreadyProcessed) is not recorded at all: the
   * first copy has, or will have, the record that says what happened to the signature — a client
   * polling while it is still in flight must not read "dropped".
   */
  recordDropped(
    signature: string,
    slot: number,
    notIncludedReason: number,
    err: TransactionErrorJson | null,
  ): void {
    if (signature === "" || isDuplicateCopy(notIncludedReason)) return;
    if (this.records.get(signature)?.kind === "executed") return;
    const record: StatusRecord = { signature, slot, kind: "dropped", err, notIncludedReason };
    this.insert(record);
    this.emit({ type: "dropped", record });
  }

  private insert(record: StatusRecord): void {
    this.records.delete(record.signature);
    this.records.set(record.signature, record);
    while (this.records.size > this.config.entriesMax) {
      const oldest = this.records.keys().next().value as string;
      this.records.delete(oldest);
    }
  }

  /** Forgets records older than the recent window plus history, as of `currentSlot`. */
  prune(currentSlot: number): void {
    const oldestKeptSlot = currentSlot - this.config.recentSlots - this.config.historySlots;
    for (const [signature, record] of this.records) {
      if (record.slot >= oldestKeptSlot) break;
      this.records.delete(signature);
    }
  }

  get(signature: string): StatusRecord | null {
    return this.records.get(signature) ?? null;
  }

  /** getSignatureStatuses: executed records only; dropped ones read as null, as on Solana. */
  getStatuses(
    signatures: string[],
    searchTransactionHistory: boolean,
    chain: ChainPosition,
  ): (SignatureStatus | null)[] {
    return signatures.map((signature) => {
      const record = this.records.get(signature);
      if (record === undefined) return null;
      const recent = chain.slot - record.slot < this.config.recentSlots;
      if (!recent && !searchTransactionHistory) return null;
      if (record.kind === "dropped") {
        // Not on Solana's RPC, which shows nothing for a dropped transaction: Outrider promises that
        // every accepted transaction ends visibly, so a drop reads as a failed status with its reason.
        const reason = dropReasonName(record.notIncludedReason);
        const err: TransactionErrorJson = record.err ?? "OutriderDropped";
        return {
          slot: record.slot,
          confirmations: 0,
          err,
          status: { Err: err },
          confirmationStatus: "processed",
          outriderDropped: { reason, code: record.notIncludedReason },
        };
      }
      const confirmationStatus = confirmationStatusOf(record.slot, chain);
      return {
        slot: record.slot,
        confirmations: confirmationStatus === "finalized" ? null : chain.slot - record.slot,
        err: record.err,
        status: record.err === null ? { Ok: null } : { Err: record.err },
        confirmationStatus,
      };
    });
  }
}

/** Reasons that only say another copy of the same signature came first. */
function isDuplicateCopy(notIncludedReason: number): boolean {
  return (
    notIncludedReason === OUTCOME_DROP_DUPLICATE ||
    notIncludedReason === NOT_INCLUDED_REASONS.ALREADY_PROCESSED
  );
}
