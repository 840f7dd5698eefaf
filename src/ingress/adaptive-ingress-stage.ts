// The ingress stage with --enable-adaptive-buffering. Every accepted packet is written once into the
// shared pool and held in the priority buffer (priority-buffer.ts): Agave's order, reward × 10^6 /
// (cost + 1), from the packet's own priority fee and cost; bounded by count and bytes; when full the
// lowest priority goes (of a source above its fair share first), never simply the newest. A packet that
// does not parse gets priority 0 — it is kept like any other and verify rejects it with its own code.
//
// The backlog stays here, where priority decides: packets are handed on to verify only while the work
// downstream (verify, schedule, bank: pool slots not in the buffer) is below a window sized from the
// measured drain rate (window = drain/s × downstream_delay_ms, within bounds). The congestion detector
// (congestion.ts) turns queue growth, drop rate and window back-pressure into a state: idle → each packet
// is handed on at once; under load → whole batches of up to handoff_batch_packets_max. Packets go to the
// verify worker owning their first signature, as in the baseline, so each worker's dedup stays exact.
// No allocation per packet.
import { priorityDecadeIndex } from "../metrics/labels.ts";
import type { Doorbell } from "../ring/doorbell.ts";
import { PACKET_BYTES_MAX, type PacketPool, type SourceKind } from "../ring/packet-pool.ts";
import type { SlotAllocator } from "../ring/slot-allocator.ts";
import type { SpscRing } from "../ring/spsc-ring.ts";
import { parsedTransactionPriority } from "../schedule/prio-graph-cost.ts";
import { INGRESS_BUFFER_CONFIG_INVALID, requireInteger } from "../schedule/prio-graph-errors.ts";
import { INGRESS_ENTRY_RETURNED } from "../topology.ts";
import { parseTransaction } from "../tx/parse.ts";
import { ParsedTransaction } from "../tx/parsed-transaction.ts";
import {
  batchSizeFor,
  CONGESTION_IDLE,
  type CongestionConfig,
  type CongestionSample,
  type CongestionState,
  DEFAULT_CONGESTION_CONFIG,
  initialCongestionState,
  nextCongestionState,
  validateCongestionConfig,
} from "./congestion.ts";
import type { IngressCounters, IngressIntake, OutcomeListener } from "./ingress-intake.ts";
import {
  drainOutcomeRings,
  INGRESS_ACCEPTED,
  INGRESS_DROP_EMPTY,
  INGRESS_DROP_NAMES,
  INGRESS_DROP_OVERSIZE,
  INGRESS_DROP_POOL_EXHAUSTED,
  INGRESS_DROP_PRIORITY_EVICTED,
  INGRESS_DROP_PRIORITY_REFUSED,
  INGRESS_DROP_SHARE_EVICTED,
  INGRESS_DROP_SHARE_REFUSED,
  INGRESS_DROP_SHUTDOWN,
  verifyWorkerFor,
} from "./ingress-stage.ts";
import { PriorityBuffer, PUSH_ACCEPTED, PUSH_REJECTED_LOWEST } from "./priority-buffer.ts";

export interface AdaptiveIngressConfig {
  /** Packets the priority buffer holds at most (clamped so buffer + window fit the pool). */
  bufferPacketsMax: number;
  /** Bytes (sum of packet lengths) the buffer holds at most; at least one full packet. */
  bufferBytesMax: number;
  /** Bounds of the downstream window (packets handed on and not finished). */
  windowPacketsMin: number;
  windowPacketsMax: number;
  /** Window = measured drain rate × this delay. */
  downstreamDelayMs: number;
  /** Hand-off batch under congestion (1 when idle). */
  handoffBatchPacketsMax: number;
  /** Congestion detector sampling period. */
  tickMs: number;
}

export const DEFAULT_ADAPTIVE_INGRESS_CONFIG: Readonly<AdaptiveIngressConfig> = {
  bufferPacketsMax: 16_384,
  bufferBytesMax: 16_384 * PACKET_BYTES_MAX,
  windowPacketsMin: 512,
  windowPacketsMax: 4_096,
  downstreamDelayMs: 50,
  handoffBatchPacketsMax: 64,
  tickMs: 5,
};

export interface AdaptiveIngressDeps {
  pool: PacketPool;
  allocator: SlotAllocator;
  /** ingress_verify#i. */
  outputs: SpscRing[];
  /** work:verify#i, rung after publishing to outputs[i]. */
  verifyDoorbells: Doorbell[];
  /** verify_ingress#i and schedule_ingress: terminal outcomes. */
  outcomeRings: SpscRing[];
  config: AdaptiveIngressConfig;
  /** A packet accepted earlier is evicted (drop code); called before its slot is freed. */
  onEvicted?: (slot: number, dropCode: number) => void;
  /** A packet is handed on: seconds it waited in the buffer, and its priority decade. */
  onHandOff?: (slot: number, waitedSeconds: number, priorityDecade: number) => void;
}

/** Drain-rate smoothing per tick (EWMA weight of the newest tick). */
const DRAIN_RATE_SMOOTHING = 0.2;

export class AdaptiveIngressStage implements IngressIntake {
  readonly buffer: PriorityBuffer;
  readonly config: Readonly<AdaptiveIngressConfig>;
  readonly congestionConfig: CongestionConfig;
  readonly counters: IngressCounters = {
    accepted: 0,
    dropped: new Float64Array(INGRESS_DROP_NAMES.length),
    outcomes: 0,
    ringFull: 0,
    forwarded: new Float64Array(3),
    returned: 0,
    returnsLost: 0,
  };
  /** Detector state after the last tick. */
  readonly congestion: CongestionState = initialCongestionState();
  /** Current downstream window and hand-off batch. */
  windowPackets: number;
  batchPackets = 1;
  /** Outcomes per second, smoothed. */
  drainPerSecond = 0;
  private readonly deps: AdaptiveIngressDeps;
  private readonly parsed = new ParsedTransaction();
  private readonly slotDecade: Uint8Array;
  private readonly sample: CongestionSample = {
    queueDepth: 0,
    queueDepthMax: 1,
    arrivals: 0,
    departures: 0,
    drops: 0,
    ringFreeShare: 1,
  };
  private readonly tickNs: number;
  private lastTickNs = -1;
  private arrivals = 0;
  private departures = 0;
  private drops = 0;
  private outcomesSinceTick = 0;
  private stopped = false;
  private readonly outcomeCounter: OutcomeListener;
  private outcomeListener: OutcomeListener | null = null;
  /**
   * A transaction the bank did not include goes straight back to the verify worker that verified it
   * (dedup forgets it so a retry may run); false when that ring is full (the slot is then freed).
   */
  private readonly takeBack = (slot: number): boolean => {
    const { outputs, pool, verifyDoorbells } = this.deps;
    const length = pool.lengths[slot];
    const worker = verifyWorkerFor(pool.bytes, pool.slotOffset(slot), length, outputs.length);
    if (!outputs[worker].tryPush(slot, length, pool.sourceKinds[slot], INGRESS_ENTRY_RETURNED)) {
      this.counters.returnsLost++;
      return false;
    }
    verifyDoorbells[worker].ring();
    this.counters.returned++;
    return true;
  };

  constructor(deps: AdaptiveIngressDeps) {
    const code = INGRESS_BUFFER_CONFIG_INVALID;
    const config = deps.config;
    // The window fits every verify ring (so a hand-off never finds its ring full) and half the pool.
    const ringCapacity = Math.min(...deps.outputs.map((ring) => ring.capacity));
    const windowMax = requireInteger(
      code,
      "windowPacketsMax",
      Math.min(config.windowPacketsMax, ringCapacity, Math.floor(deps.pool.slotCount / 2)),
      1,
      1 << 24,
    );
    const windowMin = requireInteger(
      code,
      "windowPacketsMin",
      Math.min(config.windowPacketsMin, windowMax),
      1,
      windowMax,
    );
    // Buffer + window never exceed the pool: a packet is only refused for the pool if the buffer is full.
    const bufferPackets = requireInteger(
      code,
      "bufferPacketsMax",
      Math.min(config.bufferPacketsMax, deps.pool.slotCount - windowMax),
      1,
      1 << 20,
    );
    requireInteger(code, "bufferBytesMax", config.bufferBytesMax, PACKET_BYTES_MAX, 2 ** 40);
    requireInteger(code, "downstreamDelayMs", config.downstreamDelayMs, 1, 60_000);
    requireInteger(code, "tickMs", config.tickMs, 1, 1_000);
    this.config = Object.freeze({
      ...config,
      bufferPacketsMax: bufferPackets,
      windowPacketsMin: windowMin,
      windowPacketsMax: windowMax,
    });
    this.congestionConfig = validateCongestionConfig({
      ...DEFAULT_CONGESTION_CONFIG,
      batchTransactionsMax: config.handoffBatchPacketsMax,
    });
    this.deps = deps;
    this.buffer = new PriorityBuffer({ countMax: bufferPackets, bytesMax: config.bufferBytesMax });
    this.slotDecade = new Uint8Array(deps.pool.slotCount);
    this.windowPackets = windowMin;
    this.tickNs = config.tickMs * 1e6;
    this.sample.queueDepthMax = bufferPackets;
    this.outcomeCounter = (slot, outcomeCode, executedSlot, costUnits, detailCode) => {
      this.outcomesSinceTick++;
      this.outcomeListener?.(slot, outcomeCode, executedSlot, costUnits, detailCode);
    };
  }

  stopIntake(): void {
    this.stopped = true;
  }

  get queued(): number {
    return this.buffer.count;
  }

  get inFlight(): number {
    return this.deps.allocator.inUseCount();
  }

  /** Slots handed on and not finished (verify, schedule, bank, or an outcome not yet drained). */
  get downstream(): number {
    return this.deps.allocator.inUseCount() - this.buffer.count;
  }

  /** Held ÷ bound, the larger of the count and byte shares. */
  get utilization(): number {
    const buffer = this.buffer;
    return Math.max(buffer.count / buffer.countMax, buffer.bytesHeld / buffer.bytesMax);
  }

  /** Priority decade (index into PRIORITY_DECADE_LABELS) of the packet in `slot`. */
  decadeOf(slot: number): number {
    return this.slotDecade[slot];
  }

  /** Agave's priority of a packet's transaction, or 0 when it does not parse (verify rejects it later). */
  private priorityOf(packet: Uint8Array): number {
    if (parseTransaction(packet, 0, packet.length, this.parsed) !== 0) return 0;
    return parsedTransactionPriority(this.parsed);
  }

  private drop(code: number): number {
    this.counters.dropped[code]++;
    this.drops++;
    return code;
  }

  accept(
    packet: Uint8Array,
    sourceKind: SourceKind,
    sourceId: number,
    requestId: number,
    slotOut?: Int32Array,
  ): number {
    this.arrivals++;
    const length = packet.length;
    if (this.stopped) return this.drop(INGRESS_DROP_SHUTDOWN);
    if (length === 0) return this.drop(INGRESS_DROP_EMPTY);
    if (length > PACKET_BYTES_MAX) return this.drop(INGRESS_DROP_OVERSIZE);
    const priority = this.priorityOf(packet);
    const { allocator, pool } = this.deps;
    const slot = allocator.alloc();
    if (slot < 0) return this.drop(INGRESS_DROP_POOL_EXHAUSTED);
    pool.writePacket(slot, packet, sourceKind, sourceId, requestId, pool.clock.nowNs());
    this.slotDecade[slot] = priorityDecadeIndex(priority);
    const buffer = this.buffer;
    const outcome = buffer.push(slot, priority, length, sourceId >>> 0);
    for (let index = 0; index < buffer.evictedCount; index++) {
      const evicted = buffer.evicted[index];
      const code =
        buffer.evictedOverShare[index] === 1 ? INGRESS_DROP_SHARE_EVICTED : INGRESS_DROP_PRIORITY_EVICTED;
      this.deps.onEvicted?.(evicted, code);
      allocator.free(evicted);
      this.drop(code);
    }
    if (outcome !== PUSH_ACCEPTED) {
      allocator.free(slot);
      if (outcome === PUSH_REJECTED_LOWEST)
        return this.drop(
          buffer.lastRejectOverShare ? INGRESS_DROP_SHARE_REFUSED : INGRESS_DROP_PRIORITY_REFUSED,
        );
      return this.drop(INGRESS_DROP_OVERSIZE);
    }
    this.counters.accepted++;
    if (slotOut) slotOut[0] = slot;
    if (this.batchPackets === 1) this.flush();
    return INGRESS_ACCEPTED;
  }

  /**
   * Hands packets on in priority order while the downstream window has room: whole batches of
   * `batchPackets` (all that is held when that is less — a batch is never held back for more).
   */
  flush(): number {
    const buffer = this.buffer;
    const held = buffer.count;
    if (held === 0) return 0;
    const room = this.windowPackets - this.downstream;
    const batch = this.batchPackets < this.windowPackets ? this.batchPackets : this.windowPackets;
    let budget: number;
    if (held <= room) budget = held;
    else if (room >= batch) budget = room - (room % batch);
    else return 0;
    const { outputs, pool, verifyDoorbells } = this.deps;
    const workers = outputs.length;
    const nowNs = pool.clock.nowNs();
    let touched = 0;
    let moved = 0;
    while (moved < budget) {
      const slot = buffer.popMax();
      if (slot < 0) break;
      const length = pool.lengths[slot];
      const worker = verifyWorkerFor(pool.bytes, pool.slotOffset(slot), length, workers);
      if (!outputs[worker].tryPush(slot, length, pool.sourceKinds[slot], 0)) {
        // Cannot happen while window ≤ ring capacity; keep the packet rather than lose it.
        this.counters.ringFull++;
        buffer.push(slot, buffer.lastPopPriority, buffer.lastPopBytes, buffer.lastPopSourceId);
        break;
      }
      touched |= 1 << worker;
      this.counters.forwarded[pool.sourceKinds[slot]]++;
      this.deps.onHandOff?.(slot, (nowNs - pool.arrivalNs[slot]) / 1e9, this.slotDecade[slot]);
      moved++;
    }
    for (let worker = 0; worker < workers; worker++)
      if ((touched & (1 << worker)) !== 0) verifyDoorbells[worker].ring();
    this.departures += moved;
    return moved;
  }

  drainOutcomes(listener: OutcomeListener): number {
    this.outcomeListener = listener;
    const total = drainOutcomeRings(
      this.deps.outcomeRings,
      this.deps.allocator,
      this.outcomeCounter,
      this.takeBack,
    );
    this.outcomeListener = null;
    this.counters.outcomes += total;
    return total;
  }

  /**
   * Samples the detector when a tick has passed: adapts the downstream window to the drain rate and the
   * hand-off batch to the congestion state. Returns true when it sampled.
   */
  tick(nowNs: number): boolean {
    if (this.lastTickNs < 0) {
      this.lastTickNs = nowNs;
      return false;
    }
    const elapsedNs = nowNs - this.lastTickNs;
    if (elapsedNs < this.tickNs) return false;
    this.lastTickNs = nowNs;
    const config = this.config;
    const sample = this.sample;
    sample.queueDepth = this.buffer.count;
    sample.arrivals = this.arrivals;
    sample.departures = this.departures;
    sample.drops = this.drops;
    const free = 1 - this.downstream / this.windowPackets;
    sample.ringFreeShare = free < 0 ? 0 : free;
    nextCongestionState(this.congestion, sample, this.congestionConfig, this.congestion);
    const rate = this.outcomesSinceTick / (elapsedNs / 1e9);
    this.drainPerSecond += DRAIN_RATE_SMOOTHING * (rate - this.drainPerSecond);
    const window = Math.ceil((this.drainPerSecond * config.downstreamDelayMs) / 1000);
    this.windowPackets =
      window < config.windowPacketsMin
        ? config.windowPacketsMin
        : window > config.windowPacketsMax
          ? config.windowPacketsMax
          : window;
    this.batchPackets = batchSizeFor(this.congestion, this.congestionConfig);
    this.arrivals = 0;
    this.departures = 0;
    this.drops = 0;
    this.outcomesSinceTick = 0;
    return true;
  }

  /** True when the detector last said idle (packets are handed on as they arrive). */
  get idle(): boolean {
    return this.congestion.state === CONGESTION_IDLE;
  }
}
