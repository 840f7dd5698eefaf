// Live figures of the planner's plan, per window (one slot): the same definitions as the executor model
// (executor-model.ts, docs/scheduling.md), computed as transactions are placed on lanes, with the plan's
// own order (the order transactions were scheduled in) as the reference order and compute units (the
// cost model's) as time:
//   critical path  = heaviest chain of conflicting transactions, with unlimited lanes
//   makespan       = finish time with the k lanes: each lane runs its transactions in order, and a
//                    transaction starts no earlier than its conflicting predecessors end
//   lower bound    = max(critical path, total ÷ k); batch efficiency = lower bound ÷ makespan
//   conflict rates = critical path ÷ total; share of transactions with a conflicting predecessor;
//                    conflicting pairs ÷ all pairs, where pairs are counted per account (a pair sharing
//                    two accounts counts twice, so this is an upper bound of the exact density)
// The window restarts at every slot; `last*` hold the figures of the window that just ended. Per-account
// state is stamped with the window, so a restart is O(1). No allocation per transaction.

export interface PlanWindowFigures {
  transactions: number;
  totalComputeUnits: number;
  criticalPathComputeUnits: number;
  makespanComputeUnits: number;
  lowerBoundComputeUnits: number;
  batchEfficiency: number;
  criticalPathShare: number;
  conflictedShare: number;
  pairwiseDensity: number;
}

export function emptyFigures(): PlanWindowFigures {
  return {
    transactions: 0,
    totalComputeUnits: 0,
    criticalPathComputeUnits: 0,
    makespanComputeUnits: 0,
    lowerBoundComputeUnits: 0,
    batchEfficiency: 1,
    criticalPathShare: 0,
    conflictedShare: 0,
    pairwiseDensity: 0,
  };
}

export class PlanMeter {
  readonly lanes: number;
  /** Figures of the last finished window (updated by endWindow). */
  readonly last: PlanWindowFigures = emptyFigures();
  private window = 1;
  private readonly stamp: Int32Array;
  // Unlimited-lanes timeline (critical path).
  private readonly pathWriteEnd: Float64Array;
  private readonly pathReadEnd: Float64Array;
  // k-lane timeline (makespan).
  private readonly laneWriteEnd: Float64Array;
  private readonly laneReadEnd: Float64Array;
  private readonly laneFree: Float64Array;
  private readonly users: Float64Array;
  private readonly writers: Float64Array;
  private transactions = 0;
  private total = 0;
  private criticalPath = 0;
  private conflicted = 0;
  private pairs = 0;

  constructor(accountsMax: number, lanes: number) {
    this.lanes = lanes;
    this.stamp = new Int32Array(accountsMax);
    this.pathWriteEnd = new Float64Array(accountsMax);
    this.pathReadEnd = new Float64Array(accountsMax);
    this.laneWriteEnd = new Float64Array(accountsMax);
    this.laneReadEnd = new Float64Array(accountsMax);
    this.users = new Float64Array(accountsMax);
    this.writers = new Float64Array(accountsMax);
    this.laneFree = new Float64Array(lanes);
  }

  /** A transaction placed on `lane`, with its locks `accounts[base..base+count)` and its cost. */
  place(
    accounts: Int32Array,
    writable: Uint8Array,
    base: number,
    count: number,
    cost: number,
    lane: number,
  ): void {
    const window = this.window;
    let pathStart = 0;
    let laneStart = this.laneFree[lane];
    let predecessor = false;
    for (let lock = 0; lock < count; lock++) {
      const account = accounts[base + lock];
      if (this.stamp[account] !== window) {
        this.stamp[account] = window;
        this.pathWriteEnd[account] = 0;
        this.pathReadEnd[account] = 0;
        this.laneWriteEnd[account] = 0;
        this.laneReadEnd[account] = 0;
        this.users[account] = 0;
        this.writers[account] = 0;
        continue;
      }
      const writes = writable[base + lock] === 1;
      if (this.pathWriteEnd[account] > pathStart) pathStart = this.pathWriteEnd[account];
      if (this.laneWriteEnd[account] > laneStart) laneStart = this.laneWriteEnd[account];
      if (writes) {
        if (this.pathReadEnd[account] > pathStart) pathStart = this.pathReadEnd[account];
        if (this.laneReadEnd[account] > laneStart) laneStart = this.laneReadEnd[account];
        if (this.users[account] > 0) predecessor = true;
        this.pairs += this.users[account];
      } else {
        if (this.writers[account] > 0) predecessor = true;
        this.pairs += this.writers[account];
      }
    }
    const pathEnd = pathStart + cost;
    const laneEnd = laneStart + cost;
    this.laneFree[lane] = laneEnd;
    for (let lock = 0; lock < count; lock++) {
      const account = accounts[base + lock];
      this.users[account]++;
      if (writable[base + lock] === 1) {
        this.writers[account]++;
        this.pathWriteEnd[account] = pathEnd;
        this.pathReadEnd[account] = 0;
        this.laneWriteEnd[account] = laneEnd;
        this.laneReadEnd[account] = 0;
      } else {
        if (pathEnd > this.pathReadEnd[account]) this.pathReadEnd[account] = pathEnd;
        if (laneEnd > this.laneReadEnd[account]) this.laneReadEnd[account] = laneEnd;
      }
    }
    this.transactions++;
    this.total += cost;
    if (pathEnd > this.criticalPath) this.criticalPath = pathEnd;
    if (predecessor) this.conflicted++;
  }

  /** Closes the window: its figures go to `last` (a window with no transaction leaves `last` as it was). */
  endWindow(): void {
    const n = this.transactions;
    if (n > 0) {
      let makespan = 0;
      for (let lane = 0; lane < this.lanes; lane++)
        if (this.laneFree[lane] > makespan) makespan = this.laneFree[lane];
      const lowerBound = Math.max(this.criticalPath, this.total / this.lanes);
      const last = this.last;
      last.transactions = n;
      last.totalComputeUnits = this.total;
      last.criticalPathComputeUnits = this.criticalPath;
      last.makespanComputeUnits = makespan;
      last.lowerBoundComputeUnits = lowerBound;
      last.batchEfficiency = makespan === 0 ? 1 : lowerBound / makespan;
      last.criticalPathShare = this.total === 0 ? 0 : this.criticalPath / this.total;
      last.conflictedShare = this.conflicted / n;
      last.pairwiseDensity = n < 2 ? 0 : Math.min(1, this.pairs / ((n * (n - 1)) / 2));
    }
    this.window = (this.window + 1) | 0 || 1;
    if (this.window === 1) this.stamp.fill(0);
    this.laneFree.fill(0);
    this.transactions = 0;
    this.total = 0;
    this.criticalPath = 0;
    this.conflicted = 0;
    this.pairs = 0;
  }
}
