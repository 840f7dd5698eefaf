// Pushing entries wider than tryPush's four words (outcomes, execution responses):
// reserve one entry, write its words, publish. No allocation.
import type { SpscRing } from "../ring/spsc-ring.ts";

/** Pushes one entry of up to six words; false when the ring is full (nothing written). */
export function tryPush6(
  ring: SpscRing,
  w0: number,
  w1: number,
  w2: number,
  w3: number,
  w4: number,
  w5: number,
) {
  if (ring.reserve(1) < 1) return false;
  ring.writeWord(0, 0, w0);
  const words = ring.wordsPerEntry;
  if (words > 1) ring.writeWord(0, 1, w1);
  if (words > 2) ring.writeWord(0, 2, w2);
  if (words > 3) ring.writeWord(0, 3, w3);
  if (words > 4) ring.writeWord(0, 4, w4);
  if (words > 5) ring.writeWord(0, 5, w5);
  ring.publish(1);
  return true;
}
