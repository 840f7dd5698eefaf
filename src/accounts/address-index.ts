// Preallocated open-addressing hash index from 32-byte account addresses to dense entry ids.
// Linear probing with backward-shift deletion (no tombstones); keys live in one byte arena,
// so a lookup allocates nothing. The hash is seeded per index so probe chains cannot be planned.
import { accountError } from "./errors.ts";

export const ADDRESS_BYTES = 32;

/** Seeded 32-bit hash of address[offset, offset+32): three words mixed, then avalanched. */
export function hashAddress(address: Uint8Array, offset: number, seed: number): number {
  let h =
    seed ^
    (address[offset] |
      (address[offset + 1] << 8) |
      (address[offset + 2] << 16) |
      (address[offset + 3] << 24));
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h ^=
    address[offset + 12] |
    (address[offset + 13] << 8) |
    (address[offset + 14] << 16) |
    (address[offset + 15] << 24);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^=
    address[offset + 28] |
    (address[offset + 29] << 8) |
    (address[offset + 30] << 16) |
    (address[offset + 31] << 24);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
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
    this.keyHash = new Uint32Array(entriesMax);
    this.tableSlotOfEntry = new Int32Array(entriesMax).fill(-1);
    const tableSize = nextPowerOfTwo(entriesMax * 2);
    this.table = new Int32Array(tableSize);
    this.mask = tableSize - 1;
  }

  /** Entry id holding address[offset…+32), or -1. Sets lastHash. Allocates nothing. */
  find(address: Uint8Array, offset: number): number {
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
