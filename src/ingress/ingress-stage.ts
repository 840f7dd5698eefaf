// The ingress stage (baseline): every accepted packet is written once into the shared
// pool and queued for the verify worker that owns its first signature (so each worker's
// dedup is exact), in a bounded FIFO per worker: when full, the newest is dropped and
// counted. It also takes every terminal outcome coming back (verify rejections, bank
// responses via schedule), hands it to the caller for status and metrics, and frees the
// slot — except for a transaction the bank did not include: its slot goes back to the verify worker
// that owns it (INGRESS_ENTRY_RETURNED), which forgets its signature so a retry can run, and answers
// OUTCOME_SLOT_RETURNED; only then is the slot freed. No allocation per packet.

import { isRetryableAfterVerify, OUTCOME_SLOT_RETURNED } from "../pipeline/outcomes.ts";
import type { Doorbell } from "../ring/doorbell.ts";
import { PACKET_BYTES_MAX, type PacketPool, type SourceKind } from "../ring/packet-pool.ts";
import type { SlotAllocator } from "../ring/slot-allocator.ts";
import type { SpscRing } from "../ring/spsc-ring.ts";
import { INGRESS_ENTRY_PACKET, INGRESS_ENTRY_RETURNED } from "../topology.ts";
import type { IngressIntake, OutcomeListener } from "./ingress-intake.ts";

/** Queue entries carry the slot; this bit marks a returned transaction (slots stay below 2^20). */
const QUEUED_RETURNED_BIT = 1 << 30;

export type { OutcomeListener } from "./ingress-intake.ts";

export const INGRESS_ACCEPTED = 0;
export const INGRESS_DROP_EMPTY = 1;
export const INGRESS_DROP_OVERSIZE = 2;
export const INGRESS_DROP_POOL_EXHAUSTED = 3;
export const INGRESS_DROP_QUEUE_FULL = 4;
export const INGRESS_DROP_SHUTDOWN = 5;
// Only with --enable-adaptive-buffering (src/ingress/adaptive-ingress-stage.ts).
export const INGRESS_DROP_PRIORITY_REFUSED = 6;
export const INGRESS_DROP_PRIORITY_EVICTED = 7;
export const INGRESS_DROP_SHARE_REFUSED = 8;
export const INGRESS_DROP_SHARE_EVICTED = 9;
export const INGRESS_DROP_NAMES = [
  "accepted",
  "empty",
  "oversize",
  "pool_exhausted",
  "queue_full",
  "shutdown",
  "priority_refused",
  "priority_evicted",
  "share_refused",
  "share_evicted",
] as const;

export interface IngressStageDeps {
  pool: PacketPool;
  allocator: SlotAllocator;
  /** ingress_verify#i. */
  outputs: SpscRing[];
  /** work:verify#i, rung after publishing to outputs[i]. */
  verifyDoorbells: Doorbell[];
  /** verify_ingress#i and schedule_ingress: terminal outcomes. */
  outcomeRings: SpscRing[];
  /** Packets held (all workers together) before dropping the newest. */
  queuePacketsMax: number;
}

export class IngressStage implements IngressIntake {
  private readonly deps: IngressStageDeps;
  private readonly queueCapacity: number;
  /** Per verify worker: a ring buffer of pool slots waiting for room in ingress_verify#i. */
  private readonly queues: Int32Array[];
  private readonly queueHead: Int32Array;
  private readonly queueCount: Int32Array;
  private stopped = false;
  readonly counters = {
    accepted: 0,
    dropped: new Float64Array(INGRESS_DROP_NAMES.length),
    outcomes: 0,
    /** Packets that found their verify ring full and waited in the local queue (back-pressure). */
    ringFull: 0,
    /** Packets handed on to verify, by source kind (index: SOURCE_KIND_*). */
    forwarded: new Float64Array(3),
    returned: 0,
    returnsLost: 0,
  };
  private readonly takeBack = (slot: number): boolean => this.returnToVerify(slot);

  constructor(deps: IngressStageDeps) {
    this.deps = deps;
    const workers = deps.outputs.length;
    this.queueCapacity = Math.max(1, Math.floor(deps.queuePacketsMax / workers));
    this.queues = deps.outputs.map(() => new Int32Array(this.queueCapacity));
    this.queueHead = new Int32Array(workers);
    this.queueCount = new Int32Array(workers);
  }

  /** Stops accepting (shutdown); queued packets still flow. */
  stopIntake(): void {
    this.stopped = true;
  }

  /** Packets queued locally (not yet in a ring). */
  get queued(): number {
    let total = 0;
    for (let index = 0; index < this.queueCount.length; index++) total += this.queueCount[index];
    return total;
  }

  /** Slots holding accepted transactions that have no terminal outcome yet. */
  get inFlight(): number {
    return this.deps.allocator.inUseCount();
  }

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
  ) {
    const length = packet.length;
    let code = INGRESS_ACCEPTED;
    if (this.stopped) code = INGRESS_DROP_SHUTDOWN;
    else if (length === 0) code = INGRESS_DROP_EMPTY;
    else if (length > PACKET_BYTES_MAX) code = INGRESS_DROP_OVERSIZE;
    let worker = 0;
    if (code === INGRESS_ACCEPTED) {
      worker = verifyWorkerFor(packet, 0, length, this.deps.outputs.length);
      if (this.queueCount[worker] >= this.queueCapacity) {
        this.flush();
        if (this.queueCount[worker] >= this.queueCapacity) code = INGRESS_DROP_QUEUE_FULL;
      }
    }
    let slot = -1;
    if (code === INGRESS_ACCEPTED) {
      slot = this.deps.allocator.alloc();
      if (slot < 0) code = INGRESS_DROP_POOL_EXHAUSTED;
    }
    if (code !== INGRESS_ACCEPTED) {
      this.counters.dropped[code]++;
      return code;
    }
    const pool = this.deps.pool;
    pool.writePacket(slot, packet, sourceKind, sourceId, requestId, pool.clock.nowNs());
    const queue = this.queues[worker];
    queue[(this.queueHead[worker] + this.queueCount[worker]) % this.queueCapacity] = slot;
    this.queueCount[worker]++;
    this.counters.accepted++;
    if (slotOut) slotOut[0] = slot;
    return INGRESS_ACCEPTED;
  }

  /** Moves queued packets into the verify rings as far as they have room; returns how many moved. */
  flush(): number {
    const { outputs, pool, verifyDoorbells } = this.deps;
    let moved = 0;
    for (let worker = 0; worker < outputs.length; worker++) {
      const count = this.queueCount[worker];
      if (count === 0) continue;
      const ring = outputs[worker];
      const reserved = ring.reserve(count);
      this.counters.ringFull += count - reserved;
      if (reserved === 0) continue;
      const queue = this.queues[worker];
      let head = this.queueHead[worker];
      for (let entry = 0; entry < reserved; entry++) {
        const queued = queue[head];
        const slot = queued & ~QUEUED_RETURNED_BIT;
        ring.writeWord(entry, 0, slot);
        ring.writeWord(entry, 1, pool.lengths[slot]);
        ring.writeWord(entry, 2, pool.sourceKinds[slot]);
        if ((queued & QUEUED_RETURNED_BIT) !== 0) {
          ring.writeWord(entry, 3, INGRESS_ENTRY_RETURNED);
        } else {
          ring.writeWord(entry, 3, INGRESS_ENTRY_PACKET);
          this.counters.forwarded[pool.sourceKinds[slot]]++;
        }
        head = (head + 1) % this.queueCapacity;
      }
      ring.publish(reserved);
      verifyDoorbells[worker].ring();
      this.queueHead[worker] = head;
      this.queueCount[worker] = count - reserved;
      moved += reserved;
    }
    return moved;
  }

  /** Takes every terminal outcome available, reports it, and frees its slot; returns how many. */
  /** Queues a not-included transaction's slot for the verify worker that verified it; false when full. */
  private returnToVerify(slot: number): boolean {
    const pool = this.deps.pool;
    const worker = verifyWorkerFor(
      pool.bytes,
      pool.slotOffset(slot),
      pool.lengths[slot],
      this.deps.outputs.length,
    );
    if (this.queueCount[worker] >= this.queueCapacity) {
      this.counters.returnsLost++;
      return false;
    }
    const queue = this.queues[worker];
    queue[(this.queueHead[worker] + this.queueCount[worker]) % this.queueCapacity] =
      slot | QUEUED_RETURNED_BIT;
    this.queueCount[worker]++;
    this.counters.returned++;
    return true;
  }

  drainOutcomes(listener: OutcomeListener): number {
    const total = drainOutcomeRings(this.deps.outcomeRings, this.deps.allocator, listener, this.takeBack);
    this.counters.outcomes += total;
    return total;
  }
}

/** The verify worker owning a packet: by its first signature's leading bytes (so each worker's dedup is exact). */
export function verifyWorkerFor(bytes: Uint8Array, offset: number, length: number, workers: number): number {
  if (workers === 1 || length < 5) return 0;
  const hash =
    bytes[offset + 1] | (bytes[offset + 2] << 8) | (bytes[offset + 3] << 16) | (bytes[offset + 4] << 24);
  return (Math.imul(hash, 0x9e3779b1) >>> 0) % workers;
}

/**
 * Takes every entry on the outcome `rings`: reports each terminal outcome to `listener`, then frees
 * its slot — unless the bank did not include the transaction and `takeBack` takes the slot to hand
 * it back to verify (it returns false when it cannot; the slot is then freed). A verify answer to a
 * hand-back (OUTCOME_SLOT_RETURNED) only frees the slot. Returns how many terminal outcomes it took.
 */
export function drainOutcomeRings(
  rings: readonly SpscRing[],
  allocator: SlotAllocator,
  listener: OutcomeListener,
  takeBack?: (slot: number) => boolean,
): number {
  let total = 0;
  for (const ring of rings) {
    const count = ring.available();
    if (count === 0) continue;
    for (let entry = 0; entry < count; entry++) {
      const slot = ring.readWord(entry, 0);
      const outcomeCode = ring.readWord(entry, 1);
      if (outcomeCode !== OUTCOME_SLOT_RETURNED) {
        total++;
        listener(
          slot,
          outcomeCode,
          ring.readWord(entry, 2),
          ring.readWord(entry, 4),
          ring.readWord(entry, 5),
        );
        if (takeBack !== undefined && isRetryableAfterVerify(outcomeCode) && takeBack(slot)) continue;
      }
      allocator.free(slot);
    }
    ring.release(count);
  }
  return total;
}
