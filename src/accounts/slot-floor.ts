// Remembers, per hash bucket, the newest slot of any account value that left the cache (evicted,
// deleted, or refused admission), so that an older write arriving later cannot bring back a value
// older than one already seen. Buckets are shared by hash, so the floor is conservative: a collision
// can only refuse a write (a later miss), never serve an older value.
import { nextPowerOfTwo } from "./address-index.ts";

export class SlotFloor {
  private readonly slots: Float64Array;
  private readonly mask: number;

  constructor(entriesMax: number) {
    const size = nextPowerOfTwo(Math.max(64, entriesMax * 2));
    this.slots = new Float64Array(size).fill(-1);
    this.mask = size - 1;
  }

  /** Newest slot that left the cache among addresses sharing `hash`'s bucket; -1 if none. */
  floorOf(hash: number): number {
    return this.slots[hash & this.mask];
  }

  raise(hash: number, slot: number): void {
    const bucket = hash & this.mask;
    if (slot > this.slots[bucket]) this.slots[bucket] = slot;
  }
}
