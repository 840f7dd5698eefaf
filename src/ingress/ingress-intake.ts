// What the ingress tile, the JSON-RPC backend and the tests need of an ingress stage: the
// baseline bounded FIFO (ingress-stage.ts) and the adaptive priority buffer
// (adaptive-ingress-stage.ts, --enable-adaptive-buffering) both provide it.
import type { SourceKind } from "../ring/packet-pool.ts";

/** Called for each terminal outcome before its slot is freed; the packet bytes are still readable. */
export type OutcomeListener = (
  slot: number,
  outcomeCode: number,
  executedSlot: number,
  costUnits: number,
  detailCode: number,
) => void;

export interface IngressCounters {
  accepted: number;
  /** Indexed by ingress drop code (INGRESS_DROP_*); index 0 (accepted) stays 0. */
  dropped: Float64Array;
  outcomes: number;
  /** Packets that found their verify ring full (back-pressure). */
  ringFull: number;
  /** Packets handed on to verify, by source kind (index: SOURCE_KIND_*). */
  forwarded: Float64Array;
  /** Not-included transactions handed back to verify (dedup forgets them; a retry may run). */
  returned: number;
  /** Not-included transactions that could not be handed back (queue or ring full): freed as they were, so a retry is refused as a duplicate until its blockhash expires — never run twice. */
  returnsLost: number;
}

export interface IngressIntake {
  readonly counters: IngressCounters;
  /**
   * Offers one packet. Returns INGRESS_ACCEPTED and the slot through `slotOut[0]`, or a drop code.
   * The packet is copied once into the pool; `packet` may be reused by the caller afterwards.
   */
  accept(
    packet: Uint8Array,
    sourceKind: SourceKind,
    sourceId: number,
    requestId: number,
    slotOut?: Int32Array,
  ): number;
  /** Hands queued packets on to verify as far as the stage's policy and the rings allow; returns how many. */
  flush(): number;
  /** Takes every terminal outcome available, reports it, and frees its slot; returns how many. */
  drainOutcomes(listener: OutcomeListener): number;
  /** Stops accepting (shutdown); queued packets still flow. */
  stopIntake(): void;
  /** Packets held by ingress, not yet handed on. */
  readonly queued: number;
  /** Slots holding accepted transactions that have no terminal outcome yet. */
  readonly inFlight: number;
}
