// Slot lengths of the embedded bank's clock. "steady": every slot lasts slot_ms. "adverse" (for
// `outrider simulate --scenario slot-drift`): a seeded sequence of slots that run late (1.5–3×),
// end early (0.2–0.6×), or are skipped (no time at all: the next slot starts at once), as a leader
// schedule with late, early and missing leaders looks from inside; the rest last slot_ms.

export type SlotTiming = "steady" | "adverse";

export const ADVERSE_SLOT_SHARES = { late: 0.2, early: 0.15, skipped: 0.1 } as const;

/** Length in ms of each next slot (0 = skipped), from a small seeded generator (mulberry32). */
export function slotLengths(timing: SlotTiming, slotMs: number, seed: number): () => number {
  if (timing === "steady") return () => slotMs;
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    const draw = random();
    const scale = random();
    if (draw < ADVERSE_SLOT_SHARES.late) return Math.round(slotMs * (1.5 + 1.5 * scale));
    if (draw < ADVERSE_SLOT_SHARES.late + ADVERSE_SLOT_SHARES.early)
      return Math.round(slotMs * (0.2 + 0.4 * scale));
    if (draw < ADVERSE_SLOT_SHARES.late + ADVERSE_SLOT_SHARES.early + ADVERSE_SLOT_SHARES.skipped) return 0;
    return slotMs;
  };
}
