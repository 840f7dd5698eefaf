// Count-min sketch of access frequency with 4-bit counters (0..15), four rows, and periodic halving
// ("reset") so that old popularity fades: the TinyLFU admission filter. Keys are 32-bit hashes.
import { nextPowerOfTwo } from "./address-index.ts";

const ROWS = 4;
const COUNTER_MAX = 15;
const ROW_SEEDS = [0x9e3779b1, 0x85ebca77, 0xc2b2ae3d, 0x27d4eb2f] as const;

export class FrequencySketch {
  /** Counters per row (a power of two). */
  readonly width: number;
  /** Additions between two halvings; changed by the owner as the resident set grows. */
  resetPeriod: number;
  /** Halvings done so far. */
  resets = 0;
  private additions = 0;
  private readonly shift: number;
  private readonly words: Uint32Array; // 8 counters per word

  constructor(expectedEntries: number) {
    this.width = Math.max(64, nextPowerOfTwo(expectedEntries));
    this.shift = 32 - Math.log2(this.width);
    this.words = new Uint32Array((this.width * ROWS) >>> 3);
    this.resetPeriod = 10 * Math.max(64, expectedEntries);
  }

  private counterIndex(hash: number, row: number): number {
    const mixed = Math.imul(hash ^ (hash >>> 15), ROW_SEEDS[row]);
    return row * this.width + ((mixed ^ (mixed >>> 17)) >>> this.shift);
  }

  /** Estimated frequency of `hash` (0..15). */
  frequency(hash: number): number {
    let least = COUNTER_MAX;
    for (let row = 0; row < ROWS; row++) {
      const index = this.counterIndex(hash, row);
      const value = (this.words[index >>> 3] >>> ((index & 7) << 2)) & 15;
      if (value < least) least = value;
    }
    return least;
  }

  /** Counts one access of `hash`; halves every counter after resetPeriod additions. */
  increment(hash: number): void {
    let added = false;
    for (let row = 0; row < ROWS; row++) {
      const index = this.counterIndex(hash, row);
      const word = index >>> 3;
      const shift = (index & 7) << 2;
      if (((this.words[word] >>> shift) & 15) < COUNTER_MAX) {
        this.words[word] += 1 << shift;
        added = true;
      }
    }
    if (added && ++this.additions >= this.resetPeriod) this.halve();
  }

  private halve(): void {
    const words = this.words;
    for (let index = 0; index < words.length; index++) words[index] = (words[index] >>> 1) & 0x77777777;
    this.additions = this.additions >>> 1;
    this.resets++;
  }
}
