// The account locks taken by one batch: a set of 32-byte keys, each held for read or
// write, stored as offsets into a byte buffer (the packet pool) rather than copies.
// Cleared in O(1) per batch with an epoch stamp. Fixed size: a batch of 64 transactions
// locks at most 64 × 64 accounts.

const KEY_BYTES = 32;
export const LOCK_SET_KEYS_MAX = 64 * 64;
const TABLE_SIZE = 8192; // power of two, ≥ 2 × LOCK_SET_KEYS_MAX
const MASK = TABLE_SIZE - 1;

export const LOCK_NONE = 0;
export const LOCK_READ = 1;
export const LOCK_WRITE = 2;

export class LockSet {
  private bytes: Uint8Array = new Uint8Array(0);
  private readonly keyOffset = new Int32Array(TABLE_SIZE);
  private readonly mode = new Uint8Array(TABLE_SIZE);
  private readonly stamp = new Int32Array(TABLE_SIZE);
  private epoch = 1;
  private size = 0;

  /** Starts a new batch over `bytes` (all key offsets refer to it). */
  clear(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.epoch++;
    this.size = 0;
    if (this.epoch === 0x7fffffff) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
  }

  get keyCount(): number {
    return this.size;
  }

  private find(offset: number): number {
    const bytes = this.bytes;
    const hash =
      bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24);
    let position = Math.imul(hash, 0x9e3779b1) & MASK;
    for (let probe = 0; probe < TABLE_SIZE; probe++) {
      if (this.stamp[position] !== this.epoch) return position;
      const other = this.keyOffset[position];
      let equal = true;
      for (let index = 0; index < KEY_BYTES && equal; index++)
        equal = bytes[other + index] === bytes[offset + index];
      if (equal) return position;
      position = (position + 1) & MASK;
    }
    throw new Error("lock set: table full");
  }

  /** The lock held on the key at `offset`: LOCK_NONE, LOCK_READ or LOCK_WRITE. */
  modeOf(offset: number): number {
    const position = this.find(offset);
    return this.stamp[position] === this.epoch ? this.mode[position] : LOCK_NONE;
  }

  /** Takes a lock (a write lock upgrades a read lock). */
  add(offset: number, writable: boolean): void {
    const position = this.find(offset);
    if (this.stamp[position] !== this.epoch) {
      if (this.size >= LOCK_SET_KEYS_MAX) throw new Error(`lock set: more than ${LOCK_SET_KEYS_MAX} keys`);
      this.stamp[position] = this.epoch;
      this.keyOffset[position] = offset;
      this.mode[position] = writable ? LOCK_WRITE : LOCK_READ;
      this.size++;
    } else if (writable) {
      this.mode[position] = LOCK_WRITE;
    }
  }
}
