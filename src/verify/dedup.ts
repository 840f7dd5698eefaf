// Exact signature dedup, bounded, tied to the blockhash window: a signature is
// remembered until the last block height at which its transaction's blockhash is
// valid; after that the transaction cannot execute anyway, so the entry is dead.
// Open addressing with linear probing over preallocated typed arrays: no allocation
// per packet. When full of live entries, the entry that expires soonest is evicted
// (counted: the bank's own AlreadyProcessed check still stands behind it).

const SIGNATURE_BYTES = 64;
const EMPTY = 0;
const TOMBSTONE = -1;

export interface DedupStats {
  entries: number;
  capacity: number;
  bytes: number;
  evictedLive: number;
}

export class SignatureDedup {
  readonly entriesMax: number;
  private readonly capacity: number;
  private readonly mask: number;
  private keys: Uint8Array;
  /** Last valid block height + 1 of each entry (so 0 means empty), or TOMBSTONE. */
  private expiry: Int32Array;
  private spareKeys: Uint8Array;
  private spareExpiry: Int32Array;
  private live = 0;
  private tombstones = 0;
  evictedLive = 0;

  constructor(entriesMax: number) {
    if (!(Number.isInteger(entriesMax) && entriesMax >= 16 && entriesMax <= 1 << 26)) {
      throw new RangeError(`dedup entriesMax must be 16..2^26, got ${entriesMax}`);
    }
    this.entriesMax = entriesMax;
    let capacity = 32;
    while (capacity < entriesMax * 2) capacity *= 2;
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.keys = new Uint8Array(capacity * SIGNATURE_BYTES);
    this.expiry = new Int32Array(capacity);
    this.spareKeys = new Uint8Array(capacity * SIGNATURE_BYTES);
    this.spareExpiry = new Int32Array(capacity);
  }

  private home(bytes: Uint8Array, offset: number): number {
    // Signatures are uniformly distributed: four bytes are a good hash.
    const hash =
      bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24);
    return Math.imul(hash, 0x9e3779b1) >>> 0;
  }

  private equalAt(position: number, bytes: Uint8Array, offset: number): boolean {
    const keys = this.keys;
    const base = position * SIGNATURE_BYTES;
    for (let index = 0; index < SIGNATURE_BYTES; index++) {
      if (keys[base + index] !== bytes[offset + index]) return false;
    }
    return true;
  }

  /**
   * Records the signature at bytes[offset..+64) valid through lastValidBlockHeight.
   * Returns true when it is new (or its earlier entry had expired), false for a duplicate.
   */
  insert(bytes: Uint8Array, offset: number, lastValidBlockHeight: number, blockHeight: number): boolean {
    if (this.live >= this.entriesMax) this.makeRoom(blockHeight);
    if (this.tombstones + this.live > (this.capacity >> 1) + (this.capacity >> 2)) this.rebuild(blockHeight);
    const expiry = this.expiry;
    let position = this.home(bytes, offset) & this.mask;
    let reusable = -1;
    for (let probe = 0; probe < this.capacity; probe++) {
      const value = expiry[position];
      if (value === EMPTY) break;
      if (value === TOMBSTONE) {
        if (reusable < 0) reusable = position;
      } else if (this.equalAt(position, bytes, offset)) {
        if (value - 1 >= blockHeight) return false;
        expiry[position] = lastValidBlockHeight + 1;
        return true;
      }
      position = (position + 1) & this.mask;
    }
    const target = reusable >= 0 ? reusable : position;
    if (reusable >= 0) this.tombstones--;
    const keys = this.keys;
    const base = target * SIGNATURE_BYTES;
    for (let index = 0; index < SIGNATURE_BYTES; index++) keys[base + index] = bytes[offset + index];
    expiry[target] = lastValidBlockHeight + 1;
    this.live++;
    return true;
  }

  /** True when the signature is held and still valid at blockHeight. */
  has(bytes: Uint8Array, offset: number, blockHeight: number): boolean {
    let position = this.home(bytes, offset) & this.mask;
    for (let probe = 0; probe < this.capacity; probe++) {
      const value = this.expiry[position];
      if (value === EMPTY) return false;
      if (value !== TOMBSTONE && this.equalAt(position, bytes, offset)) return value - 1 >= blockHeight;
      position = (position + 1) & this.mask;
    }
    return false;
  }

  /**
   * Forgets the signature (its transaction did not run, so a retry may): returns true when it was held.
   * Only for a signature whose transaction verified and was then not included by the bank.
   */
  forget(bytes: Uint8Array, offset: number): boolean {
    let position = this.home(bytes, offset) & this.mask;
    for (let probe = 0; probe < this.capacity; probe++) {
      const value = this.expiry[position];
      if (value === EMPTY) return false;
      if (value !== TOMBSTONE && this.equalAt(position, bytes, offset)) {
        this.expiry[position] = TOMBSTONE;
        this.live--;
        this.tombstones++;
        return true;
      }
      position = (position + 1) & this.mask;
    }
    return false;
  }

  /** Drops expired entries; if every entry is live, evicts the one expiring soonest. */
  private makeRoom(blockHeight: number): void {
    const expiry = this.expiry;
    let soonest = -1;
    for (let position = 0; position < this.capacity; position++) {
      const value = expiry[position];
      if (value <= 0) continue;
      if (value - 1 < blockHeight) {
        expiry[position] = TOMBSTONE;
        this.live--;
        this.tombstones++;
      } else if (soonest < 0 || value < expiry[soonest]) {
        soonest = position;
      }
    }
    if (this.live >= this.entriesMax && soonest >= 0) {
      expiry[soonest] = TOMBSTONE;
      this.live--;
      this.tombstones++;
      this.evictedLive++;
    }
  }

  /** Re-inserts live entries into the spare arrays, clearing tombstones and expired entries. */
  private rebuild(blockHeight: number): void {
    const oldKeys = this.keys;
    const oldExpiry = this.expiry;
    this.keys = this.spareKeys;
    this.expiry = this.spareExpiry;
    this.spareKeys = oldKeys;
    this.spareExpiry = oldExpiry;
    this.expiry.fill(EMPTY);
    this.live = 0;
    this.tombstones = 0;
    for (let position = 0; position < this.capacity; position++) {
      const value = oldExpiry[position];
      if (value <= 0 || value - 1 < blockHeight) continue;
      let target = this.home(oldKeys, position * SIGNATURE_BYTES) & this.mask;
      while (this.expiry[target] !== EMPTY) target = (target + 1) & this.mask;
      this.keys.set(
        oldKeys.subarray(position * SIGNATURE_BYTES, (position + 1) * SIGNATURE_BYTES),
        target * SIGNATURE_BYTES,
      );
      this.expiry[target] = value;
      this.live++;
    }
  }

  stats(): DedupStats {
    return {
      entries: this.live,
      capacity: this.capacity,
      bytes: 2 * (this.keys.byteLength + this.expiry.byteLength),
      evictedLive: this.evictedLive,
    };
  }
}
