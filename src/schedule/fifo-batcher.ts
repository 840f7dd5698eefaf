// The baseline batcher: transactions in arrival order, cut into batches of at most
// `batchMax` that never hold two transactions conflicting on an account (write-write
// or read-write). A transaction that conflicts with the batch being built, or with an
// earlier transaction left waiting in the same pass, waits, in order, for a later batch.
// Bounded: `pendingMax` transactions held, `scanMax` looked at per batch (the scan stops
// once the batch is full). Each 32-byte account key is interned once, at enqueue, into a
// dense index (reference-counted, so an account is forgotten when no held transaction
// names it), so a conflict check is two array reads per lock instead of a hash probe and
// a 32-byte comparison; the sets of the batch being cut and of the waiting transactions
// are epoch stamps per account, cleared in O(1) per batch.
import { AccountTable } from "./prio-graph-accounts.ts";

/** Locks per transaction: 64 account locks (sanitize bound) plus one per lookup table. */
export const LOCKS_PER_TRANSACTION_MAX = 64 + 32;
export const BATCH_TRANSACTIONS_MAX = 64;
/** Accounts tracked per transaction held, by default (a full table refuses enqueue: back-pressure). */
export const FIFO_ACCOUNTS_PER_TRANSACTION = 8;

const LOCK_READ = 1;
const LOCK_WRITE = 2;

export class FifoBatcher {
  readonly pendingMax: number;
  readonly scanMax: number;
  readonly accountsMax: number;
  private readonly bytes: Uint8Array;
  /** FIFO of entry ids, as a ring over `order`. */
  private readonly order: Int32Array;
  private head = 0;
  private count = 0;
  private readonly freeIds: Int32Array;
  private freeTop: number;
  private readonly slotOf: Int32Array;
  private readonly lockCount: Uint8Array;
  private readonly lockAccount: Int32Array;
  private readonly lockWritable: Uint8Array;
  private readonly picked: Uint8Array;
  // Per interned account.
  private readonly accounts: AccountTable;
  private readonly accountRefs: Int32Array;
  /** Lock taken by the batch being cut: valid when batchStamp equals the pass epoch. */
  private readonly batchStamp: Int32Array;
  private readonly batchMode: Uint8Array;
  /** Lock of transactions left waiting in this pass: later ones conflicting with them wait too. */
  private readonly waitStamp: Int32Array;
  private readonly waitMode: Uint8Array;
  private epoch = 0;

  constructor(bytes: Uint8Array, pendingMax: number, scanMax = 1024, accountsMax?: number) {
    if (!(Number.isInteger(pendingMax) && pendingMax >= 1 && pendingMax <= 1 << 20))
      throw new RangeError(`pendingMax 1..2^20, got ${pendingMax}`);
    if (!(Number.isInteger(scanMax) && scanMax >= 1)) throw new RangeError(`scanMax ≥ 1, got ${scanMax}`);
    const accounts =
      accountsMax ?? Math.max(FIFO_ACCOUNTS_PER_TRANSACTION * pendingMax, 4 * LOCKS_PER_TRANSACTION_MAX);
    if (!(Number.isInteger(accounts) && accounts >= LOCKS_PER_TRANSACTION_MAX && accounts <= 1 << 24))
      throw new RangeError(`accountsMax ${LOCKS_PER_TRANSACTION_MAX}..2^24, got ${accounts}`);
    this.bytes = bytes;
    this.pendingMax = pendingMax;
    this.scanMax = scanMax;
    this.accountsMax = accounts;
    this.order = new Int32Array(pendingMax);
    this.freeIds = new Int32Array(pendingMax);
    for (let id = 0; id < pendingMax; id++) this.freeIds[id] = pendingMax - 1 - id;
    this.freeTop = pendingMax;
    this.slotOf = new Int32Array(pendingMax);
    this.lockCount = new Uint8Array(pendingMax);
    this.lockAccount = new Int32Array(pendingMax * LOCKS_PER_TRANSACTION_MAX);
    this.lockWritable = new Uint8Array(pendingMax * LOCKS_PER_TRANSACTION_MAX);
    this.picked = new Uint8Array(Math.min(scanMax, pendingMax));
    this.accounts = new AccountTable(accounts);
    this.accountRefs = new Int32Array(accounts);
    this.batchStamp = new Int32Array(accounts);
    this.batchMode = new Uint8Array(accounts);
    this.waitStamp = new Int32Array(accounts);
    this.waitMode = new Uint8Array(accounts);
  }

  get pending(): number {
    return this.count;
  }

  /** True when the next enqueue could be refused: no entry free, or the account table could not take a whole transaction. */
  get full(): boolean {
    return this.freeTop === 0 || this.accountsMax - this.accounts.size < LOCKS_PER_TRANSACTION_MAX;
  }

  /** Distinct accounts named by the transactions held. */
  get accountsHeld(): number {
    return this.accounts.size;
  }

  private releaseAccounts(id: number, locks: number): void {
    const base = id * LOCKS_PER_TRANSACTION_MAX;
    for (let index = 0; index < locks; index++) {
      const account = this.lockAccount[base + index];
      if (--this.accountRefs[account] === 0) this.accounts.free(account);
    }
  }

  /**
   * Adds a transaction (identified by `slot`) with its locks: `lockCount` keys whose 32 bytes
   * are at `offsets[i]` of the shared bytes, writable when `writable[i]` is 1. False when full.
   */
  enqueue(slot: number, offsets: Int32Array, writable: Uint8Array, lockCount: number): boolean {
    if (lockCount > LOCKS_PER_TRANSACTION_MAX) throw new RangeError(`too many locks: ${lockCount}`);
    if (this.freeTop === 0) return false;
    const id = this.freeIds[this.freeTop - 1];
    const base = id * LOCKS_PER_TRANSACTION_MAX;
    for (let index = 0; index < lockCount; index++) {
      const account = this.accounts.findOrAdd(this.bytes, offsets[index]);
      if (account < 0) {
        this.releaseAccounts(id, index);
        return false;
      }
      this.accountRefs[account]++;
      this.lockAccount[base + index] = account;
      this.lockWritable[base + index] = writable[index];
    }
    this.freeTop--;
    this.slotOf[id] = slot;
    this.lockCount[id] = lockCount;
    this.order[(this.head + this.count) % this.pendingMax] = id;
    this.count++;
    return true;
  }

  /** Cuts the next batch: writes up to `batchMax` slots into `out` in FIFO order and returns how many. */
  nextBatch(out: Int32Array, batchMax: number): number {
    if (this.count === 0) return 0;
    const limit = Math.min(batchMax, BATCH_TRANSACTIONS_MAX, out.length);
    const scanLimit = Math.min(this.count, this.scanMax);
    this.epoch = (this.epoch + 1) | 0;
    if (this.epoch === 0x7fffffff || this.epoch <= 0) {
      this.batchStamp.fill(0);
      this.waitStamp.fill(0);
      this.epoch = 1;
    }
    const epoch = this.epoch;
    const lockAccount = this.lockAccount;
    const lockWritable = this.lockWritable;
    const batchStamp = this.batchStamp;
    const batchMode = this.batchMode;
    const waitStamp = this.waitStamp;
    const waitMode = this.waitMode;
    const order = this.order;
    const pendingMax = this.pendingMax;
    let taken = 0;
    let scanned = 0;
    while (scanned < scanLimit && taken < limit) {
      const position = scanned++;
      const id = order[(this.head + position) % pendingMax];
      const base = id * LOCKS_PER_TRANSACTION_MAX;
      const locks = this.lockCount[id];
      let free = true;
      for (let index = 0; index < locks && free; index++) {
        const account = lockAccount[base + index];
        const writes = lockWritable[base + index] === 1;
        if (batchStamp[account] === epoch && (writes || batchMode[account] === LOCK_WRITE)) free = false;
        else if (waitStamp[account] === epoch && (writes || waitMode[account] === LOCK_WRITE)) free = false;
      }
      if (free) {
        for (let index = 0; index < locks; index++) {
          const account = lockAccount[base + index];
          const mode = lockWritable[base + index] === 1 ? LOCK_WRITE : LOCK_READ;
          if (batchStamp[account] !== epoch) {
            batchStamp[account] = epoch;
            batchMode[account] = mode;
          } else if (mode === LOCK_WRITE) batchMode[account] = LOCK_WRITE;
        }
        this.picked[position] = 1;
        out[taken++] = this.slotOf[id];
      } else {
        for (let index = 0; index < locks; index++) {
          const account = lockAccount[base + index];
          const mode = lockWritable[base + index] === 1 ? LOCK_WRITE : LOCK_READ;
          if (waitStamp[account] !== epoch) {
            waitStamp[account] = epoch;
            waitMode[account] = mode;
          } else if (mode === LOCK_WRITE) waitMode[account] = LOCK_WRITE;
        }
        this.picked[position] = 0;
      }
    }
    // Compact the scanned region: the ones left keep their order, ahead of the unscanned rest.
    let write = scanned - 1;
    for (let read = scanned - 1; read >= 0; read--) {
      const id = order[(this.head + read) % pendingMax];
      if (this.picked[read] === 1) {
        this.releaseAccounts(id, this.lockCount[id]);
        this.freeIds[this.freeTop++] = id;
      } else {
        order[(this.head + write) % pendingMax] = id;
        write--;
      }
    }
    this.head = (this.head + taken) % pendingMax;
    this.count -= taken;
    return taken;
  }
}
