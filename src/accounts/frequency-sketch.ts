// Count-min sketch of access frequency with 4-bit counters (0..15) and periodic halving ("reset") so
// that old popularity fades: the TinyLFU admission filter. Keys are 32-bit hashes. As in Caffeine's
// sketch, a key's four counters (one per row) sit in one 16-byte block, so an update touches one
// cache line: the block is chosen by one hash of the key, the counter within each row's word by another.
import { nextPowerOfTwo } from "./address-index.ts";

const ROWS = 4;
const COUNTER_MAX = 15;

export class FrequencySketch {
  /** Blocks of four 32-bit words (one word per row, 8 counters per word); a power of two. */
  readonly blocks: number;
  /** Additions between two halvings; changed by the owner as the resident set grows. */
  resetPeriod: number;
  /** Halvings done so far. */
  resets = 0;
  private additions = 0;
  private readonly blockMask: number;
  private readonly words: Uint32Array;

  constructor(expectedEntries: number) {
    // About two counters per row per expected entry: 8 counters per word → expected/4 blocks.
    this.blocks = Math.max(16, nextPowerOfTwo(Math.ceil(expectedEntries / 4)));
    this.blockMask = this.blocks - 1;
    this.words = new Uint32Array(this.blocks * ROWS);
    this.resetPeriod = 10 * Math.max(64, expectedEntries);
  }

  /** Estimated frequency of `hash` (0..15). */
  frequency(hash: number): number {
    const spread = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
    const base = ((spread >>> 8) & this.blockMask) << 2;
    const words = this.words;
    let least = COUNTER_MAX;
    for (let row = 0; row < ROWS; row++) {
      const shift = ((hash >>> (row << 3)) & 7) << 2;
      const value = (words[base + row] >>> shift) & 15;
      if (value < least) least = value;
    }
    return least;
  }

  /** Raises each of the key's counters to at least `count` (0..15): a departing entry leaves its history. */
  raiseTo(hash: number, count: number): void {
    const spread = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
    const base = ((spread >>> 8) & this.blockMask) << 2;
    const words = this.words;
    const target = count > COUNTER_MAX ? COUNTER_MAX : count;
    for (let row = 0; row < ROWS; row++) {
      const shift = ((hash >>> (row << 3)) & 7) << 2;
      const value = (words[base + row] >>> shift) & 15;
      if (value < target) words[base + row] += (target - value) << shift;
    }
  }

  /** Counts one access of `hash`; halves every counter after resetPeriod additions. */
  increment(hash: number): void {
    const spread = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
    const base = ((spread >>> 8) & this.blockMask) << 2;
    const words = this.words;
    let added = false;
    for (let row = 0; row < ROWS; row++) {
      const shift = ((hash >>> (row << 3)) & 7) << 2;
      if (((words[base + row] >>> shift) & 15) < COUNTER_MAX) {
        words[base + row] += 1 << shift;
        added = true;
      }
    }
    if (added && ++this.additions >= this.resetPeriod) this.halve();
  }

  /** Halves every counter (aging); the owner may call it on its own schedule. */
  halve(): void {
    const words = this.words;
    for (let index = 0; index < words.length; index++) words[index] = (words[index] >>> 1) & 0x77777777;
    this.additions = this.additions >>> 1;
    this.resets++;
  }
}
