// Thread-aware account locks for in-flight work, after Agave's ThreadAwareAccountLocks: per account,
// the worker holding its write lock (with a count) and, per worker, the read locks held. A transaction
// may go to worker w only if every account it writes is unlocked or locked (read or write) by w alone,
// and every account it reads is not write-locked by another worker. A transaction that conflicts with
// work in flight on exactly one worker is thus sent to that worker (queued behind it, so no waiting for
// completion), and one that conflicts with two workers waits. Workers ≤ 32 (a bitmask).

const NONE = -1;
export const WORKERS_MAX = 32;

export class ThreadAwareLocks {
  readonly workers: number;
  private readonly writeWorker: Int32Array;
  private readonly writeCount: Int32Array;
  private readonly readMask: Int32Array;
  private readonly readCount: Int32Array;

  constructor(accountsMax: number, workers: number) {
    this.workers = workers;
    this.writeWorker = new Int32Array(accountsMax).fill(NONE);
    this.writeCount = new Int32Array(accountsMax);
    this.readMask = new Int32Array(accountsMax);
    this.readCount = new Int32Array(accountsMax * workers);
  }

  /** Narrows `mask` (bit w = worker w allowed) to the workers a transaction with these locks may use. */
  allowedWorkers(
    accounts: Int32Array,
    writable: Uint8Array,
    base: number,
    lockCount: number,
    mask: number,
  ): number {
    let allowed = mask;
    for (let lock = 0; lock < lockCount && allowed !== 0; lock++) {
      const account = accounts[base + lock];
      const writer = this.writeWorker[account];
      if (writer !== NONE) allowed &= 1 << writer;
      if (writable[base + lock] === 1) {
        const readers = this.readMask[account];
        if (readers !== 0) allowed = (readers & (readers - 1)) === 0 ? allowed & readers : 0;
      }
    }
    return allowed;
  }

  /** Workers holding a lock that conflicts with these (the ones whose completions could make room). */
  conflictingWorkers(accounts: Int32Array, writable: Uint8Array, base: number, lockCount: number): number {
    let mask = 0;
    for (let lock = 0; lock < lockCount; lock++) {
      const account = accounts[base + lock];
      const writer = this.writeWorker[account];
      if (writer !== NONE) mask |= 1 << writer;
      if (writable[base + lock] === 1) mask |= this.readMask[account];
    }
    return mask;
  }

  /** The worker holding the account's write lock, or -1. */
  writeOwner(account: number): number {
    return this.writeWorker[account];
  }

  /** Write locks held on the account (by its owner). */
  writeLocks(account: number): number {
    return this.writeCount[account];
  }

  /** True when the account is locked at all (by any worker). */
  isLocked(account: number): boolean {
    return this.writeWorker[account] !== NONE || this.readMask[account] !== 0;
  }

  lock(accounts: Int32Array, writable: Uint8Array, base: number, lockCount: number, worker: number): void {
    for (let lock = 0; lock < lockCount; lock++) {
      const account = accounts[base + lock];
      if (writable[base + lock] === 1) {
        this.writeWorker[account] = worker;
        this.writeCount[account]++;
      } else {
        this.readMask[account] |= 1 << worker;
        this.readCount[account * this.workers + worker]++;
      }
    }
  }

  unlock(accounts: Int32Array, writable: Uint8Array, base: number, lockCount: number, worker: number): void {
    for (let lock = 0; lock < lockCount; lock++) {
      const account = accounts[base + lock];
      if (writable[base + lock] === 1) {
        if (this.writeWorker[account] !== worker || this.writeCount[account] <= 0)
          throw new Error(
            `prio-graph locks: write unlock of account ${account} not held by worker ${worker}`,
          );
        if (--this.writeCount[account] === 0) this.writeWorker[account] = NONE;
      } else {
        const at = account * this.workers + worker;
        if (this.readCount[at] <= 0)
          throw new Error(`prio-graph locks: read unlock of account ${account} not held by worker ${worker}`);
        if (--this.readCount[at] === 0) this.readMask[account] &= ~(1 << worker);
      }
    }
  }
}
