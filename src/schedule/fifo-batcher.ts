// The baseline batcher: transactions in arrival order, cut into batches of at most
// `batchMax` that never hold two transactions conflicting on an account (write-write
// or read-write). A transaction that conflicts with the batch being built waits, in
// order, for a later batch. Bounded: `pendingMax` transactions held, `scanMax` looked
// at per batch. Locks are recorded once, at enqueue, as offsets into the packet pool.
import { LOCK_NONE, LOCK_SET_KEYS_MAX, LOCK_WRITE, LockSet } from "./lock-set.ts";

/** Locks per transaction: 64 account locks (sanitize bound) plus one per lookup table. */
export const LOCKS_PER_TRANSACTION_MAX = 64 + 32;
export const BATCH_TRANSACTIONS_MAX = 64;

export class FifoBatcher {
  readonly pendingMax: number;
  readonly scanMax: number;
  private bytes: Uint8Array;
  /** FIFO of entry ids, as a ring over `order`. */
  private readonly order: Int32Array;
  private head = 0;
  private count = 0;
  private readonly freeIds: Int32Array;
  private freeTop: number;
  private readonly slotOf: Int32Array;
  private readonly lockCount: Uint8Array;
  private readonly lockOffset: Int32Array;
  private readonly lockWritable: Uint8Array;
  private readonly picked: Uint8Array;
  /** Locks of the batch being cut. */
  private readonly lockSet = new LockSet();
  /** Locks of transactions left waiting in this pass: later ones conflicting with them wait too, keeping order. */
  private readonly waitingLocks = new LockSet();

  constructor(bytes: Uint8Array, pendingMax: number, scanMax = 1024) {
    if (!(pendingMax >= 1 && pendingMax <= 1 << 20))
      throw new RangeError(`pendingMax 1..2^20, got ${pendingMax}`);
    this.bytes = bytes;
    this.pendingMax = pendingMax;
    this.scanMax = scanMax;
    this.order = new Int32Array(pendingMax);
    this.freeIds = new Int32Array(pendingMax);
    for (let id = 0; id < pendingMax; id++) this.freeIds[id] = pendingMax - 1 - id;
    this.freeTop = pendingMax;
    this.slotOf = new Int32Array(pendingMax);
    this.lockCount = new Uint8Array(pendingMax);
    this.lockOffset = new Int32Array(pendingMax * LOCKS_PER_TRANSACTION_MAX);
    this.lockWritable = new Uint8Array(pendingMax * LOCKS_PER_TRANSACTION_MAX);
    this.picked = new Uint8Array(scanMax);
  }

  get pending(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count >= this.pendingMax;
  }

  /**
   * Adds a transaction (identified by `slot`) with its locks: `lockCount` keys whose 32 bytes
   * are at `offsets[i]` of the shared bytes, writable when `writable[i]` is 1. False when full.
   */
  enqueue(slot: number, offsets: Int32Array, writable: Uint8Array, lockCount: number): boolean {
    if (this.freeTop === 0) return false;
    if (lockCount > LOCKS_PER_TRANSACTION_MAX) throw new RangeError(`too many locks: ${lockCount}`);
    const id = this.freeIds[--this.freeTop];
    this.slotOf[id] = slot;
    this.lockCount[id] = lockCount;
    const base = id * LOCKS_PER_TRANSACTION_MAX;
    for (let index = 0; index < lockCount; index++) {
      this.lockOffset[base + index] = offsets[index];
      this.lockWritable[base + index] = writable[index];
    }
    this.order[(this.head + this.count) % this.pendingMax] = id;
    this.count++;
    return true;
  }

  /** True when every lock of entry `id` is compatible with the locks in `set`. */
  private compatible(id: number, set: LockSet): boolean {
    const base = id * LOCKS_PER_TRANSACTION_MAX;
    for (let index = 0; index < this.lockCount[id]; index++) {
      const held = set.modeOf(this.lockOffset[base + index]);
      if (held === LOCK_NONE) continue;
      if (held === LOCK_WRITE || this.lockWritable[base + index] === 1) return false;
    }
    return true;
  }

  private addLocks(id: number, set: LockSet): void {
    const base = id * LOCKS_PER_TRANSACTION_MAX;
    for (let index = 0; index < this.lockCount[id]; index++) {
      set.add(this.lockOffset[base + index], this.lockWritable[base + index] === 1);
    }
  }

  /** Cuts the next batch: writes up to `batchMax` slots into `out` in FIFO order and returns how many. */
  nextBatch(out: Int32Array, batchMax: number): number {
    if (this.count === 0) return 0;
    const limit = Math.min(batchMax, BATCH_TRANSACTIONS_MAX, out.length);
    const scan = Math.min(this.count, this.scanMax);
    this.lockSet.clear(this.bytes);
    this.waitingLocks.clear(this.bytes);
    let taken = 0;
    for (let position = 0; position < scan; position++) {
      this.picked[position] = 0;
      // Stop early when the batch is full or the waiting set could not take another transaction's locks.
      if (taken >= limit || this.waitingLocks.keyCount > LOCK_SET_KEYS_MAX - LOCKS_PER_TRANSACTION_MAX)
        continue;
      const id = this.order[(this.head + position) % this.pendingMax];
      if (!this.compatible(id, this.lockSet) || !this.compatible(id, this.waitingLocks)) {
        this.addLocks(id, this.waitingLocks);
        continue;
      }
      this.addLocks(id, this.lockSet);
      this.picked[position] = 1;
      out[taken++] = this.slotOf[id];
    }
    // Compact the scanned region: the ones left keep their order, ahead of the unscanned rest.
    let write = scan - 1;
    for (let read = scan - 1; read >= 0; read--) {
      const id = this.order[(this.head + read) % this.pendingMax];
      if (this.picked[read] === 1) {
        this.freeIds[this.freeTop++] = id;
      } else {
        this.order[(this.head + write) % this.pendingMax] = id;
        write--;
      }
    }
    this.head = (this.head + taken) % this.pendingMax;
    this.count -= taken;
    return taken;
  }
}
