// Single-producer / single-consumer ring of fixed-size entries (W 32-bit words each)
// over a SharedArrayBuffer, in the manner of Firedancer's tango mcache: the producer
// owns `tail`, the consumer owns `head`, each on its own 64-byte cache line; both are
// free-running 32-bit counters (wrapping), indexed with `& (capacity - 1)`.
//
// Producer: `tryPush(w0..w3)` for one entry, or `reserve(n)` / `writeWord` / `publish(k)`
// to write several entries and publish them with one atomic store. Consumer:
// `available()` / `readWord` / `release(k)` to read a batch and release it at once.
// A full ring makes `tryPush` return false (back-pressure the caller counts) — never a
// silent loss. Shared indices are always read with Atomics.load (a plain read in a
// spin loop can be hoisted by the JIT and never see the other thread's store).
//
// Memory layout (bytes):
//   [0, 64)     producer line: tail (Int32 index 0)
//   [64, 128)   consumer line: head (Int32 index 16)
//   [128, 192)  immutable parameters: magic, capacity, wordsPerEntry
//   [192, ...)  entries: capacity × wordsPerEntry Uint32 words
import {
  RING_CAPACITY_INVALID,
  RING_DESCRIPTOR_INVALID,
  RING_PUBLISH_EXCEEDS_RESERVED,
  RING_READ_OUTSIDE_AVAILABLE,
  RING_RELEASE_EXCEEDS_AVAILABLE,
  RING_WORDS_PER_ENTRY_INVALID,
  RING_WRITE_OUTSIDE_RESERVED,
  ringError,
} from "./errors.ts";

export const RING_CAPACITY_MIN = 2;
export const RING_CAPACITY_MAX = 1 << 24;
export const RING_WORDS_PER_ENTRY_MAX = 16;
export const RING_HEADER_BYTES = 192;
const CACHE_LINE_INT32S = 16;
const TAIL_INDEX = 0;
const HEAD_INDEX = CACHE_LINE_INT32S;
const MAGIC_INDEX = 2 * CACHE_LINE_INT32S;
const CAPACITY_INDEX = MAGIC_INDEX + 1;
const WORDS_INDEX = MAGIC_INDEX + 2;
const RING_MAGIC = 0x52494e47; // "RING"
export const RING_DESCRIPTOR_KIND = "outrider.spsc-ring";

/** Plain, structured-cloneable description of a ring: send it with postMessage, attach on the other side. */
export interface RingDescriptor {
  kind: typeof RING_DESCRIPTOR_KIND;
  name: string;
  buffer: SharedArrayBuffer;
  capacity: number;
  wordsPerEntry: number;
}

export interface CreateRingOptions {
  /** `<producer>_<consumer>`, e.g. "ingress_verify"; used in metrics and errors. */
  name?: string;
  /** Initial value of both free-running counters (tests use it to exercise 32-bit wrap-around). */
  startIndex?: number;
}

function isPowerOfTwo(value: number): boolean {
  return Number.isInteger(value) && value > 0 && (value & (value - 1)) === 0;
}

export function ringBytes(capacity: number, wordsPerEntry: number): number {
  return RING_HEADER_BYTES + capacity * wordsPerEntry * 4;
}

/** Allocates a ring of `capacity` entries (a power of two) of `wordsPerEntry` 32-bit words. */
export function createRing(
  capacity: number,
  wordsPerEntry: number,
  options: CreateRingOptions = {},
): RingDescriptor {
  const name = options.name ?? "unnamed";
  if (!isPowerOfTwo(capacity) || capacity < RING_CAPACITY_MIN || capacity > RING_CAPACITY_MAX) {
    throw ringError(
      RING_CAPACITY_INVALID,
      "RING_CAPACITY_INVALID",
      `ring ${name}: capacity must be a power of two in [${RING_CAPACITY_MIN}, ${RING_CAPACITY_MAX}], got ${capacity}`,
      { ring: name, capacity },
    );
  }
  if (!Number.isInteger(wordsPerEntry) || wordsPerEntry < 1 || wordsPerEntry > RING_WORDS_PER_ENTRY_MAX) {
    throw ringError(
      RING_WORDS_PER_ENTRY_INVALID,
      "RING_WORDS_PER_ENTRY_INVALID",
      `ring ${name}: wordsPerEntry must be an integer in [1, ${RING_WORDS_PER_ENTRY_MAX}], got ${wordsPerEntry}`,
      { ring: name, wordsPerEntry },
    );
  }
  const buffer = new SharedArrayBuffer(ringBytes(capacity, wordsPerEntry));
  const header = new Int32Array(buffer, 0, RING_HEADER_BYTES / 4);
  const startIndex = (options.startIndex ?? 0) | 0;
  Atomics.store(header, TAIL_INDEX, startIndex);
  Atomics.store(header, HEAD_INDEX, startIndex);
  header[CAPACITY_INDEX] = capacity;
  header[WORDS_INDEX] = wordsPerEntry;
  Atomics.store(header, MAGIC_INDEX, RING_MAGIC);
  return { kind: RING_DESCRIPTOR_KIND, name, buffer, capacity, wordsPerEntry };
}

function descriptorError(message: string, name: string): never {
  throw ringError(RING_DESCRIPTOR_INVALID, "RING_DESCRIPTOR_INVALID", `ring ${name}: ${message}`, {
    ring: name,
  });
}

/** Re-attaches a ring from its descriptor (in a Worker, or the creating thread). Validates everything. */
export function attachRing(descriptor: RingDescriptor): SpscRing {
  const value = descriptor as Partial<RingDescriptor> | null | undefined;
  const name = typeof value?.name === "string" ? value.name : "unnamed";
  if (value === null || typeof value !== "object" || value.kind !== RING_DESCRIPTOR_KIND) {
    descriptorError("not a ring descriptor", name);
  }
  if (!(value.buffer instanceof SharedArrayBuffer))
    descriptorError("buffer is not a SharedArrayBuffer", name);
  const capacity = value.capacity as number;
  const wordsPerEntry = value.wordsPerEntry as number;
  if (!isPowerOfTwo(capacity) || capacity < RING_CAPACITY_MIN || capacity > RING_CAPACITY_MAX) {
    descriptorError(`capacity ${capacity} is invalid`, name);
  }
  if (!Number.isInteger(wordsPerEntry) || wordsPerEntry < 1 || wordsPerEntry > RING_WORDS_PER_ENTRY_MAX) {
    descriptorError(`wordsPerEntry ${wordsPerEntry} is invalid`, name);
  }
  if (value.buffer.byteLength !== ringBytes(capacity, wordsPerEntry)) {
    descriptorError(
      `buffer is ${value.buffer.byteLength} bytes, expected ${ringBytes(capacity, wordsPerEntry)}`,
      name,
    );
  }
  const header = new Int32Array(value.buffer, 0, RING_HEADER_BYTES / 4);
  if (
    Atomics.load(header, MAGIC_INDEX) !== RING_MAGIC ||
    header[CAPACITY_INDEX] !== capacity ||
    header[WORDS_INDEX] !== wordsPerEntry
  ) {
    descriptorError("buffer header does not match the descriptor", name);
  }
  return new SpscRing(value as RingDescriptor);
}

export class SpscRing {
  readonly name: string;
  readonly capacity: number;
  readonly wordsPerEntry: number;
  readonly descriptor: RingDescriptor;
  private readonly mask: number;
  private readonly header: Int32Array;
  private readonly entries: Uint32Array;
  // Producer-local state (only the producer thread touches these).
  private tailLocal: number;
  private headCached: number;
  private reservedCount = 0;
  // Consumer-local state.
  private headLocal: number;
  private availableCount = 0;

  /** Use attachRing(descriptor); the constructor trusts a validated descriptor. */
  constructor(descriptor: RingDescriptor) {
    this.descriptor = descriptor;
    this.name = descriptor.name;
    this.capacity = descriptor.capacity;
    this.wordsPerEntry = descriptor.wordsPerEntry;
    this.mask = descriptor.capacity - 1;
    this.header = new Int32Array(descriptor.buffer, 0, RING_HEADER_BYTES / 4);
    this.entries = new Uint32Array(
      descriptor.buffer,
      RING_HEADER_BYTES,
      descriptor.capacity * descriptor.wordsPerEntry,
    );
    this.tailLocal = Atomics.load(this.header, TAIL_INDEX);
    this.headLocal = Atomics.load(this.header, HEAD_INDEX);
    this.headCached = this.headLocal;
  }

  // ---- producer side ----

  /**
   * Pushes one entry and publishes it. Writes min(wordsPerEntry, 4) words; extra arguments
   * are ignored for narrower rings. Returns false, changing nothing, when the ring is full.
   */
  tryPush(w0: number, w1 = 0, w2 = 0, w3 = 0): boolean {
    const tail = this.tailLocal;
    if (((tail - this.headCached) | 0) >= this.capacity) {
      this.headCached = Atomics.load(this.header, HEAD_INDEX);
      if (((tail - this.headCached) | 0) >= this.capacity) return false;
    }
    const words = this.wordsPerEntry;
    const base = (tail & this.mask) * words;
    const entries = this.entries;
    entries[base] = w0;
    if (words > 1) {
      entries[base + 1] = w1;
      if (words > 2) {
        entries[base + 2] = w2;
        if (words > 3) entries[base + 3] = w3;
      }
    }
    this.tailLocal = (tail + 1) | 0;
    this.reservedCount = 0;
    Atomics.store(this.header, TAIL_INDEX, this.tailLocal);
    return true;
  }

  /** Entries the producer could write now (refreshes its view of the consumer's head). */
  freeSlots(): number {
    this.headCached = Atomics.load(this.header, HEAD_INDEX);
    return this.capacity - ((this.tailLocal - this.headCached) | 0);
  }

  /**
   * Reserves up to `countWanted` entries for writing; returns how many (0 when full).
   * Write them with writeWord(offset, word, value), offset in [0, returned), then publish(k).
   */
  reserve(countWanted: number): number {
    let free = this.capacity - ((this.tailLocal - this.headCached) | 0);
    if (free < countWanted) free = this.freeSlots();
    const reserved = free < countWanted ? free : countWanted;
    this.reservedCount = reserved > 0 ? reserved : 0;
    return this.reservedCount;
  }

  /** Writes word `word` of the reserved entry at `offset` (0-based from the first unpublished entry). */
  writeWord(offset: number, word: number, value: number): void {
    if (offset >= this.reservedCount || offset < 0 || word >= this.wordsPerEntry || word < 0) {
      throw ringError(
        RING_WRITE_OUTSIDE_RESERVED,
        "RING_WRITE_OUTSIDE_RESERVED",
        `ring ${this.name}: write at entry ${offset} word ${word} outside reserved ${this.reservedCount} × ${this.wordsPerEntry}`,
        { ring: this.name, offset, word, reserved: this.reservedCount },
      );
    }
    this.entries[(((this.tailLocal + offset) | 0) & this.mask) * this.wordsPerEntry + word] = value;
  }

  /** Publishes the first `count` reserved entries with one atomic store. */
  publish(count: number): void {
    if (count > this.reservedCount || count < 0 || !Number.isInteger(count)) {
      throw ringError(
        RING_PUBLISH_EXCEEDS_RESERVED,
        "RING_PUBLISH_EXCEEDS_RESERVED",
        `ring ${this.name}: publish ${count} exceeds reserved ${this.reservedCount}`,
        { ring: this.name, count, reserved: this.reservedCount },
      );
    }
    if (count === 0) return;
    this.tailLocal = (this.tailLocal + count) | 0;
    this.reservedCount -= count;
    Atomics.store(this.header, TAIL_INDEX, this.tailLocal);
  }

  // ---- consumer side ----

  /** Entries ready to read (loads the producer's tail once). Reads are valid for offsets below this. */
  available(): number {
    this.availableCount = (Atomics.load(this.header, TAIL_INDEX) - this.headLocal) | 0;
    return this.availableCount;
  }

  /** Reads word `word` of the entry at `offset` past the consumer's head; offset < available(). */
  readWord(offset: number, word: number): number {
    if (offset >= this.availableCount || offset < 0 || word >= this.wordsPerEntry || word < 0) {
      throw ringError(
        RING_READ_OUTSIDE_AVAILABLE,
        "RING_READ_OUTSIDE_AVAILABLE",
        `ring ${this.name}: read at entry ${offset} word ${word} outside available ${this.availableCount} × ${this.wordsPerEntry}`,
        { ring: this.name, offset, word, available: this.availableCount },
      );
    }
    return this.entries[(((this.headLocal + offset) | 0) & this.mask) * this.wordsPerEntry + word];
  }

  /** Hands `count` read entries back to the producer with one atomic store. */
  release(count: number): void {
    if (count > this.availableCount || count < 0 || !Number.isInteger(count)) {
      throw ringError(
        RING_RELEASE_EXCEEDS_AVAILABLE,
        "RING_RELEASE_EXCEEDS_AVAILABLE",
        `ring ${this.name}: release ${count} exceeds available ${this.availableCount}`,
        { ring: this.name, count, available: this.availableCount },
      );
    }
    if (count === 0) return;
    this.headLocal = (this.headLocal + count) | 0;
    this.availableCount -= count;
    Atomics.store(this.header, HEAD_INDEX, this.headLocal);
  }

  // ---- either side / observers ----

  /** Entries currently queued, for metrics; safe from any thread (clamped to [0, capacity]). */
  depth(): number {
    const head = Atomics.load(this.header, HEAD_INDEX);
    const tail = Atomics.load(this.header, TAIL_INDEX);
    const queued = (tail - head) | 0;
    if (queued < 0) return 0;
    return queued > this.capacity ? this.capacity : queued;
  }
}
