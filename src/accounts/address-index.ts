// Preallocated open-addressing hash index from 32-byte account addresses to dense entry ids.
// Linear probing with backward-shift deletion (no tombstones); keys live in one byte arena,
// so a lookup allocates nothing. Word-aligned addresses (the common case: 32-byte records in an arena)
// are compared as eight 32-bit words. The hash is seeded per index so probe chains cannot be planned.
import { accountError } from "./errors.ts";

export const ADDRESS_BYTES = 32;

function wordAt(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0
  );
}

/** Mixes words 0, 3 and 7 of an address (little-endian) with the seed into a 32-bit hash. */
function mixWords(seed: number, w0: number, w3: number, w7: number): number {
  let h = Math.imul(seed ^ w0, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ w3, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ w7, 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Seeded 32-bit hash of address[offset, offset+32); equal to the word path's hash (little-endian). */
export function hashAddress(address: Uint8Array, offset: number, seed: number): number {
  return mixWords(seed, wordAt(address, offset), wordAt(address, offset + 12), wordAt(address, offset + 28));
}

export function nextPowerOfTwo(value: number): number {
  let power = 1;
  while (power < value) power *= 2;
  return power;
}

export class AddressIndex {
  readonly entriesMax: number;
  readonly seed: number;
  /** Key bytes of entry e at [e*32, e*32+32). */
  readonly keyBytes: Uint8Array;
  /** The same key bytes as 8 little-endian words per entry. */
  private readonly keyWords: Uint32Array;
  private viewBuffer: ArrayBufferLike | undefined;
  private viewArray: Uint8Array | undefined;
  private viewArrayOffset = 0;
  private viewWords: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
  /** Hash of entry e's key (valid while e is indexed). */
  readonly keyHash: Uint32Array;
  /** Hash computed by the last find(); lets callers reuse it without hashing twice. */
  lastHash = 0;
  private readonly table: Int32Array; // entry id + 1, 0 = empty
  private readonly tableSlotOfEntry: Int32Array;
  private readonly mask: number;

  constructor(entriesMax: number, seed: number) {
    if (!Number.isInteger(entriesMax) || entriesMax < 1 || entriesMax > 1 << 26)
      throw accountError("CACHE_BAD_OPTION", `entriesMax must be an integer in 1..${1 << 26}`, {
        entriesMax,
      });
    this.entriesMax = entriesMax;
    this.seed = seed | 0;
    this.keyBytes = new Uint8Array(entriesMax * ADDRESS_BYTES);
    this.keyWords = new Uint32Array(this.keyBytes.buffer);
    this.keyHash = new Uint32Array(entriesMax);
    this.tableSlotOfEntry = new Int32Array(entriesMax).fill(-1);
    const tableSize = nextPowerOfTwo(entriesMax * 2);
    this.table = new Int32Array(tableSize);
    this.mask = tableSize - 1;
  }

  /** Entry id holding address[offset…+32), or -1. Sets lastHash. Allocates nothing (after the first
   * lookup into a given buffer, which makes a word view of it). */
  find(address: Uint8Array, offset: number): number {
    // Keys are usually read from one array again and again (an arena, a scratch buffer): its word
    // view is kept, checked by identity first.
    if (address !== this.viewArray) this.attach(address);
    const byteOffset = this.viewArrayOffset + offset;
    if ((byteOffset & 3) === 0) return this.findWords(this.viewWords, byteOffset >>> 2);
    return this.findBytes(address, offset);
  }

  private attach(address: Uint8Array): void {
    this.viewArray = address;
    this.viewArrayOffset = address.byteOffset;
    if (address.buffer !== this.viewBuffer) {
      this.viewBuffer = address.buffer;
      this.viewWords = new Uint32Array(address.buffer, 0, address.buffer.byteLength >>> 2);
    }
  }

  private findWords(words: Uint32Array, wordOffset: number): number {
    const w0 = words[wordOffset];
    const hash = mixWords(this.seed, w0, words[wordOffset + 3], words[wordOffset + 7]);
    this.lastHash = hash;
    const table = this.table;
    const keyWords = this.keyWords;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const stored = table[slot];
      if (stored === 0) return -1;
      const base = (stored - 1) * 8;
      if (keyWords[base] === w0) {
        if (
          keyWords[base + 1] === words[wordOffset + 1] &&
          keyWords[base + 2] === words[wordOffset + 2] &&
          keyWords[base + 3] === words[wordOffset + 3] &&
          keyWords[base + 4] === words[wordOffset + 4] &&
          keyWords[base + 5] === words[wordOffset + 5] &&
          keyWords[base + 6] === words[wordOffset + 6] &&
          keyWords[base + 7] === words[wordOffset + 7]
        )
          return stored - 1;
      }
      slot = (slot + 1) & mask;
    }
  }

  private findBytes(address: Uint8Array, offset: number): number {
    const hash = hashAddress(address, offset, this.seed);
    this.lastHash = hash;
    const table = this.table;
    const keyHash = this.keyHash;
    const keyBytes = this.keyBytes;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const stored = table[slot];
      if (stored === 0) return -1;
      const entry = stored - 1;
      if (keyHash[entry] === hash) {
        const base = entry * ADDRESS_BYTES;
        let index = 0;
        while (index < ADDRESS_BYTES && keyBytes[base + index] === address[offset + index]) index++;
        if (index === ADDRESS_BYTES) return entry;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Indexes `entry` under address[offset…+32) whose hash is `hash`. The address must not be present. */
  insert(entry: number, address: Uint8Array, offset: number, hash: number): void {
    const base = entry * ADDRESS_BYTES;
    for (let index = 0; index < ADDRESS_BYTES; index++) this.keyBytes[base + index] = address[offset + index];
    this.keyHash[entry] = hash;
    const mask = this.mask;
    let slot = hash & mask;
    while (this.table[slot] !== 0) slot = (slot + 1) & mask;
    this.table[slot] = entry + 1;
    this.tableSlotOfEntry[entry] = slot;
  }

  /** Removes `entry` from the index (backward-shift deletion keeps probe chains unbroken). */
  remove(entry: number): void {
    const table = this.table;
    const mask = this.mask;
    let hole = this.tableSlotOfEntry[entry];
    if (hole < 0) return;
    this.tableSlotOfEntry[entry] = -1;
    table[hole] = 0;
    let probe = hole;
    for (;;) {
      probe = (probe + 1) & mask;
      const stored = table[probe];
      if (stored === 0) return;
      const home = this.keyHash[stored - 1] & mask;
      // The entry at `probe` may move into `hole` unless its home lies cyclically in (hole, probe].
      const movable = hole <= probe ? home <= hole || home > probe : home <= hole && home > probe;
      if (movable) {
        table[hole] = stored;
        this.tableSlotOfEntry[stored - 1] = hole;
        table[probe] = 0;
        hole = probe;
      }
    }
  }
}

/** Throws unless address[offset…+32) lies inside the buffer. */
export function assertAddressSlice(address: Uint8Array, offset: number): void {
  if (!(offset >= 0 && Number.isInteger(offset) && offset + ADDRESS_BYTES <= address.length))
    throw accountError("ADDRESS_BAD_LENGTH", "an account address is 32 bytes", {
      bufferBytes: address.length,
      offset,
    });
}
