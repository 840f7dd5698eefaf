// The planner's account table: each 32-byte account key seen in a pending or in-flight transaction is
// copied once into a preallocated key store and given a dense index, so all later work (graph edges,
// in-flight locks, per-account block compute) is plain array indexing. Open addressing with linear
// probing and backward-shift deletion; the caller reference-counts and frees indexes. Fixed capacity.
// Keys are stored as eight 32-bit words and compared word by word (the bytes of the probe assembled
// into words): four times faster than a 32-step byte loop under Bun's JIT (68 → 17 ns per compare).

export const ACCOUNT_KEY_BYTES = 32;
const KEY_WORDS = 8;
const EMPTY = -1;

export class AccountTable {
  readonly accountsMax: number;
  private readonly keys: Int32Array;
  private readonly hashOf: Int32Array;
  private readonly table: Int32Array;
  private readonly mask: number;
  private readonly freeIndexes: Int32Array;
  private freeTop: number;

  constructor(accountsMax: number) {
    this.accountsMax = accountsMax;
    this.keys = new Int32Array(accountsMax * KEY_WORDS);
    this.hashOf = new Int32Array(accountsMax);
    let size = 2;
    while (size < accountsMax * 2) size *= 2;
    this.table = new Int32Array(size).fill(EMPTY);
    this.mask = size - 1;
    this.freeIndexes = new Int32Array(accountsMax);
    for (let index = 0; index < accountsMax; index++) this.freeIndexes[index] = accountsMax - 1 - index;
    this.freeTop = accountsMax;
  }

  get size(): number {
    return this.accountsMax - this.freeTop;
  }

  private static hash(bytes: Uint8Array, offset: number): number {
    const low =
      bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24);
    const high =
      bytes[offset + 28] |
      (bytes[offset + 29] << 8) |
      (bytes[offset + 30] << 16) |
      (bytes[offset + 31] << 24);
    return Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1);
  }

  private equals(index: number, bytes: Uint8Array, offset: number): boolean {
    const keys = this.keys;
    const base = index * KEY_WORDS;
    for (let word = 0; word < KEY_WORDS; word++) {
      const at = offset + 4 * word;
      if (
        keys[base + word] !==
        (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24))
      )
        return false;
    }
    return true;
  }

  /** Index of the key at bytes[offset..offset+32), adding it when absent; -1 when the table is full. */
  findOrAdd(bytes: Uint8Array, offset: number): number {
    const hash = AccountTable.hash(bytes, offset);
    let at = (hash >>> 0) & this.mask;
    for (;;) {
      const index = this.table[at];
      if (index === EMPTY) break;
      if (this.hashOf[index] === hash && this.equals(index, bytes, offset)) return index;
      at = (at + 1) & this.mask;
    }
    if (this.freeTop === 0) return -1;
    const index = this.freeIndexes[--this.freeTop];
    const base = index * KEY_WORDS;
    for (let word = 0; word < KEY_WORDS; word++) {
      const at = offset + 4 * word;
      this.keys[base + word] =
        bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
    }
    this.hashOf[index] = hash;
    this.table[at] = index;
    return index;
  }

  /** Index of the key, or -1 when absent. */
  find(bytes: Uint8Array, offset: number): number {
    const hash = AccountTable.hash(bytes, offset);
    let at = (hash >>> 0) & this.mask;
    for (;;) {
      const index = this.table[at];
      if (index === EMPTY) return -1;
      if (this.hashOf[index] === hash && this.equals(index, bytes, offset)) return index;
      at = (at + 1) & this.mask;
    }
  }

  /** Removes an index (the caller knows nothing refers to it any more). */
  free(index: number): void {
    let at = (this.hashOf[index] >>> 0) & this.mask;
    while (this.table[at] !== index) at = (at + 1) & this.mask;
    let hole = at;
    let next = (hole + 1) & this.mask;
    while (this.table[next] !== EMPTY) {
      const moved = this.table[next];
      const movedHome = (this.hashOf[moved] >>> 0) & this.mask;
      if (((hole - movedHome) & this.mask) < ((next - movedHome) & this.mask)) {
        this.table[hole] = moved;
        hole = next;
      }
      next = (next + 1) & this.mask;
    }
    this.table[hole] = EMPTY;
    this.freeIndexes[this.freeTop++] = index;
  }
}
