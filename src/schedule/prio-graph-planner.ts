// The dependency-graph batch planner (issue 6), in place of the FIFO batcher behind
// --enable-adaptive-buffering. Pending transactions wait in a priority container (Agave's order: reward ×
// 10^6 / (cost + 1), ties oldest first). Each schedule() call makes a PrioGraph (edges only to the next
// conflicting transaction per account) hold the look-ahead window — the highest-priority pending
// transactions, as many as the free batch room — and repeats passes: pop every unblocked transaction in
// priority order, place each on a worker allowed by the thread-aware in-flight locks (the least loaded in
// queued compute units): one that conflicts with in-flight work on one worker is queued behind it there; one
// that conflicts with nothing in flight goes only to an idle worker (nothing in flight but the batch being
// filled now) — when none is idle the call ends, so free work never waits behind a busy worker while another
// may go idle first. At the end of a pass all non-empty batches are sent (a batch is never held back waiting
// for one more transaction), then the successors of what was sent are released and the window refilled. A
// transaction that conflicts with in-flight work on two workers (or whose one allowed worker is full) is
// parked: it stays in the graph, so every later transaction conflicting with it waits too (order among
// conflicting transactions is kept), and it is offered again only once one of the workers it waits for
// completes a batch; the window looks past parked transactions. The graph is kept between calls, takes
// newcomers at their rank and is never rebuilt; it holds the window plus a reserve of the next-ranked pending
// transactions (up to the largest window), so the window's size can follow the free room from call to call by
// moving a boundary instead of shedding and re-inserting. The per-worker batch target adapts to conflict
// density: ceil(ready ÷ accepting workers), clamped to 1..batchTransactionsMax, so dense conflicts give short
// batches and free flow full ones. Block limits (Agave's cost tracker): a transaction whose cost would exceed
// the block compute limit or the per-account write limit waits for beginSlot(). Locks arrive in the FIFO
// batcher's form (offsets of 32-byte keys into a shared buffer + writable flags), optionally with predicted
// extra locks.

import { PlanMeter } from "./plan-meter.ts";
import { PrioGraph } from "./prio-graph.ts";
import { AccountTable } from "./prio-graph-accounts.ts";
import {
  requireInteger,
  SCHEDULE_BATCH_UNKNOWN,
  SCHEDULE_CONFIG_INVALID,
  SCHEDULE_COST_INVALID,
  SCHEDULE_LOCKS_INVALID,
  SCHEDULE_PRIORITY_INVALID,
  scheduleError,
} from "./prio-graph-errors.ts";
import { IndexedHeap } from "./prio-graph-heap.ts";
import { ThreadAwareLocks, WORKERS_MAX } from "./prio-graph-locks.ts";

/** Account locks per transaction: 64 accounts + 32 lookup tables (as the FIFO batcher) + 32 predicted. */
export const PLANNER_LOCKS_PER_TRANSACTION_MAX = 128;
export const PLANNER_BATCH_TRANSACTIONS_MAX = 64;
export const DEFAULT_BLOCK_COMPUTE_UNITS_MAX = 60_000_000;
export const DEFAULT_ACCOUNT_WRITE_COMPUTE_UNITS_MAX = 12_000_000;

export const ENQUEUE_OK = 0;
export const ENQUEUE_FULL = 1;
export const ENQUEUE_ACCOUNTS_FULL = 2;
/** Its cost exceeds the block or per-account write limit: it could never be scheduled. */
export const ENQUEUE_NEVER_FITS = 3;
export const ENQUEUE_OUTCOME_NAMES = ["ok", "full", "accounts_full", "never_fits"] as const;

export interface PrioGraphPlannerConfig {
  /** Bank workers (1..32). */
  workers: number;
  /** Transactions held (pending + waiting for the next slot + in flight). */
  pendingMax: number;
  /** Distinct accounts tracked; default 16 × pendingMax. */
  accountsMax?: number;
  /** Look-ahead window pulled into the graph per call at most; default 2048 (Agave's). */
  lookAheadMax?: number;
  /**
   * Window per call = clamp(lookAheadPerFreeTransaction × free batch room in transactions, lookAheadMin,
   * lookAheadMax); defaults 1 and 1: a window the size of the room keeps close to priority order, which
   * the executor model shows gives the shortest makespans (a deeper look-ahead lets low-priority work
   * fill workers ahead of hot-account chains).
   */
  lookAheadMin?: number;
  lookAheadPerFreeTransaction?: number;
  /** Batch size bound (≤ 64, Agave's MAX_TRANSACTIONS_PER_MESSAGE); default 64. */
  batchTransactionsMax?: number;
  /** Batches sent and not completed per worker; default 1. */
  inFlightBatchesPerWorkerMax?: number;
  /** Block compute-unit limit (48M or 60M); default 60M. */
  blockComputeUnitsMax?: number;
  /** Per-account write-lock compute-unit limit per block; default 12M. */
  accountWriteComputeUnitsMax?: number;
  /** Keep live plan figures per slot (plan-meter.ts); default false. */
  meter?: boolean;
}

/** Locks predicted for a transaction (e.g. accounts its CPIs will touch), in a buffer of their own. */
export interface LockPrediction {
  bytes: Uint8Array;
  offsets: Int32Array;
  writable: Uint8Array;
  count: number;
}

export interface PlannerCounters {
  enqueued: number;
  scheduled: number;
  batches: number;
  /** Times a transaction was put back (conflicts + threads). */
  unschedulable: number;
  /** …because it conflicts with in-flight work on two workers, or with one that had to wait (Agave's unschedulable_conflicts). */
  unschedulableConflicts: number;
  /** …because the one worker its locks allow had no room for another batch (Agave's unschedulable_threads). */
  unschedulableThreads: number;
  /** Transactions dropped as the lowest priority of a full planner (Agave's dropped_on_capacity). */
  droppedOnCapacity: number;
  /** Times a transaction was put off to the next slot by the block or account compute limit. */
  deferredBlockLimit: number;
  deferredAccountLimit: number;
  completed: number;
  /** Compute units charged at scheduling and given back after execution (requested − used). */
  refundedComputeUnits: number;
}

const STATE_FREE = 0;
const STATE_PENDING = 1;
const STATE_GRAPH = 2;
const STATE_DEFERRED = 3;
const STATE_IN_FLIGHT = 4;

const RESULT_SCHEDULED = 0;
const RESULT_UNSCHEDULABLE_CONFLICTS = 1;
const RESULT_DEFERRED = 2;
const RESULT_UNSCHEDULABLE_THREADS = 3;
/** It conflicts with nothing in flight and no lane is idle: it stays ready, and the call ends. */
const RESULT_WAIT_IDLE = 4;

export class PrioGraphPlanner {
  readonly workers: number;
  /** Bit w set for every worker. */
  private readonly allWorkers: number;
  /** Set by trySchedule when it cannot schedule: the workers whose completed batches may change that. */
  private parkedOn = 0;
  readonly pendingMax: number;
  readonly accountsMax: number;
  readonly lookAheadMax: number;
  readonly lookAheadMin: number;
  readonly lookAheadPerFreeTransaction: number;
  /** Nodes the graph keeps (window + reserve) beyond a window with sleepers: the largest window without. */
  private readonly graphMembersMax: number;
  readonly batchTransactionsMax: number;
  readonly inFlightBatchesPerWorkerMax: number;
  readonly accountWriteComputeUnitsMax: number;
  blockComputeUnitsMax: number;
  blockComputeUnitsUsed = 0;
  readonly counters: PlannerCounters = {
    enqueued: 0,
    scheduled: 0,
    batches: 0,
    unschedulable: 0,
    unschedulableConflicts: 0,
    unschedulableThreads: 0,
    droppedOnCapacity: 0,
    deferredBlockLimit: 0,
    deferredAccountLimit: 0,
    completed: 0,
    refundedComputeUnits: 0,
  };

  /** Output of the last schedule(): batch i has `outputSize[i]` slots from `outputSlots[outputStart[i]]`. */
  readonly outputWorker: Int32Array;
  readonly outputBatchId: Int32Array;
  readonly outputStart: Int32Array;
  readonly outputSize: Int32Array;
  readonly outputSlots: Int32Array;
  outputCount = 0;

  private bytes: Uint8Array;
  // Per transaction id.
  private readonly slotOf: Int32Array;
  private readonly priority: Float64Array;
  private readonly sequence: Float64Array;
  private readonly cost: Float64Array;
  private readonly state: Uint8Array;
  private readonly lockCount: Uint8Array;
  private readonly lockAccount: Int32Array;
  private readonly lockWritable: Uint8Array;
  private readonly freeIds: Int32Array;
  private freeTop: number;
  private sequenceCounter = 0;
  // Per account.
  private readonly accounts: AccountTable;
  private readonly accountRefs: Int32Array;
  private readonly accountWriteUnits: Float64Array;
  private readonly accountSlotEpoch: Int32Array;
  private readonly lingering: Int32Array;
  private readonly lingeringEpoch: Int32Array;
  private lingeringCount = 0;
  private slotEpoch = 1;
  private readonly dedupeSerial: Int32Array;
  private readonly dedupeAt: Int32Array;
  private enqueueSerial = 0;
  private readonly openSerialWrite: Int32Array;
  private readonly openSerialRead: Int32Array;
  // Structures.
  private readonly container: IndexedHeap;
  /**
   * The same transactions as `container`, lowest first: the victim when a full planner drops on
   * capacity. Kept only from the first drop on capacity until the container is down to a quarter of the
   * planner again (built then from the container in O(n log n)): below that, no drop needs it, and
   * keeping it would cost two heap operations per transaction.
   */
  private readonly containerLowest: IndexedHeap;
  private containerLowestKept = false;
  /** Live plan figures (null unless config.meter). */
  readonly meter: PlanMeter | null;
  private readonly graph: PrioGraph;
  private readonly locks: ThreadAwareLocks;
  private readonly deferred: Int32Array;
  private deferredCount = 0;
  /** The smallest cost among the deferred: below this much room in the block, none of them fits. */
  private deferredCostMin = Number.POSITIVE_INFINITY;
  /** Compute given back since the deferred were last offered again. */
  private refundedSinceReoffer = 0;
  private readonly popped: Int32Array;
  // Per worker.
  private readonly queuedUnits: Float64Array;
  private readonly inFlightBatches: Int32Array;
  private readonly openRecord: Int32Array;
  private readonly openSerial: Int32Array;
  private batchSerialCounter = 0;
  // Batch records (sent or open, not completed).
  private readonly recordCount: number;
  private readonly recordWorker: Int32Array;
  private readonly recordSize: Int32Array;
  private readonly recordGeneration: Int32Array;
  private readonly recordActive: Uint8Array;
  /** The block (slotEpoch) whose compute the batch's transactions were charged to. */
  private readonly recordSlotEpoch: Int32Array;
  private readonly recordTx: Int32Array;
  private readonly freeRecords: Int32Array;
  private freeRecordTop: number;

  constructor(bytes: Uint8Array, config: PrioGraphPlannerConfig) {
    const code = SCHEDULE_CONFIG_INVALID;
    this.bytes = bytes;
    this.workers = requireInteger(code, "workers", config.workers, 1, WORKERS_MAX);
    this.allWorkers = this.workers === 32 ? -1 : (1 << this.workers) - 1;
    this.pendingMax = requireInteger(code, "pendingMax", config.pendingMax, 1, 1 << 20);
    this.accountsMax = requireInteger(
      code,
      "accountsMax",
      config.accountsMax ?? 16 * this.pendingMax,
      1,
      1 << 24,
    );
    this.lookAheadMax = requireInteger(code, "lookAheadMax", config.lookAheadMax ?? 2048, 1, 1 << 20);
    this.lookAheadMin = requireInteger(code, "lookAheadMin", config.lookAheadMin ?? 1, 1, this.lookAheadMax);
    this.lookAheadPerFreeTransaction = requireInteger(
      code,
      "lookAheadPerFreeTransaction",
      config.lookAheadPerFreeTransaction ?? 1,
      1,
      64,
    );
    this.batchTransactionsMax = requireInteger(
      code,
      "batchTransactionsMax",
      config.batchTransactionsMax ?? PLANNER_BATCH_TRANSACTIONS_MAX,
      1,
      PLANNER_BATCH_TRANSACTIONS_MAX,
    );
    this.inFlightBatchesPerWorkerMax = requireInteger(
      code,
      "inFlightBatchesPerWorkerMax",
      config.inFlightBatchesPerWorkerMax ?? 1,
      1,
      1024,
    );
    this.blockComputeUnitsMax = requireInteger(
      code,
      "blockComputeUnitsMax",
      config.blockComputeUnitsMax ?? DEFAULT_BLOCK_COMPUTE_UNITS_MAX,
      1,
      Number.MAX_SAFE_INTEGER,
    );
    this.accountWriteComputeUnitsMax = requireInteger(
      code,
      "accountWriteComputeUnitsMax",
      config.accountWriteComputeUnitsMax ?? DEFAULT_ACCOUNT_WRITE_COMPUTE_UNITS_MAX,
      1,
      Number.MAX_SAFE_INTEGER,
    );
    const transactions = this.pendingMax;
    const locksMax = PLANNER_LOCKS_PER_TRANSACTION_MAX;
    this.slotOf = new Int32Array(transactions);
    this.priority = new Float64Array(transactions);
    this.sequence = new Float64Array(transactions);
    this.cost = new Float64Array(transactions);
    this.state = new Uint8Array(transactions);
    this.lockCount = new Uint8Array(transactions);
    this.lockAccount = new Int32Array(transactions * locksMax);
    this.lockWritable = new Uint8Array(transactions * locksMax);
    this.freeIds = new Int32Array(transactions);
    for (let id = 0; id < transactions; id++) this.freeIds[id] = transactions - 1 - id;
    this.freeTop = transactions;
    const accountsMax = this.accountsMax;
    this.accounts = new AccountTable(accountsMax);
    this.accountRefs = new Int32Array(accountsMax);
    this.accountWriteUnits = new Float64Array(accountsMax);
    this.accountSlotEpoch = new Int32Array(accountsMax);
    this.lingering = new Int32Array(accountsMax);
    this.lingeringEpoch = new Int32Array(accountsMax);
    this.dedupeSerial = new Int32Array(accountsMax);
    this.dedupeAt = new Int32Array(accountsMax);
    this.openSerialWrite = new Int32Array(accountsMax);
    this.openSerialRead = new Int32Array(accountsMax);
    this.container = new IndexedHeap(transactions, this.priority, this.sequence, true);
    this.containerLowest = new IndexedHeap(transactions, this.priority, this.sequence, false);
    this.meter = config.meter ? new PlanMeter(accountsMax, this.workers) : null;
    // The graph holds at most the look-ahead window; its locks are budgeted at 32 per transaction.
    this.graph = new PrioGraph(
      transactions,
      accountsMax,
      Math.max(locksMax, Math.min(transactions, this.lookAheadMax) * 32),
      this.priority,
      this.sequence,
      {
        account: this.lockAccount,
        writable: this.lockWritable,
        count: this.lockCount,
        stride: PLANNER_LOCKS_PER_TRANSACTION_MAX,
      },
    );
    this.locks = new ThreadAwareLocks(accountsMax, this.workers);
    this.deferred = new Int32Array(transactions);
    this.popped = new Int32Array(transactions);
    this.queuedUnits = new Float64Array(this.workers);
    this.inFlightBatches = new Int32Array(this.workers);
    this.openRecord = new Int32Array(this.workers).fill(-1);
    this.openSerial = new Int32Array(this.workers);
    this.recordCount = this.workers * this.inFlightBatchesPerWorkerMax;
    this.recordWorker = new Int32Array(this.recordCount);
    this.recordSize = new Int32Array(this.recordCount);
    this.recordGeneration = new Int32Array(this.recordCount);
    this.recordActive = new Uint8Array(this.recordCount);
    this.recordSlotEpoch = new Int32Array(this.recordCount);
    this.recordTx = new Int32Array(this.recordCount * this.batchTransactionsMax);
    this.freeRecords = new Int32Array(this.recordCount);
    for (let record = 0; record < this.recordCount; record++)
      this.freeRecords[record] = this.recordCount - 1 - record;
    this.freeRecordTop = this.recordCount;
    this.graphMembersMax = Math.min(
      this.lookAheadMax,
      Math.max(
        this.lookAheadMin,
        this.lookAheadPerFreeTransaction * this.recordCount * this.batchTransactionsMax,
      ),
    );
    this.outputWorker = new Int32Array(this.recordCount);
    this.outputBatchId = new Int32Array(this.recordCount);
    this.outputStart = new Int32Array(this.recordCount);
    this.outputSize = new Int32Array(this.recordCount);
    this.outputSlots = new Int32Array(this.recordCount * this.batchTransactionsMax);
  }

  /** Batch records (workers × in-flight batches per worker): a batch id modulo this is its record. */
  get batchRecordCount(): number {
    return this.recordCount;
  }

  /** Transactions held: waiting (now or for the next slot) or in flight. */
  get held(): number {
    return this.pendingMax - this.freeTop;
  }

  /** Transactions not yet sent (waiting now or for the next slot). */
  get pending(): number {
    return this.container.size + this.deferredCount + this.graph.size;
  }

  /** Transactions waiting for the next slot (block or account compute limit). */
  get deferredTransactions(): number {
    return this.deferredCount;
  }

  get inFlight(): number {
    return this.held - this.pending;
  }

  get full(): boolean {
    return this.freeTop === 0;
  }

  /** Replaces the shared key buffer (e.g. a new pool mapping); only when nothing is held. */
  setBytes(bytes: Uint8Array): void {
    if (this.held !== 0) throw scheduleError(SCHEDULE_CONFIG_INVALID, "setBytes with transactions held");
    this.bytes = bytes;
  }

  private checkOffset(bytes: Uint8Array, offset: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + 32 > bytes.length)
      throw scheduleError(SCHEDULE_LOCKS_INVALID, `lock key offset ${offset} outside the buffer`, {
        offset,
        bufferBytes: bytes.length,
      });
  }

  private addLock(id: number, bytes: Uint8Array, offset: number, writable: boolean): boolean {
    const account = this.accounts.findOrAdd(bytes, offset);
    if (account < 0) return false;
    const base = id * PLANNER_LOCKS_PER_TRANSACTION_MAX;
    if (this.dedupeSerial[account] === this.enqueueSerial) {
      if (writable) this.lockWritable[base + this.dedupeAt[account]] = 1;
      return true;
    }
    const count = this.lockCount[id];
    if (count >= PLANNER_LOCKS_PER_TRANSACTION_MAX) {
      throw scheduleError(SCHEDULE_LOCKS_INVALID, `more than ${PLANNER_LOCKS_PER_TRANSACTION_MAX} locks`);
    }
    this.dedupeSerial[account] = this.enqueueSerial;
    this.dedupeAt[account] = count;
    this.lockAccount[base + count] = account;
    this.lockWritable[base + count] = writable ? 1 : 0;
    this.lockCount[id] = count + 1;
    this.accountRefs[account]++;
    return true;
  }

  /**
   * Adds a transaction (`slot`: the caller's id, e.g. its pool slot) with its priority, its cost in
   * compute units, and its locks: `lockCount` keys whose 32 bytes are at `offsets[i]` of the shared
   * bytes, writable when `writable[i]` is 1; plus optional predicted locks. Returns ENQUEUE_*.
   */
  enqueue(
    slot: number,
    priority: number,
    costUnits: number,
    offsets: Int32Array,
    writable: Uint8Array,
    lockCount: number,
    prediction?: LockPrediction,
  ): number {
    if (!(priority >= 0 && priority < Number.POSITIVE_INFINITY))
      throw scheduleError(SCHEDULE_PRIORITY_INVALID, `priority must be finite and ≥ 0, got ${priority}`);
    if (!Number.isInteger(costUnits) || costUnits < 0)
      throw scheduleError(SCHEDULE_COST_INVALID, `costUnits must be an integer ≥ 0, got ${costUnits}`);
    const predicted = prediction === undefined ? 0 : prediction.count;
    if (
      !Number.isInteger(lockCount) ||
      lockCount < 0 ||
      lockCount > offsets.length ||
      lockCount > writable.length ||
      !Number.isInteger(predicted) ||
      predicted < 0 ||
      lockCount + predicted > PLANNER_LOCKS_PER_TRANSACTION_MAX
    )
      throw scheduleError(SCHEDULE_LOCKS_INVALID, `bad lock count ${lockCount} (+${predicted} predicted)`);
    for (let lock = 0; lock < lockCount; lock++) this.checkOffset(this.bytes, offsets[lock]);
    for (let lock = 0; lock < predicted; lock++)
      this.checkOffset(prediction!.bytes, prediction!.offsets[lock]);
    if (this.freeTop === 0) return ENQUEUE_FULL;
    let writes = false;
    for (let lock = 0; lock < lockCount; lock++) writes ||= writable[lock] === 1;
    for (let lock = 0; lock < predicted; lock++) writes ||= prediction!.writable[lock] === 1;
    if (costUnits > this.blockComputeUnitsMax || (writes && costUnits > this.accountWriteComputeUnitsMax))
      return ENQUEUE_NEVER_FITS;
    const id = this.freeIds[--this.freeTop];
    this.enqueueSerial = (this.enqueueSerial + 1) | 0 || 1;
    this.lockCount[id] = 0;
    let resolved = true;
    for (let lock = 0; lock < lockCount && resolved; lock++)
      resolved = this.addLock(id, this.bytes, offsets[lock], writable[lock] === 1);
    for (let lock = 0; lock < predicted && resolved; lock++)
      resolved = this.addLock(
        id,
        prediction!.bytes,
        prediction!.offsets[lock],
        prediction!.writable[lock] === 1,
      );
    if (!resolved) {
      this.releaseAccounts(id);
      this.freeIds[this.freeTop++] = id;
      return ENQUEUE_ACCOUNTS_FULL;
    }
    this.slotOf[id] = slot;
    this.priority[id] = priority;
    this.sequence[id] = this.sequenceCounter++;
    this.cost[id] = costUnits;
    this.state[id] = STATE_PENDING;
    this.pushPending(id);
    this.counters.enqueued++;
    return ENQUEUE_OK;
  }

  private pushPending(id: number): void {
    this.container.push(id);
    if (this.containerLowestKept) this.containerLowest.push(id);
  }

  /**
   * A full planner makes room for a transaction of `priority`, as Agave's container does: the lowest
   * pending transaction (not in flight) is dropped if it ranks below the newcomer (an equal priority
   * ranks the newcomer lower: the older stays). Returns the dropped transaction's slot, or -1 when the
   * newcomer itself is the one to drop (or nothing pending could be dropped). Counted in droppedOnCapacity.
   */
  evictLowestBelow(priority: number): number {
    this.counters.droppedOnCapacity++;
    if (!this.containerLowestKept) {
      for (let index = 0; index < this.container.size; index++)
        this.containerLowest.push(this.container.at(index));
      this.containerLowestKept = true;
    }
    const id = this.containerLowest.top();
    if (id < 0 || !(this.priority[id] < priority)) return -1;
    this.container.remove(id);
    this.containerLowest.remove(id);
    const slot = this.slotOf[id];
    this.releaseAccounts(id);
    this.state[id] = STATE_FREE;
    this.freeIds[this.freeTop++] = id;
    return slot;
  }

  private releaseAccounts(id: number): void {
    const base = id * PLANNER_LOCKS_PER_TRANSACTION_MAX;
    for (let lock = 0; lock < this.lockCount[id]; lock++) {
      const account = this.lockAccount[base + lock];
      if (--this.accountRefs[account] > 0) continue;
      if (this.accountSlotEpoch[account] === this.slotEpoch && this.accountWriteUnits[account] > 0) {
        // Its compute this block still counts: keep it until the next slot.
        if (this.lingeringEpoch[account] !== this.slotEpoch) {
          this.lingeringEpoch[account] = this.slotEpoch;
          this.lingering[this.lingeringCount++] = account;
        }
      } else {
        this.accounts.free(account);
        this.accountWriteUnits[account] = 0;
        this.accountSlotEpoch[account] = 0;
      }
    }
    this.lockCount[id] = 0;
  }

  /** Starts a new block: resets the compute used and offers the transactions put off to it again. */
  beginSlot(blockComputeUnitsMax: number = this.blockComputeUnitsMax): void {
    this.blockComputeUnitsMax = requireInteger(
      SCHEDULE_CONFIG_INVALID,
      "blockComputeUnitsMax",
      blockComputeUnitsMax,
      1,
      Number.MAX_SAFE_INTEGER,
    );
    this.blockComputeUnitsUsed = 0;
    this.meter?.endWindow();
    for (let index = 0; index < this.lingeringCount; index++) {
      const account = this.lingering[index];
      this.lingeringEpoch[account] = 0;
      if (this.accountRefs[account] === 0) {
        this.accounts.free(account);
        this.accountWriteUnits[account] = 0;
        this.accountSlotEpoch[account] = 0;
      }
    }
    this.lingeringCount = 0;
    this.slotEpoch++;
    this.reofferDeferred();
  }

  /** Offers the transactions put off by a compute limit again (a new block, or compute given back). */
  private reofferDeferred(): void {
    for (let index = 0; index < this.deferredCount; index++) {
      const id = this.deferred[index];
      this.state[id] = STATE_PENDING;
      this.pushPending(id);
    }
    this.deferredCount = 0;
    this.deferredCostMin = Number.POSITIVE_INFINITY;
    this.refundedSinceReoffer = 0;
  }

  /** The workers of `mask` with nothing in flight but the batch being filled now. */
  private idleWorkers(mask: number): number {
    let idle = 0;
    for (let worker = 0; worker < this.workers; worker++) {
      if ((mask & (1 << worker)) === 0) continue;
      const inFlight = this.inFlightBatches[worker];
      if (inFlight === 0 || (inFlight === 1 && this.openRecord[worker] >= 0)) idle |= 1 << worker;
    }
    return idle;
  }

  /** Bit w set when worker w can take another transaction now. */
  private acceptingWorkers(): number {
    let mask = 0;
    for (let worker = 0; worker < this.workers; worker++) {
      if (this.openRecord[worker] >= 0 || this.inFlightBatches[worker] < this.inFlightBatchesPerWorkerMax)
        mask |= 1 << worker;
    }
    return mask;
  }

  private freeCapacityTransactions(): number {
    let batches = 0;
    for (let worker = 0; worker < this.workers; worker++)
      batches += this.inFlightBatchesPerWorkerMax - this.inFlightBatches[worker];
    return batches * this.batchTransactionsMax;
  }

  /** Pulls up to `budget` transactions from the container into the graph, in priority order; returns how many. */
  private fillWindow(budget: number): number {
    let moved = 0;
    while (moved < budget) {
      const id = this.container.top();
      if (id < 0 || !this.graph.hasRoomFor(this.lockCount[id])) break;
      this.appendFromContainer(id);
      moved++;
    }
    return moved;
  }

  private appendFromContainer(id: number): void {
    this.container.pop();
    if (this.containerLowestKept) {
      this.containerLowest.remove(id);
      if (4 * this.container.size < this.pendingMax) {
        this.containerLowest.clear();
        this.containerLowestKept = false;
      }
    }
    this.state[id] = STATE_GRAPH;
    this.graph.insert(id);
  }

  /** The look-ahead window of this call: the free batch room in transactions, within the bounds. */
  private windowTarget(): number {
    return Math.min(
      this.lookAheadMax,
      Math.max(this.lookAheadMin, this.lookAheadPerFreeTransaction * this.freeCapacityTransactions()),
    );
  }

  /** True when transaction a ranks above transaction b (higher priority; equal: older). */
  private outranks(a: number, b: number): boolean {
    const priorityA = this.priority[a];
    const priorityB = this.priority[b];
    return priorityA > priorityB || (priorityA === priorityB && this.sequence[a] < this.sequence[b]);
  }

  /** Takes the graph's lowest transaction back to the container. */
  private trimLowest(): void {
    const id = this.graph.trimLowest();
    this.state[id] = STATE_PENDING;
    this.pushPending(id);
  }

  /**
   * Makes the window the `target` highest-priority pending transactions, keeping what the graph holds
   * from the last call: newcomers that outrank the graph's lowest go in at their rank (shedding the
   * lowest while the graph is at its size bound), then the container's best fill the graph up to the
   * target, and the window's boundary is set. The graph holds up to graphMembersMax (the largest window
   * without sleepers) so that the window can shrink and grow between calls without shedding anything.
   */
  private prepareWindow(target: number): void {
    const graph = this.graph;
    const cap = Math.max(target, this.graphMembersMax);
    while (graph.size > cap) this.trimLowest();
    for (;;) {
      const id = this.container.top();
      if (id < 0) break;
      const lowest = graph.lowestNode();
      if (lowest >= 0 && !this.outranks(id, lowest)) {
        // Next in priority order: wanted only while the graph is short of the window.
        if (graph.size >= target || !graph.hasRoomFor(this.lockCount[id])) break;
      } else if (lowest >= 0 && (graph.size >= cap || !graph.hasRoomFor(this.lockCount[id]))) {
        this.trimLowest();
        continue;
      }
      this.appendFromContainer(id);
    }
    graph.setWindow(target);
  }

  /** Widens the window to `count` nodes, taking the container's best into the graph where it is short. */
  private extendWindow(count: number): void {
    const graph = this.graph;
    if (graph.size < count) this.fillWindow(count - graph.size);
    graph.setWindow(count);
  }

  /**
   * Plans batches from what is pending and what is in flight. Returns how many were sent; they are in
   * output*[0..outputCount): the worker, a batch id for completeBatch(), and the slots.
   */
  schedule(): number {
    this.outputCount = 0;
    let accepting = this.acceptingWorkers();
    const graph = this.graph;
    if (accepting === 0 || (this.container.size === 0 && graph.size === 0)) return 0;
    graph.beginCall();
    // Sleeping parked transactions would only fail again: like Agave's, the window looks past them.
    this.prepareWindow(this.windowTarget() + graph.sleeping);
    let waitingForIdle = false;
    while (graph.readyCount > 0 && accepting !== 0 && !waitingForIdle) {
      let acceptingCount = 0;
      for (let bits = accepting; bits !== 0; bits &= bits - 1) acceptingCount++;
      const target = Math.min(
        this.batchTransactionsMax,
        Math.max(1, Math.ceil(graph.readyCount / acceptingCount)),
      );
      let removedCount = 0;
      let parkedCount = 0;
      for (;;) {
        const id = graph.pop();
        if (id < 0) break;
        const result = this.trySchedule(id, accepting, target);
        if (result === RESULT_WAIT_IDLE) {
          // Nothing ranked below it would get an idle lane either; chains behind it wait for the next
          // call (a completion), as it does. Not parked: it is the first offered then.
          graph.ready.push(id);
          waitingForIdle = true;
          break;
        }
        if (result === RESULT_UNSCHEDULABLE_CONFLICTS || result === RESULT_UNSCHEDULABLE_THREADS) {
          // It stays in the graph, blocking every later transaction it conflicts with (order is kept).
          this.counters.unschedulable++;
          if (result === RESULT_UNSCHEDULABLE_CONFLICTS) this.counters.unschedulableConflicts++;
          else this.counters.unschedulableThreads++;
          graph.park(id, this.parkedOn);
          parkedCount++;
        } else {
          if (result === RESULT_DEFERRED) {
            this.state[id] = STATE_DEFERRED;
            this.deferred[this.deferredCount++] = id;
            if (this.cost[id] < this.deferredCostMin) this.deferredCostMin = this.cost[id];
          }
          this.popped[removedCount++] = id;
        }
        accepting = this.acceptingWorkers();
        if (accepting === 0) break;
      }
      for (let worker = 0; worker < this.workers; worker++) this.sendOpen(worker);
      accepting = this.acceptingWorkers();
      // Successors are released only now, so a transaction never shares a batch with its predecessor.
      for (let index = 0; index < removedCount; index++) graph.remove(this.popped[index]);
      // Refill by what was popped: a parked transaction widens this call's look-ahead by one.
      this.extendWindow(graph.windowCount + removedCount + parkedCount);
    }
    for (let worker = 0; worker < this.workers; worker++) this.sendOpen(worker);
    graph.compact();
    return this.outputCount;
  }

  private fitsBlock(id: number, base: number, lockCount: number): number {
    const cost = this.cost[id];
    if (this.blockComputeUnitsUsed + cost > this.blockComputeUnitsMax) return 1;
    for (let lock = 0; lock < lockCount; lock++) {
      if (this.lockWritable[base + lock] !== 1) continue;
      const account = this.lockAccount[base + lock];
      const used = this.accountSlotEpoch[account] === this.slotEpoch ? this.accountWriteUnits[account] : 0;
      if (used + cost > this.accountWriteComputeUnitsMax) return 2;
    }
    return 0;
  }

  /** True when the transaction conflicts with a lock taken by the batch open on `worker`. */
  private conflictsWithOpen(worker: number, base: number, lockCount: number): boolean {
    if (this.openRecord[worker] < 0) return false;
    const serial = this.openSerial[worker];
    for (let lock = 0; lock < lockCount; lock++) {
      const account = this.lockAccount[base + lock];
      if (this.openSerialWrite[account] === serial) return true;
      if (this.lockWritable[base + lock] === 1 && this.openSerialRead[account] === serial) return true;
    }
    return false;
  }

  private trySchedule(id: number, accepting: number, target: number): number {
    const base = id * PLANNER_LOCKS_PER_TRANSACTION_MAX;
    const lockCount = this.lockCount[id];
    const allowedByLocks = this.locks.allowedWorkers(
      this.lockAccount,
      this.lockWritable,
      base,
      lockCount,
      this.allWorkers,
    );
    let allowed = allowedByLocks & accepting;
    if (allowed !== 0 && allowedByLocks === this.allWorkers) {
      // It conflicts with nothing in flight: only an idle lane takes it (a second batch in flight on a
      // busy lane is for the chains that must queue behind that lane's locks; a free transaction queued
      // there would wait while another lane may go idle first).
      allowed = this.idleWorkers(allowed);
      if (allowed === 0) return RESULT_WAIT_IDLE;
    }
    if (allowed === 0) {
      if (allowedByLocks === 0) {
        this.parkedOn = this.locks.conflictingWorkers(this.lockAccount, this.lockWritable, base, lockCount);
        return RESULT_UNSCHEDULABLE_CONFLICTS;
      }
      this.parkedOn = allowedByLocks;
      return RESULT_UNSCHEDULABLE_THREADS;
    }
    const fit = this.fitsBlock(id, base, lockCount);
    if (fit !== 0) {
      if (fit === 1) this.counters.deferredBlockLimit++;
      else this.counters.deferredAccountLimit++;
      return RESULT_DEFERRED;
    }
    let worker = -1;
    for (let candidate = 0; candidate < this.workers; candidate++) {
      if ((allowed & (1 << candidate)) === 0) continue;
      if (worker < 0 || this.queuedUnits[candidate] < this.queuedUnits[worker]) worker = candidate;
    }
    if (this.conflictsWithOpen(worker, base, lockCount)) this.sendOpen(worker);
    if (this.openRecord[worker] < 0) {
      if (this.inFlightBatches[worker] >= this.inFlightBatchesPerWorkerMax) {
        this.parkedOn = allowedByLocks;
        return RESULT_UNSCHEDULABLE_THREADS;
      }
      this.openBatch(worker);
    }
    // Take the locks and the block compute; this transaction's writes are no longer pending.
    const cost = this.cost[id];
    this.locks.lock(this.lockAccount, this.lockWritable, base, lockCount, worker);
    this.blockComputeUnitsUsed += cost;
    const serial = this.openSerial[worker];
    for (let lock = 0; lock < lockCount; lock++) {
      const account = this.lockAccount[base + lock];
      if (this.lockWritable[base + lock] === 1) {
        if (this.accountSlotEpoch[account] !== this.slotEpoch) {
          this.accountSlotEpoch[account] = this.slotEpoch;
          this.accountWriteUnits[account] = 0;
        }
        this.accountWriteUnits[account] += cost;
        this.openSerialWrite[account] = serial;
      } else {
        this.openSerialRead[account] = serial;
      }
    }
    this.queuedUnits[worker] += cost;
    this.meter?.place(this.lockAccount, this.lockWritable, base, lockCount, cost, worker);
    this.state[id] = STATE_IN_FLIGHT;
    const record = this.openRecord[worker];
    const size = this.recordSize[record]++;
    this.recordTx[record * this.batchTransactionsMax + size] = id;
    this.counters.scheduled++;
    if (size + 1 >= target) this.sendOpen(worker);
    return RESULT_SCHEDULED;
  }

  private openBatch(worker: number): void {
    const record = this.freeRecords[--this.freeRecordTop];
    this.recordWorker[record] = worker;
    this.recordSize[record] = 0;
    this.recordActive[record] = 1;
    this.recordSlotEpoch[record] = this.slotEpoch;
    this.openRecord[worker] = record;
    this.inFlightBatches[worker]++;
    this.batchSerialCounter = (this.batchSerialCounter + 1) | 0 || 1;
    this.openSerial[worker] = this.batchSerialCounter;
  }

  /** Gives back to this block what transaction `id` was charged beyond `costUnits`, its actual cost. */
  private refundUnused(id: number, base: number, costUnits: number): void {
    const unused = this.cost[id] - (costUnits > 0 ? costUnits : 0);
    if (!(unused > 0)) return;
    this.blockComputeUnitsUsed = Math.max(0, this.blockComputeUnitsUsed - unused);
    this.counters.refundedComputeUnits += unused;
    this.refundedSinceReoffer += unused;
    for (let lock = 0; lock < this.lockCount[id]; lock++) {
      if (this.lockWritable[base + lock] !== 1) continue;
      const account = this.lockAccount[base + lock];
      if (this.accountSlotEpoch[account] !== this.slotEpoch) continue;
      const left = this.accountWriteUnits[account] - unused;
      this.accountWriteUnits[account] = left > 0 ? left : 0;
    }
  }

  /** Sends the batch open on `worker`, if any, to the output. */
  private sendOpen(worker: number): void {
    const record = this.openRecord[worker];
    if (record < 0) return;
    this.openRecord[worker] = -1;
    const size = this.recordSize[record];
    const out = this.outputCount++;
    this.outputWorker[out] = worker;
    this.outputBatchId[out] = this.recordGeneration[record] * this.recordCount + record;
    const start = out === 0 ? 0 : this.outputStart[out - 1] + this.outputSize[out - 1];
    this.outputStart[out] = start;
    this.outputSize[out] = size;
    const txBase = record * this.batchTransactionsMax;
    for (let index = 0; index < size; index++)
      this.outputSlots[start + index] = this.slotOf[this.recordTx[txBase + index]];
    this.counters.batches++;
  }

  /**
   * The bank finished batch `batchId` (from outputBatchId): its locks are released and its
   * transactions forgotten. Returns the worker it ran on.
   *
   * With `costUnitsBySlot` (the bank's cost of each executed transaction, by pool slot; 0 when not
   * included), a transaction charged more than it cost gives the difference back to the block and to
   * its writable accounts, if the block it was charged to is still the current one — as Agave's
   * cost tracker reserves the requested compute-unit limit and refunds the unused part after execution.
   */
  completeBatch(batchId: number, costUnitsBySlot?: Float64Array): number {
    const record = Number.isInteger(batchId) && batchId >= 0 ? batchId % this.recordCount : -1;
    if (
      record < 0 ||
      this.recordActive[record] !== 1 ||
      this.openRecord[this.recordWorker[record]] === record ||
      Math.floor(batchId / this.recordCount) !== this.recordGeneration[record]
    )
      throw scheduleError(SCHEDULE_BATCH_UNKNOWN, `no batch ${batchId} in flight`, { batchId });
    const worker = this.recordWorker[record];
    this.graph.wakeWorker(worker);
    const txBase = record * this.batchTransactionsMax;
    const refunds = costUnitsBySlot !== undefined && this.recordSlotEpoch[record] === this.slotEpoch;
    for (let index = 0; index < this.recordSize[record]; index++) {
      const id = this.recordTx[txBase + index];
      const base = id * PLANNER_LOCKS_PER_TRANSACTION_MAX;
      if (refunds) this.refundUnused(id, base, costUnitsBySlot[this.slotOf[id]]);
      this.locks.unlock(this.lockAccount, this.lockWritable, base, this.lockCount[id], worker);
      this.queuedUnits[worker] -= this.cost[id];
      this.releaseAccounts(id);
      this.state[id] = STATE_FREE;
      this.freeIds[this.freeTop++] = id;
      this.counters.completed++;
    }
    // Compute given back may let what a limit put off fit this block after all.
    // (Only once enough was given back for the cheapest of them, so a full block is not re-tried per batch.)
    if (
      refunds &&
      this.deferredCount > 0 &&
      this.refundedSinceReoffer >= this.deferredCostMin &&
      this.blockComputeUnitsMax - this.blockComputeUnitsUsed >= this.deferredCostMin
    )
      this.reofferDeferred();
    if (this.inFlightBatches[worker] === 1) this.queuedUnits[worker] = 0;
    this.inFlightBatches[worker]--;
    this.recordActive[record] = 0;
    this.recordGeneration[record] =
      (this.recordGeneration[record] + 1) % Math.floor(0x7fffffff / this.recordCount);
    this.freeRecords[this.freeRecordTop++] = record;
    return worker;
  }
}
