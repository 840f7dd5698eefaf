// Chain state shared by every tile: the bank's current slot, block height, confirmed
// and finalized slots, and the window of recent blockhashes (each with the last block
// height at which it is valid). One writer (the bank tile) publishes under a seqlock;
// readers (verify: blockhash expiry; ingress: RPC answers) retry while a write is in
// progress. All reads go through Atomics, so spinning readers see the writer's stores.

export const BLOCKHASH_BYTES = 32;
/** Entries kept; more than the 150-slot validity window so that expired hashes are recognised as such. */
export const BLOCKHASH_WINDOW_ENTRIES = 512;

// Int32 header cells.
const SEQUENCE = 0;
const SLOT = 1;
const BLOCK_HEIGHT = 2;
const CONFIRMED_SLOT = 3;
const FINALIZED_SLOT = 4;
const NEWEST_INDEX = 5;
const ENTRY_COUNT = 6;
const HEADER_INT32S = 16;
// Per entry: 8 Int32 words of hash, then slot, then last valid block height.
const ENTRY_INT32S = 10;
const READ_RETRIES_MAX = 1_000_000;

export interface ChainStateDescriptor {
  kind: "outrider.chain-state";
  buffer: SharedArrayBuffer;
}

export function createChainState(): ChainStateDescriptor {
  const int32s = HEADER_INT32S + BLOCKHASH_WINDOW_ENTRIES * ENTRY_INT32S;
  return { kind: "outrider.chain-state", buffer: new SharedArrayBuffer(int32s * 4) };
}

export interface ChainSnapshot {
  slot: number;
  blockHeight: number;
  confirmedSlot: number;
  finalizedSlot: number;
}

export class ChainState {
  private readonly cells: Int32Array;
  private readonly hashWords = new Int32Array(BLOCKHASH_BYTES / 4);
  private readonly hashBytes = new Uint8Array(this.hashWords.buffer);

  constructor(descriptor: ChainStateDescriptor) {
    this.cells = new Int32Array(descriptor.buffer);
  }

  /** Writer: publishes a new slot, optionally with a new blockhash valid through lastValidBlockHeight. */
  publish(
    snapshot: ChainSnapshot,
    blockhash?: { hash: Uint8Array; slot: number; lastValidBlockHeight: number },
  ): void {
    const cells = this.cells;
    Atomics.add(cells, SEQUENCE, 1); // odd: write in progress
    Atomics.store(cells, SLOT, snapshot.slot);
    Atomics.store(cells, BLOCK_HEIGHT, snapshot.blockHeight);
    Atomics.store(cells, CONFIRMED_SLOT, snapshot.confirmedSlot);
    Atomics.store(cells, FINALIZED_SLOT, snapshot.finalizedSlot);
    if (blockhash) {
      if (blockhash.hash.length !== BLOCKHASH_BYTES) throw new RangeError("blockhash must be 32 bytes");
      const index = (Atomics.load(cells, NEWEST_INDEX) + 1) % BLOCKHASH_WINDOW_ENTRIES;
      const base = HEADER_INT32S + index * ENTRY_INT32S;
      this.hashBytes.set(blockhash.hash);
      for (let word = 0; word < 8; word++) Atomics.store(cells, base + word, this.hashWords[word]);
      Atomics.store(cells, base + 8, blockhash.slot);
      Atomics.store(cells, base + 9, blockhash.lastValidBlockHeight);
      Atomics.store(cells, NEWEST_INDEX, index);
      const count = Atomics.load(cells, ENTRY_COUNT);
      if (count < BLOCKHASH_WINDOW_ENTRIES) Atomics.store(cells, ENTRY_COUNT, count + 1);
    }
    Atomics.add(cells, SEQUENCE, 1); // even: consistent
  }

  snapshot(
    out: ChainSnapshot = { slot: 0, blockHeight: 0, confirmedSlot: 0, finalizedSlot: 0 },
  ): ChainSnapshot {
    const cells = this.cells;
    for (let attempt = 0; attempt < READ_RETRIES_MAX; attempt++) {
      const before = Atomics.load(cells, SEQUENCE);
      if (before & 1) continue;
      out.slot = Atomics.load(cells, SLOT);
      out.blockHeight = Atomics.load(cells, BLOCK_HEIGHT);
      out.confirmedSlot = Atomics.load(cells, CONFIRMED_SLOT);
      out.finalizedSlot = Atomics.load(cells, FINALIZED_SLOT);
      if (Atomics.load(cells, SEQUENCE) === before) return out;
    }
    throw new Error("chain state: writer stalled mid-publish");
  }

  /**
   * Last valid block height of the blockhash at bytes[offset..offset+32), or -1 when the
   * window does not hold it. Allocation-free; safe against a concurrent publish.
   */
  lastValidBlockHeight(bytes: Uint8Array, offset: number): number {
    const cells = this.cells;
    for (let attempt = 0; attempt < READ_RETRIES_MAX; attempt++) {
      const before = Atomics.load(cells, SEQUENCE);
      if (before & 1) continue;
      let found = -1;
      const count = Atomics.load(cells, ENTRY_COUNT);
      let index = Atomics.load(cells, NEWEST_INDEX);
      for (let seen = 0; seen < count && found < 0; seen++) {
        const base = HEADER_INT32S + index * ENTRY_INT32S;
        let equal = true;
        for (let word = 0; word < 8 && equal; word++) {
          const value = Atomics.load(cells, base + word);
          const at = offset + word * 4;
          // Little-endian Int32 of the 4 bytes at `at`.
          const expected = bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
          equal = value === expected;
        }
        if (equal) found = Atomics.load(cells, base + 9);
        index = (index - 1 + BLOCKHASH_WINDOW_ENTRIES) % BLOCKHASH_WINDOW_ENTRIES;
      }
      if (Atomics.load(cells, SEQUENCE) === before) return found;
    }
    throw new Error("chain state: writer stalled mid-publish");
  }

  /** True when the blockhash is in the window and still valid at the current block height. */
  isBlockhashValid(bytes: Uint8Array, offset: number): boolean {
    const lastValid = this.lastValidBlockHeight(bytes, offset);
    return lastValid >= 0 && lastValid >= Atomics.load(this.cells, BLOCK_HEIGHT);
  }
}
