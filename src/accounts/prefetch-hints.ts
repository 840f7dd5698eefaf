// Prefetch hints across threads: a stage that knows early which accounts a transaction will lock (verify,
// from the template cache's predicted lock set) offers them here; the bank tile drains them into the
// account cache's prefetch before the transaction reaches it. One single-producer / single-consumer ring
// of 32-byte addresses in shared memory per producer; lossy by design (a full ring drops the hint and
// counts it: a hint is an optimisation, never back-pressure). No allocation per hint.
//
// Producer API (the interface offered to the verify stage):
//   const hints = new PrefetchHintWriter(descriptor);
//   hints.offer(bytes, offset)                 // one address at bytes[offset..offset+32)
//   hints.offerLockSet(bytes, offsets, count)  // a transaction's lock set, e.g. ParsedTransaction keys
export interface PrefetchHintsDescriptor {
  kind: "outrider.prefetch-hints";
  buffer: SharedArrayBuffer;
  /** Addresses the ring holds; a power of two. */
  capacity: number;
}

const ADDRESS_BYTES = 32;
const WRITE_INDEX = 0;
const READ_INDEX = 1;
const DROPPED = 2;
const HEADER_BYTES = 64;
export const PREFETCH_HINTS_CAPACITY_DEFAULT = 4096;

export function createPrefetchHints(capacity = PREFETCH_HINTS_CAPACITY_DEFAULT): PrefetchHintsDescriptor {
  if (!Number.isInteger(capacity) || capacity < 2 || (capacity & (capacity - 1)) !== 0) {
    throw new RangeError(`prefetch hint capacity must be a power of two ≥ 2, got ${capacity}`);
  }
  return {
    kind: "outrider.prefetch-hints",
    buffer: new SharedArrayBuffer(HEADER_BYTES + capacity * ADDRESS_BYTES),
    capacity,
  };
}

export class PrefetchHintWriter {
  private readonly header: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly mask: number;

  constructor(descriptor: PrefetchHintsDescriptor) {
    this.header = new Int32Array(descriptor.buffer, 0, HEADER_BYTES / 4);
    this.bytes = new Uint8Array(descriptor.buffer, HEADER_BYTES);
    this.mask = descriptor.capacity - 1;
  }

  /** Offers one address; false (and counted) when the ring is full. */
  offer(address: Uint8Array, offset: number): boolean {
    const header = this.header;
    const write = Atomics.load(header, WRITE_INDEX);
    if (write - Atomics.load(header, READ_INDEX) > this.mask) {
      Atomics.add(header, DROPPED, 1);
      return false;
    }
    this.bytes.set(address.subarray(offset, offset + ADDRESS_BYTES), (write & this.mask) * ADDRESS_BYTES);
    Atomics.store(header, WRITE_INDEX, (write + 1) | 0);
    return true;
  }

  /** Offers `count` addresses at `offsets` in `bytes`; returns how many were taken. */
  offerLockSet(bytes: Uint8Array, offsets: Int32Array | readonly number[], count: number): number {
    let taken = 0;
    for (let index = 0; index < count; index++) if (this.offer(bytes, offsets[index])) taken++;
    return taken;
  }
}

export class PrefetchHintReader {
  private readonly header: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly mask: number;

  constructor(descriptor: PrefetchHintsDescriptor) {
    this.header = new Int32Array(descriptor.buffer, 0, HEADER_BYTES / 4);
    this.bytes = new Uint8Array(descriptor.buffer, HEADER_BYTES);
    this.mask = descriptor.capacity - 1;
  }

  /** Hints dropped because the ring was full. */
  get dropped(): number {
    return Atomics.load(this.header, DROPPED);
  }

  /** Calls `visit(bytes, offset)` for each waiting address (at most `max`); returns how many. */
  drain(visit: (bytes: Uint8Array, offset: number) => void, max = Number.MAX_SAFE_INTEGER): number {
    const header = this.header;
    const read = Atomics.load(header, READ_INDEX);
    const available = Math.min(max, (Atomics.load(header, WRITE_INDEX) - read) | 0);
    for (let index = 0; index < available; index++) {
      visit(this.bytes, ((read + index) & this.mask) * ADDRESS_BYTES);
    }
    if (available > 0) Atomics.store(header, READ_INDEX, (read + available) | 0);
    return available;
  }
}
