// The bank's window of recent blockhashes: one per slot, valid for maxAgeSlots slots after the slot that
// made it (MAX_PROCESSING_AGE = 150 on mainnet), so lastValidBlockHeight = height(slot) + maxAgeSlots.
// Bounded: holds at most maxAgeSlots + 1 entries.

export const MAX_PROCESSING_AGE_SLOTS = 150;

export class BlockhashWindow {
  readonly maxAgeSlots: number;
  private readonly slotByBlockhash = new Map<string, number>();
  private readonly blockhashBySlot = new Map<number, string>();

  constructor(maxAgeSlots: number = MAX_PROCESSING_AGE_SLOTS) {
    this.maxAgeSlots = maxAgeSlots;
  }

  /** Registers the blockhash of `slot` and forgets those older than the window. */
  push(slot: number, blockhash: string): void {
    this.slotByBlockhash.set(blockhash, slot);
    this.blockhashBySlot.set(slot, blockhash);
    const oldestKeptSlot = slot - this.maxAgeSlots;
    for (const [oldSlot, oldHash] of this.blockhashBySlot) {
      if (oldSlot >= oldestKeptSlot) break;
      this.blockhashBySlot.delete(oldSlot);
      this.slotByBlockhash.delete(oldHash);
    }
  }

  /** Slot that produced the blockhash, if it is still usable at `currentSlot`. */
  slotOf(blockhash: string, currentSlot: number): number | null {
    const slot = this.slotByBlockhash.get(blockhash);
    if (slot === undefined || currentSlot - slot > this.maxAgeSlots) return null;
    return slot;
  }

  blockhashAt(slot: number): string | null {
    return this.blockhashBySlot.get(slot) ?? null;
  }

  /** Newest blockhash made at or before `slot`. */
  newestAtOrBefore(slot: number): { slot: number; blockhash: string } | null {
    for (let candidate = slot; candidate >= slot - this.maxAgeSlots; candidate--) {
      const blockhash = this.blockhashBySlot.get(candidate);
      if (blockhash !== undefined) return { slot: candidate, blockhash };
    }
    return null;
  }

  /** Every blockhash held, oldest first. */
  entries(): { slot: number; blockhash: string }[] {
    return [...this.blockhashBySlot].map(([slot, blockhash]) => ({ slot, blockhash }));
  }

  get size(): number {
    return this.blockhashBySlot.size;
  }
}
