// CLOCK (second-chance) replacement inside the sets of a set-associative cache: one
// reference bit per entry and one hand per set, in preallocated typed arrays. Shared by
// the signature-verification cache and the template cache.
import { OutriderError } from "../errors.ts";

/**
 * Sets of a set-associative cache asked to hold `requested` entries (rounded down to whole sets):
 * throws OutriderError `code` (named `codeName`) unless `requested` is an integer in [min, max].
 */
export function setCountFor(
  what: string,
  requested: number,
  bounds: { min: number; max: number; ways: number },
  code: number,
  codeName: string,
): number {
  if (!Number.isInteger(requested) || requested < bounds.min || requested > bounds.max) {
    throw new OutriderError(
      code,
      codeName,
      `${what} entriesMax must be an integer in [${bounds.min}, ${bounds.max}], got ${requested}`,
      { entriesMax: requested },
    );
  }
  return Math.floor(requested / bounds.ways);
}

export class SetClock {
  readonly ways: number;
  private readonly referenced: Uint8Array;
  private readonly hands: Uint8Array;

  constructor(setCount: number, ways: number) {
    if (!(Number.isInteger(ways) && ways >= 1 && ways <= 255))
      throw new RangeError(`ways must be 1..255, got ${ways}`);
    this.ways = ways;
    this.referenced = new Uint8Array(setCount * ways);
    this.hands = new Uint8Array(setCount);
  }

  get bytes(): number {
    return this.referenced.byteLength + this.hands.byteLength;
  }

  /** A hit: the entry gets a second chance. */
  touch(entry: number): void {
    this.referenced[entry] = 1;
  }

  /** A new or replaced entry starts unreferenced: seen once, it is the first to go. */
  reset(entry: number): void {
    this.referenced[entry] = 0;
  }

  /** The entry to replace in the full set starting at `base`, clearing reference bits from the hand on. */
  victim(base: number): number {
    const ways = this.ways;
    const set = base / ways;
    let hand = this.hands[set];
    // At most one full turn clears every bit, so the second turn always finds a victim.
    for (let step = 0; step < 2 * ways; step++) {
      const entry = base + hand;
      hand = (hand + 1) % ways;
      if (this.referenced[entry] === 0) {
        this.hands[set] = hand;
        return entry;
      }
      this.referenced[entry] = 0;
    }
    this.hands[set] = hand;
    return base + hand;
  }

  clear(): void {
    this.referenced.fill(0);
    this.hands.fill(0);
  }
}
