// The deterministic executor model: k bank workers, each running the batches sent to it one after
// another, each transaction taking computeUnits × nanosecondsPerComputeUnit. A driver (a planner or the
// FIFO baseline) is asked for batches at time 0 and after every batch completion; the model checks
// that no batch holds two conflicting transactions, that conflicting transactions never run at
// overlapping times, and that every transaction runs exactly once, then reports the makespan.
// Definitions (docs/scheduling.md):
//   lower bound      = max(critical path, total compute ÷ k) × ns per CU, where the critical path is
//                      the heaviest chain of conflicting transactions in the reference order
//   batch efficiency = lower bound ÷ makespan (1 = no schedule could finish sooner in that order)
//   conflict rate    = three numbers: critical path ÷ total compute; share of transactions with a
//                      conflicting predecessor; pairwise conflict density (conflicting pairs ÷ all pairs)
import { EXECUTOR_MODEL_INVALID, EXECUTOR_MODEL_VIOLATION, scheduleError } from "./prio-graph-errors.ts";
import type { Workload } from "./workload-model.ts";

export type ModelWorkload = Pick<
  Workload,
  "count" | "accountsCount" | "lockStart" | "lockAccount" | "lockWritable" | "computeUnits" | "costUnits"
>;

export interface ExecutorModelOptions {
  workers: number;
  nanosecondsPerComputeUnit: number;
}

/** What the model asks of a scheduler. */
export interface ModelDriver {
  /** Sends whatever can be sent now through `session.dispatch`. */
  plan(session: ModelSession): void;
  /** The batch dispatched with `token` finished. */
  complete(token: number): void;
  /** Nothing runs, nothing was sent, work remains: start the next block. False if that cannot help. */
  newSlot(): boolean;
  /** Transactions not yet sent. */
  remaining(): number;
}

export interface ConflictMetrics {
  totalComputeUnits: number;
  criticalPathComputeUnits: number;
  /** critical path ÷ total compute. */
  criticalPathShare: number;
  /** Share of transactions that conflict with an earlier one in the reference order. */
  conflictedShare: number;
  /** Conflicting pairs ÷ all pairs. */
  pairwiseDensity: number;
}

export interface ModelResult extends ConflictMetrics {
  workers: number;
  makespanNs: number;
  lowerBoundNs: number;
  batchEfficiency: number;
  batches: number;
  meanBatchTransactions: number;
  slots: number;
  /** Block (slot) each transaction ran in. */
  slotOf: Int32Array;
  startNs: Float64Array;
  endNs: Float64Array;
}

function conflict(workload: ModelWorkload, a: number, b: number): boolean {
  for (let i = workload.lockStart[a]; i < workload.lockStart[a + 1]; i++)
    for (let j = workload.lockStart[b]; j < workload.lockStart[b + 1]; j++)
      if (
        workload.lockAccount[i] === workload.lockAccount[j] &&
        (workload.lockWritable[i] === 1 || workload.lockWritable[j] === 1)
      )
        return true;
  return false;
}

/** Conflict metrics with conflicting pairs ordered by `order` (the order the scheduler must keep). */
export function conflictMetrics(workload: ModelWorkload, order: Int32Array): ConflictMetrics {
  const accounts = workload.accountsCount;
  const lastWriteEnd = new Float64Array(accounts);
  const readEndSinceWrite = new Float64Array(accounts);
  const used = new Uint8Array(accounts);
  let total = 0;
  let criticalPath = 0;
  let conflicted = 0;
  for (const tx of order) {
    let start = 0;
    let hasPredecessor = false;
    for (let lock = workload.lockStart[tx]; lock < workload.lockStart[tx + 1]; lock++) {
      const account = workload.lockAccount[lock];
      if (workload.lockWritable[lock] === 1) {
        start = Math.max(start, lastWriteEnd[account], readEndSinceWrite[account]);
        if (used[account] !== 0) hasPredecessor = true;
      } else {
        start = Math.max(start, lastWriteEnd[account]);
        if (used[account] === 2) hasPredecessor = true;
      }
    }
    const end = start + workload.computeUnits[tx];
    for (let lock = workload.lockStart[tx]; lock < workload.lockStart[tx + 1]; lock++) {
      const account = workload.lockAccount[lock];
      if (workload.lockWritable[lock] === 1) {
        lastWriteEnd[account] = end;
        readEndSinceWrite[account] = 0;
        used[account] = 2;
      } else {
        readEndSinceWrite[account] = Math.max(readEndSinceWrite[account], end);
        if (used[account] === 0) used[account] = 1;
      }
    }
    total += workload.computeUnits[tx];
    criticalPath = Math.max(criticalPath, end);
    if (hasPredecessor) conflicted++;
  }
  // Pairwise density: mark conflicting pairs in a bitset (writers × users of each account).
  const n = workload.count;
  const pairs = new Uint32Array(Math.ceil((n * n) / 32));
  const users: number[][] = Array.from({ length: accounts }, () => []);
  const writers: number[][] = Array.from({ length: accounts }, () => []);
  for (let tx = 0; tx < n; tx++)
    for (let lock = workload.lockStart[tx]; lock < workload.lockStart[tx + 1]; lock++) {
      users[workload.lockAccount[lock]].push(tx);
      if (workload.lockWritable[lock] === 1) writers[workload.lockAccount[lock]].push(tx);
    }
  let conflictingPairs = 0;
  for (let account = 0; account < accounts; account++)
    for (const writer of writers[account])
      for (const other of users[account]) {
        if (other === writer) continue;
        const low = Math.min(writer, other);
        const high = Math.max(writer, other);
        const bit = low * n + high;
        if ((pairs[bit >>> 5] & (1 << (bit & 31))) === 0) {
          pairs[bit >>> 5] |= 1 << (bit & 31);
          conflictingPairs++;
        }
      }
  return {
    totalComputeUnits: total,
    criticalPathComputeUnits: criticalPath,
    criticalPathShare: total === 0 ? 0 : criticalPath / total,
    conflictedShare: n === 0 ? 0 : conflicted / n,
    pairwiseDensity: n < 2 ? 0 : conflictingPairs / ((n * (n - 1)) / 2),
  };
}

/** The handle a driver uses to send batches. */
export class ModelSession {
  readonly workers: number;
  readonly nanosecondsPerComputeUnit: number;
  nowNs = 0;
  slot = 0;
  batches = 0;
  readonly workload: ModelWorkload;
  readonly startNs: Float64Array;
  readonly endNs: Float64Array;
  readonly slotOf: Int32Array;
  private readonly workerFreeNs: Float64Array;
  /** Pending completions: (end time, dispatch order, token). */
  readonly events: { endNs: number; order: number; token: number }[] = [];

  constructor(workload: ModelWorkload, options: ExecutorModelOptions) {
    this.workload = workload;
    this.workers = options.workers;
    this.nanosecondsPerComputeUnit = options.nanosecondsPerComputeUnit;
    this.startNs = new Float64Array(workload.count).fill(-1);
    this.endNs = new Float64Array(workload.count).fill(-1);
    this.slotOf = new Int32Array(workload.count).fill(-1);
    this.workerFreeNs = new Float64Array(options.workers);
  }

  /** Sends a batch of transaction indexes to `worker`; `token` comes back through complete(). */
  dispatch(worker: number, token: number, transactions: ArrayLike<number>, count: number): void {
    if (!(Number.isInteger(worker) && worker >= 0 && worker < this.workers))
      throw scheduleError(EXECUTOR_MODEL_INVALID, `no worker ${worker}`);
    if (count < 1 || count > 64)
      throw scheduleError(EXECUTOR_MODEL_VIOLATION, `batch of ${count} transactions`);
    for (let i = 0; i < count; i++) {
      const tx = transactions[i];
      if (!(Number.isInteger(tx) && tx >= 0 && tx < this.workload.count))
        throw scheduleError(EXECUTOR_MODEL_INVALID, `no transaction ${tx}`);
      if (this.startNs[tx] >= 0)
        throw scheduleError(EXECUTOR_MODEL_VIOLATION, `transaction ${tx} sent twice`);
      for (let j = 0; j < i; j++)
        if (conflict(this.workload, tx, transactions[j]))
          throw scheduleError(
            EXECUTOR_MODEL_VIOLATION,
            `batch holds conflicting ${transactions[j]} and ${tx}`,
          );
    }
    let time = Math.max(this.nowNs, this.workerFreeNs[worker]);
    for (let i = 0; i < count; i++) {
      const tx = transactions[i];
      this.startNs[tx] = time;
      time += this.workload.computeUnits[tx] * this.nanosecondsPerComputeUnit;
      this.endNs[tx] = time;
      this.slotOf[tx] = this.slot;
    }
    this.workerFreeNs[worker] = time;
    this.events.push({ endNs: time, order: this.batches++, token });
  }
}

/** Checks that conflicting transactions never overlap in time (sweep per account by start time). */
function checkNoOverlap(session: ModelSession): void {
  const workload = session.workload;
  const perAccount: number[][] = Array.from({ length: workload.accountsCount }, () => []);
  for (let lock = 0; lock < workload.lockAccount.length; lock++)
    perAccount[workload.lockAccount[lock]].push(lock);
  const txOfLock = new Int32Array(workload.lockAccount.length);
  for (let tx = 0; tx < workload.count; tx++)
    for (let lock = workload.lockStart[tx]; lock < workload.lockStart[tx + 1]; lock++) txOfLock[lock] = tx;
  for (const locks of perAccount) {
    locks.sort((a, b) => session.startNs[txOfLock[a]] - session.startNs[txOfLock[b]]);
    let writeEnd = 0;
    let readEnd = 0;
    for (const lock of locks) {
      const tx = txOfLock[lock];
      const start = session.startNs[tx];
      const writes = workload.lockWritable[lock] === 1;
      if (start < writeEnd || (writes && start < readEnd))
        throw scheduleError(EXECUTOR_MODEL_VIOLATION, `transaction ${tx} overlaps a conflicting one`, { tx });
      if (writes) writeEnd = Math.max(writeEnd, session.endNs[tx]);
      else readEnd = Math.max(readEnd, session.endNs[tx]);
    }
  }
}

/** Runs `driver` over the workload; `order` is the reference order for the critical path. */
export function runExecutorModel(
  workload: ModelWorkload,
  driver: ModelDriver,
  options: ExecutorModelOptions,
  order: Int32Array,
): ModelResult {
  if (!(Number.isInteger(options.workers) && options.workers >= 1 && options.workers <= 32))
    throw scheduleError(EXECUTOR_MODEL_INVALID, `workers must be 1..32, got ${options.workers}`);
  if (!(options.nanosecondsPerComputeUnit > 0))
    throw scheduleError(EXECUTOR_MODEL_INVALID, "nanosecondsPerComputeUnit must be > 0");
  const session = new ModelSession(workload, options);
  const events = session.events;
  driver.plan(session);
  for (let guard = 0; ; guard++) {
    if (guard > 10 * workload.count + 1000)
      throw scheduleError(EXECUTOR_MODEL_VIOLATION, "model does not converge");
    if (events.length === 0) {
      if (driver.remaining() === 0) break;
      if (!driver.newSlot()) throw scheduleError(EXECUTOR_MODEL_VIOLATION, "driver is stuck with work left");
      session.slot++;
      driver.plan(session);
      if (events.length === 0) throw scheduleError(EXECUTOR_MODEL_VIOLATION, "nothing sent in a fresh slot");
      continue;
    }
    let first = 0;
    for (let index = 1; index < events.length; index++) {
      const event = events[index];
      const best = events[first];
      if (event.endNs < best.endNs || (event.endNs === best.endNs && event.order < best.order)) first = index;
    }
    const [event] = events.splice(first, 1);
    session.nowNs = event.endNs;
    driver.complete(event.token);
    driver.plan(session);
  }
  let makespan = 0;
  for (let tx = 0; tx < workload.count; tx++) {
    if (session.endNs[tx] < 0) throw scheduleError(EXECUTOR_MODEL_VIOLATION, `transaction ${tx} never ran`);
    makespan = Math.max(makespan, session.endNs[tx]);
  }
  checkNoOverlap(session);
  const metrics = conflictMetrics(workload, order);
  const lowerBoundNs =
    Math.max(metrics.criticalPathComputeUnits, metrics.totalComputeUnits / options.workers) *
    options.nanosecondsPerComputeUnit;
  return {
    ...metrics,
    workers: options.workers,
    makespanNs: makespan,
    lowerBoundNs,
    batchEfficiency: makespan === 0 ? 1 : lowerBoundNs / makespan,
    batches: session.batches,
    meanBatchTransactions: session.batches === 0 ? 0 : workload.count / session.batches,
    slots: session.slot + 1,
    slotOf: session.slotOf,
    startNs: session.startNs,
    endNs: session.endNs,
  };
}
