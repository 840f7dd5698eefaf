// The schedule stage with --enable-adaptive-buffering: verified transactions go into the prio-graph
// planner (prio-graph-planner.ts) with Agave's priority and cost from their own bytes and their account
// locks (plus predicted locks when a predictor is given); the planner cuts conflict-free batches for k
// execution lanes, thread-aware, within the block and per-account write compute limits (the block is the
// bank's slot, read from the chain state: a new slot starts a new block). Each batch goes to the bank as
// a PackToWorkerMessage (ring entries; the lane in bits 8–15 of the flags word) and is completed when the
// bank has answered all its transactions. A full planner drops the lowest priority (Agave's
// dropped_on_capacity) and reports that transaction's outcome to ingress. No allocation per transaction.
//
// One bank Worker executes the batches of every lane, in the order they are sent (docs/scheduling.md:
// why, with the measured cost of moving accounts between litesvm instances); a lane is the planner's
// unit of parallel work, and each lane's batches reach the bank in lane order.
import type { ChainSnapshot, ChainState } from "../pipeline/chain-state.ts";
import { OUTCOME_DROP_ON_CAPACITY } from "../pipeline/outcomes.ts";
import { tryPush6 } from "../pipeline/ring-io.ts";
import type { Doorbell } from "../ring/doorbell.ts";
import type { PacketPool } from "../ring/packet-pool.ts";
import type { SpscRing } from "../ring/spsc-ring.ts";
import { SCHEDULE_BANK_FLAG_END_OF_BATCH } from "../topology.ts";
import { parseTransaction } from "../tx/parse.ts";
import { ParsedTransaction } from "../tx/parsed-transaction.ts";
import { type BankResponseListener, relayBankResponses } from "./bank-responses.ts";
import { LOCKS_PER_TRANSACTION_MAX } from "./fifo-batcher.ts";
import { leaderRewardLamports, transactionCostUnits, transactionPriority } from "./prio-graph-cost.ts";
import {
  ENQUEUE_ACCOUNTS_FULL,
  ENQUEUE_OK,
  type LockPrediction,
  PrioGraphPlanner,
} from "./prio-graph-planner.ts";
import { collectLocks, type ScheduleCounters } from "./schedule-stage.ts";

/** Bits 8–15 of a schedule → bank entry's flags word: the execution lane of its batch. */
export const SCHEDULE_BANK_LANE_SHIFT = 8;

export interface AdaptiveScheduleConfig {
  /** Execution lanes (k). */
  lanes: number;
  /** Batches sent to a lane and not yet answered. */
  batchesInFlightPerLane: number;
  pendingTransactionsMax: number;
  batchTransactionsMax: number;
  blockComputeUnitsMax: number;
  accountWriteComputeUnitsMax: number;
}

/** Predicted locks for the transaction in `slot` (e.g. from the template cache), or undefined. */
export type LockPredictor = (slot: number, parsed: ParsedTransaction) => LockPrediction | undefined;

export interface AdaptiveScheduleDeps {
  pool: PacketPool;
  chain: ChainState;
  /** verify_schedule#i, one per verify worker. */
  inputs: SpscRing[];
  toBank: SpscRing;
  fromBank: SpscRing;
  toIngress: SpscRing;
  bankDoorbell: Doorbell;
  ingressDoorbell: Doorbell;
  /** space:verify#i, rung after releasing entries of inputs[i]. */
  inputSpaceDoorbells: Doorbell[];
  config: AdaptiveScheduleConfig;
  predictLocks?: LockPredictor;
  /** A batch was sent on `lane` with `size` transactions. */
  onBatch?: (size: number, lane: number) => void;
}

export class AdaptiveScheduleStage {
  readonly counters: ScheduleCounters = {
    received: 0,
    scheduled: 0,
    batches: 0,
    responses: 0,
    unparsable: 0,
  };
  readonly planner: PrioGraphPlanner;
  private readonly deps: AdaptiveScheduleDeps;
  private readonly parsed = new ParsedTransaction();
  private readonly lockOffsets = new Int32Array(LOCKS_PER_TRANSACTION_MAX);
  private readonly lockWritable = new Uint8Array(LOCKS_PER_TRANSACTION_MAX);
  /** Per pool slot: the batch record it was sent in. */
  private readonly recordOfSlot: Int32Array;
  private readonly recordBatchId: Int32Array;
  private readonly recordRemaining: Int32Array;
  /** Per pool slot: the bank's cost units for it (0 when not included), read when its batch completes. */
  private readonly costUnitsBySlot: Float64Array;
  private readonly chainSnapshot: ChainSnapshot = {
    slot: 0,
    blockHeight: 0,
    confirmedSlot: 0,
    finalizedSlot: 0,
  };
  private blockSlot = -1;
  private nextInput = 0;

  constructor(deps: AdaptiveScheduleDeps) {
    const config = deps.config;
    this.deps = deps;
    this.planner = new PrioGraphPlanner(deps.pool.bytes, {
      workers: config.lanes,
      pendingMax: config.pendingTransactionsMax,
      batchTransactionsMax: config.batchTransactionsMax,
      inFlightBatchesPerWorkerMax: config.batchesInFlightPerLane,
      blockComputeUnitsMax: config.blockComputeUnitsMax,
      accountWriteComputeUnitsMax: config.accountWriteComputeUnitsMax,
      meter: true,
    });
    if (this.planner.batchRecordCount * config.batchTransactionsMax > deps.toBank.capacity)
      throw new RangeError(
        `schedule: ${config.lanes} lanes × ${config.batchTransactionsMax} transactions do not fit ${deps.toBank.name}`,
      );
    this.recordOfSlot = new Int32Array(deps.pool.slotCount).fill(-1);
    this.recordBatchId = new Int32Array(this.planner.batchRecordCount);
    this.recordRemaining = new Int32Array(this.planner.batchRecordCount);
    this.costUnitsBySlot = new Float64Array(deps.pool.slotCount);
  }

  /** Transactions not yet in a batch. */
  get pending(): number {
    return this.planner.pending;
  }

  /** One round: responses back (completing batches), a new block on a new slot, intake, batches out. */
  step(): number {
    const responses = this.forwardResponses();
    const slot = this.deps.chain.snapshot(this.chainSnapshot).slot;
    if (slot !== this.blockSlot) {
      if (this.blockSlot >= 0) this.planner.beginSlot();
      this.blockSlot = slot;
    }
    return responses + this.intake() + this.sendBatches();
  }

  private forwardResponses(): number {
    const { fromBank, toIngress, ingressDoorbell } = this.deps;
    const count = relayBankResponses(fromBank, toIngress, ingressDoorbell, this.completeResponse);
    this.counters.responses += count;
    return count;
  }

  /**
   * A response completes its share of its batch (read before ingress may reuse the slot). The bank's
   * cost units let the planner give back what the transaction was charged beyond its cost.
   */
  private readonly completeResponse: BankResponseListener = (slot, notIncludedReason, costUnits) => {
    const record = this.recordOfSlot[slot];
    this.recordOfSlot[slot] = -1;
    if (record < 0) throw new Error(`schedule: response for slot ${slot}, which is in no batch`);
    this.costUnitsBySlot[slot] = notIncludedReason === 0 && costUnits > 0 ? costUnits : 0;
    if (--this.recordRemaining[record] === 0)
      this.planner.completeBatch(this.recordBatchId[record], this.costUnitsBySlot);
  };

  /** Takes verified transactions round-robin over the verify rings while the planner can hold them. */
  private intake(): number {
    const { inputs } = this.deps;
    let taken = 0;
    let dropped = 0;
    for (let turn = 0; turn < inputs.length; turn++) {
      const ringIndex = (this.nextInput + turn) % inputs.length;
      const input = inputs[ringIndex];
      const available = input.available();
      let used = 0;
      while (used < available) {
        const outcome = this.enqueue(input.readWord(used, 0), input.readWord(used, 1));
        if (outcome < 0) break; // the account table is full: leave it in the ring (back-pressure)
        dropped += outcome;
        used++;
      }
      if (used > 0) {
        input.release(used);
        this.deps.inputSpaceDoorbells[ringIndex].ring();
        taken += used;
      }
      if (used < available) break;
    }
    this.nextInput = (this.nextInput + 1) % inputs.length;
    this.counters.received += taken;
    if (dropped > 0) this.deps.ingressDoorbell.ring();
    return taken;
  }

  /** Drops the transaction in `slot` (the lowest priority of a full planner): its outcome goes to ingress. */
  private dropOnCapacity(slot: number): void {
    if (!tryPush6(this.deps.toIngress, slot, OUTCOME_DROP_ON_CAPACITY, 0, 0, 0, 0))
      throw new Error(`schedule: ${this.deps.toIngress.name} full — a slot was returned twice`);
  }

  /** Returns 0 (queued), 1 (one transaction dropped on capacity) or -1 (not taken: no room for its accounts). */
  private enqueue(slot: number, length: number): number {
    const { pool } = this.deps;
    const parsed = this.parsed;
    const planner = this.planner;
    let lockCount = 0;
    let priority = 0;
    let costUnits = 0;
    if (parseTransaction(pool.bytes, pool.slotOffset(slot), length, parsed) === 0) {
      lockCount = collectLocks(parsed, 0, this.lockOffsets, this.lockWritable);
      costUnits = transactionCostUnits(parsed);
      priority = transactionPriority(
        leaderRewardLamports(parsed.baseFeeLamports, parsed.priorityFeeLamports),
        costUnits,
      );
    } else {
      this.counters.unparsable++;
    }
    let dropped = 0;
    if (planner.full) {
      const victim = planner.evictLowestBelow(priority);
      dropped = 1;
      if (victim < 0) {
        this.dropOnCapacity(slot);
        return dropped;
      }
      this.dropOnCapacity(victim);
    }
    const prediction = lockCount > 0 ? this.deps.predictLocks?.(slot, parsed) : undefined;
    const outcome = planner.enqueue(
      slot,
      priority,
      costUnits,
      this.lockOffsets,
      this.lockWritable,
      lockCount,
      prediction,
    );
    if (outcome === ENQUEUE_OK) return dropped;
    if (outcome === ENQUEUE_ACCOUNTS_FULL && dropped === 0) return -1;
    // Its cost exceeds a block limit (impossible within the configured minimums), or no room after a
    // drop: it cannot be queued, so it is dropped on capacity too.
    planner.counters.droppedOnCapacity++;
    this.dropOnCapacity(slot);
    return dropped + 1;
  }

  /** Plans and sends every batch the planner can cut now. */
  private sendBatches(): number {
    const planner = this.planner;
    if (planner.pending === 0) return 0;
    const batches = planner.schedule();
    if (batches === 0) return 0;
    const { toBank } = this.deps;
    let sent = 0;
    for (let batch = 0; batch < batches; batch++) {
      const size = planner.outputSize[batch];
      const start = planner.outputStart[batch];
      const lane = planner.outputWorker[batch];
      const batchId = planner.outputBatchId[batch];
      const record = batchId % planner.batchRecordCount;
      if (toBank.reserve(size) < size)
        throw new Error(`schedule: ${toBank.name} has no room for a batch the planner may have in flight`);
      const flags = lane << SCHEDULE_BANK_LANE_SHIFT;
      for (let entry = 0; entry < size; entry++) {
        const slot = planner.outputSlots[start + entry];
        this.recordOfSlot[slot] = record;
        toBank.writeWord(entry, 0, slot);
        toBank.writeWord(entry, 1, batchId);
        toBank.writeWord(entry, 2, entry === size - 1 ? flags | SCHEDULE_BANK_FLAG_END_OF_BATCH : flags);
        toBank.writeWord(entry, 3, size);
      }
      toBank.publish(size);
      this.recordBatchId[record] = batchId;
      this.recordRemaining[record] = size;
      this.counters.batches++;
      this.counters.scheduled += size;
      sent += size;
      this.deps.onBatch?.(size, lane);
    }
    this.deps.bankDoorbell.ring();
    return sent;
  }
}
