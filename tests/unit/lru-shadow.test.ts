// The sampled shadow LRU the window adaptation compares against: tracking every address it is exactly
// an LRU (entries and bytes, against a Map-in-recency-order reference, fast-check); sampling 1 in 2^k
// addresses of a large cache it estimates the full LRU's hit ratio within a few points.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { LruShadow, SHADOW_ENTRIES_TARGET } from "../../src/accounts/lru-shadow.ts";
import { SeededRandom } from "../../src/accounts/seeded-random.ts";

/** Map-in-recency-order LRU bounded by bytes and entries; returns hits. */
function referenceLruHits(keys: number[], weights: number[], bytesMax: number, entriesMax: number): number {
  const held = new Map<number, number>();
  let used = 0;
  let hits = 0;
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index];
    const weight = held.get(key);
    if (weight !== undefined) {
      hits++;
      held.delete(key);
      held.set(key, weight);
      continue;
    }
    if (weights[index] > bytesMax) continue;
    held.set(key, weights[index]);
    used += weights[index];
    while (used > bytesMax || held.size > entriesMax) {
      const [oldest, oldestWeight] = held.entries().next().value!;
      held.delete(oldest);
      used -= oldestWeight;
    }
  }
  return hits;
}

/** Replays keys through the shadow as the cache feeds it: a read, then a fill on a miss. */
function shadowHits(shadow: LruShadow, keys: number[], weights: number[]): number {
  let hits = 0;
  for (let index = 0; index < keys.length; index++) {
    if (!shadow.tracks(keys[index])) continue;
    const before = shadow.hits;
    shadow.access(keys[index], 0);
    if (shadow.hits > before) hits++;
    else shadow.insert(keys[index], weights[index]);
  }
  return hits;
}

describe("LruShadow", () => {
  test("tracking every address (a small cache) it is exactly an LRU, by entries and by bytes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 24 }), fc.integer({ min: 1, max: 900 })), {
          minLength: 50,
          maxLength: 600,
        }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 8_000 }),
        (accesses, entriesMax, bytesMax) => {
          // Each key keeps one weight (as an account's size between two reads, here fixed).
          const keys = accesses.map(([key]) => (key * 0x9e3779b1) | 0);
          const weights = accesses.map(([key]) => 1 + ((key * 37) % 900));
          const shadow = new LruShadow(bytesMax, entriesMax);
          shadow.start(entriesMax);
          const hits = shadowHits(shadow, keys, weights);
          expect(hits).toBe(referenceLruHits(keys, weights, bytesMax, entriesMax));
          expect(shadow.accesses).toBe(keys.length);
          expect(shadow.takeSample()).toBe(keys.length === 0 ? Number.NaN : hits / keys.length);
          expect(shadow.accesses).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("sampling a large cache, it estimates the full LRU's hit ratio within 3 points", () => {
    // 200,000 accounts, Zipf-like reuse through a recency stack; cache of 40,000 entries: 1 in 2^k sampled.
    const random = new SeededRandom(11);
    const keys: number[] = [];
    const recent: number[] = [];
    let next = 1;
    for (let index = 0; index < 400_000; index++) {
      if (recent.length < 100 || random.next() < 0.2) {
        const key = Math.imul(next++, 0x9e3779b1) | 0;
        recent.push(key);
        if (recent.length > 80_000) recent.shift();
        keys.push(key);
      } else keys.push(recent[recent.length - 1 - Math.floor(random.next() ** 3 * recent.length)]);
    }
    const weights = keys.map(() => 128);
    const entriesMax = 40_000;
    const shadow = new LruShadow(entriesMax * 128, entriesMax);
    shadow.start(entriesMax);
    expect(entriesMax / 16).toBeGreaterThanOrEqual(SHADOW_ENTRIES_TARGET);
    let tracked = 0;
    for (const key of keys) if (shadow.tracks(key)) tracked++;
    expect(tracked).toBeLessThan(keys.length / 8);
    const estimate = shadowHits(shadow, keys, weights) / tracked;
    const truth = referenceLruHits(keys, weights, entriesMax * 128, entriesMax) / keys.length;
    expect(Math.abs(estimate - truth)).toBeLessThan(0.03);
  });

  test("start() forgets what was tracked and a lower byte bound evicts at once", () => {
    const shadow = new LruShadow(1000, 10);
    shadow.start(10);
    for (let key = 1; key <= 5; key++) shadow.insert(key, 100);
    shadow.access(1, 0);
    expect(shadow.hits).toBe(1);
    shadow.setCapacityBytes(200);
    shadow.access(1, 0); // 1 was just used: kept
    shadow.access(2, 0); // among the oldest: gone
    expect(shadow.hits).toBe(2);
    shadow.start(10);
    shadow.access(1, 0);
    expect(shadow.hits).toBe(0);
    expect(shadow.accesses).toBe(1);
  });
});
