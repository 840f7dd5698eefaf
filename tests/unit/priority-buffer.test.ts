// The priority ingress buffer and the congestion detector: bounds always hold, pops come in priority
// order, an eviction never takes a packet of a source within its fair share while a lower one is kept,
// a flooding source only displaces its own packets, and bad input is a stable OutriderError.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { isOutriderError } from "../../src/errors.ts";
import {
  batchSizeFor,
  CONGESTION_CONGESTED,
  CONGESTION_IDLE,
  DEFAULT_CONGESTION_CONFIG,
  initialCongestionState,
  nextCongestionState,
  validateCongestionConfig,
} from "../../src/ingress/congestion.ts";
import {
  PriorityBuffer,
  PUSH_ACCEPTED,
  PUSH_REJECTED_LOWEST,
  PUSH_REJECTED_TOO_LARGE,
} from "../../src/ingress/priority-buffer.ts";
import { leaderRewardLamports, transactionPriority } from "../../src/schedule/prio-graph-cost.ts";
import {
  CONGESTION_CONFIG_INVALID,
  INGRESS_BUFFER_CONFIG_INVALID,
  INGRESS_BUFFER_ITEM_INVALID,
} from "../../src/schedule/prio-graph-errors.ts";

interface Item {
  handle: number;
  priority: number;
  bytes: number;
  source: number;
  sequence: number;
}

/** True when a ranks below b (evicted first): lower priority, or equal and newer. */
const lower = (a: Item, b: Item) =>
  a.priority < b.priority || (a.priority === b.priority && a.sequence > b.sequence);

const operation = fc.oneof(
  fc.record({
    kind: fc.constant("push" as const),
    priority: fc.integer({ min: 0, max: 20 }),
    bytes: fc.integer({ min: 1, max: 300 }),
    source: fc.integer({ min: 0, max: 5 }),
  }),
  fc.record({ kind: fc.constant("pop" as const) }),
);

describe("PriorityBuffer", () => {
  test("bounds, pop order, fair-share eviction (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 300, max: 2000 }),
        fc.array(operation, { minLength: 1, maxLength: 150 }),
        (countMax, bytesMax, operations) => {
          const buffer = new PriorityBuffer({ countMax, bytesMax });
          const held = new Map<number, Item>();
          let sequence = 0;
          let handle = 0;
          for (const op of operations) {
            if (op.kind === "pop") {
              const popped = buffer.popMax();
              if (held.size === 0) {
                expect(popped).toBe(-1);
                continue;
              }
              const item = held.get(popped)!;
              expect(item).toBeDefined();
              for (const other of held.values()) expect(lower(item, other) && other !== item).toBe(false);
              held.delete(popped);
              continue;
            }
            const item: Item = {
              handle: handle++,
              priority: op.priority,
              bytes: op.bytes,
              source: op.source,
              sequence: sequence++,
            };
            const outcome = buffer.push(item.handle, item.priority, item.bytes, item.source);
            expect(outcome === PUSH_ACCEPTED || outcome === PUSH_REJECTED_LOWEST).toBe(true);
            // Replay the evictions against the model: state before each eviction = held + newcomer − earlier victims.
            const state = new Map(held);
            state.set(item.handle, item);
            const victims = Array.from(buffer.evicted.subarray(0, buffer.evictedCount));
            const overShare = Array.from(buffer.evictedOverShare.subarray(0, buffer.evictedCount));
            if (outcome === PUSH_REJECTED_LOWEST) {
              victims.push(item.handle);
              overShare.push(buffer.lastRejectOverShare ? 1 : 0);
            }
            for (const [index, victimHandle] of victims.entries()) {
              const victim = state.get(victimHandle)!;
              expect(victim).toBeDefined();
              const sources = new Set([...state.values()].map((entry) => entry.source));
              const share = Math.max(1, Math.floor(countMax / sources.size));
              const ofSource = (source: number) =>
                [...state.values()].filter((entry) => entry.source === source);
              // The reason: over share only with another source present and this one above its share.
              if (overShare[index] === 1) {
                expect(sources.size).toBeGreaterThan(1);
                expect(ofSource(victim.source).length).toBeGreaterThan(share);
              } else for (const other of state.values()) expect(lower(other, victim)).toBe(false);
              // Never a source's packet while a lower one of the same source is kept.
              for (const other of ofSource(victim.source)) expect(lower(other, victim)).toBe(false);
              // A packet of a source within its fair share goes only if it is the lowest overall.
              if (ofSource(victim.source).length <= share)
                for (const other of state.values()) expect(lower(other, victim)).toBe(false);
              state.delete(victimHandle);
            }
            held.clear();
            for (const [key, value] of state) held.set(key, value);
            // Bounds.
            expect(buffer.count).toBe(held.size);
            expect(buffer.count).toBeLessThanOrEqual(countMax);
            const bytes = [...held.values()].reduce((sum, entry) => sum + entry.bytes, 0);
            expect(buffer.bytesHeld).toBe(bytes);
            expect(bytes).toBeLessThanOrEqual(bytesMax);
          }
          // Drain: strictly in priority order.
          let previous: Item | undefined;
          for (let popped = buffer.popMax(); popped >= 0; popped = buffer.popMax()) {
            const item = held.get(popped)!;
            if (previous) expect(lower(previous, item)).toBe(false);
            previous = item;
            held.delete(popped);
          }
          expect(held.size).toBe(0);
          expect(buffer.activeSources).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("a flooding source only displaces its own packets", () => {
    const buffer = new PriorityBuffer({ countMax: 100, bytesMax: 1 << 20 });
    for (let source = 1; source <= 4; source++)
      for (let index = 0; index < 10; index++) buffer.push(source * 1000 + index, 5, 100, source);
    // Source 99 floods with higher priority: the 40 packets of the others (within share) stay.
    for (let index = 0; index < 1000; index++) buffer.push(99_000 + index, 50 + (index % 7), 100, 99);
    expect(buffer.count).toBe(100);
    for (let source = 1; source <= 4; source++) expect(buffer.countOf(source)).toBe(10);
    expect(buffer.countOf(99)).toBe(60);
  });

  test("when full, the lowest goes (the newcomer if it is lowest), not the newest", () => {
    const buffer = new PriorityBuffer({ countMax: 2, bytesMax: 10_000 });
    expect(buffer.push(1, 10, 100, 1)).toBe(PUSH_ACCEPTED);
    expect(buffer.push(2, 30, 100, 2)).toBe(PUSH_ACCEPTED);
    expect(buffer.push(3, 20, 100, 3)).toBe(PUSH_ACCEPTED);
    expect(Array.from(buffer.evicted.subarray(0, buffer.evictedCount))).toEqual([1]);
    expect(buffer.push(4, 5, 100, 4)).toBe(PUSH_REJECTED_LOWEST);
    expect(buffer.push(5, 1, 20_000, 4)).toBe(PUSH_REJECTED_TOO_LARGE);
    expect([buffer.popMax(), buffer.popMax(), buffer.popMax()]).toEqual([2, 3, -1]);
  });

  test("the byte bound evicts as many as needed", () => {
    const buffer = new PriorityBuffer({ countMax: 10, bytesMax: 1000 });
    for (let index = 0; index < 4; index++) buffer.push(index, index, 250, index);
    expect(buffer.push(9, 100, 600, 9)).toBe(PUSH_ACCEPTED);
    expect(Array.from(buffer.evicted.subarray(0, buffer.evictedCount))).toEqual([0, 1, 2]);
    expect(buffer.bytesHeld).toBe(850);
  });

  test("bad configuration and bad items are OutriderErrors with stable codes", () => {
    const codeOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return isOutriderError(error) ? error.code : -1;
      }
      return 0;
    };
    expect(codeOf(() => new PriorityBuffer({ countMax: 0, bytesMax: 10 }))).toBe(
      INGRESS_BUFFER_CONFIG_INVALID,
    );
    const buffer = new PriorityBuffer({ countMax: 4, bytesMax: 100 });
    expect(codeOf(() => buffer.push(1, Number.NaN, 10, 1))).toBe(INGRESS_BUFFER_ITEM_INVALID);
    expect(codeOf(() => buffer.push(-1, 1, 10, 1))).toBe(INGRESS_BUFFER_ITEM_INVALID);
    expect(codeOf(() => buffer.push(1, 1, 0, 1))).toBe(INGRESS_BUFFER_ITEM_INVALID);
    expect(codeOf(() => buffer.push(1, 1, 10, 2 ** 32))).toBe(INGRESS_BUFFER_ITEM_INVALID);
  });
});

describe("Agave priority", () => {
  test("reward keeps the priority fee and half the signature fee; priority = reward × 1e6 / (cost + 1)", () => {
    expect(leaderRewardLamports(5_000, 10_000)).toBe(12_500);
    expect(leaderRewardLamports(0, 10_000)).toBe(0);
    expect(transactionPriority(12_500, 100_000)).toBe(Math.floor((12_500 * 1e6) / 100_001));
  });
});

describe("congestion detector", () => {
  const config = validateCongestionConfig({ ...DEFAULT_CONGESTION_CONFIG });
  const sample = (depth: number, arrivals: number, departures: number, drops: number, ringFreeShare = 1) => ({
    queueDepth: depth,
    queueDepthMax: 1000,
    arrivals,
    departures,
    drops,
    ringFreeShare,
  });

  test("idle hands off at once; sustained growth, drops or back-pressure mean big batches", () => {
    let state = initialCongestionState();
    state = nextCongestionState(state, sample(0, 3, 3, 0), config, state);
    expect(state.state).toBe(CONGESTION_IDLE);
    expect(batchSizeFor(state, config)).toBe(1);
    for (let tick = 0; tick < 20; tick++)
      state = nextCongestionState(state, sample(100, 200, 100, 0), config, state);
    expect(state.state).toBe(CONGESTION_CONGESTED);
    expect(batchSizeFor(state, config)).toBe(64);
    const drops = nextCongestionState(
      initialCongestionState(),
      sample(10, 100, 100, 50),
      config,
      initialCongestionState(),
    );
    expect(drops.score).toBeGreaterThan(0.2);
    const ring = nextCongestionState(
      initialCongestionState(),
      sample(10, 5, 5, 0, 0),
      config,
      initialCongestionState(),
    );
    expect(ring.state).toBe(CONGESTION_CONGESTED);
  });

  test("score in [0, 1], batch size within bounds and monotone in the score (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            depth: fc.integer({ min: 0, max: 1000 }),
            arrivals: fc.integer({ min: 0, max: 500 }),
            departures: fc.integer({ min: 0, max: 500 }),
            drops: fc.integer({ min: 0, max: 500 }),
            free: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
          { minLength: 1, maxLength: 50 },
        ),
        (ticks) => {
          let state = initialCongestionState();
          for (const tick of ticks) {
            state = nextCongestionState(
              state,
              sample(
                tick.depth,
                tick.arrivals,
                tick.departures,
                Math.min(tick.drops, tick.arrivals),
                tick.free,
              ),
              config,
              state,
            );
            expect(state.score).toBeGreaterThanOrEqual(0);
            expect(state.score).toBeLessThanOrEqual(1);
            const size = batchSizeFor(state, config);
            expect(size).toBeGreaterThanOrEqual(1);
            expect(size).toBeLessThanOrEqual(64);
          }
        },
      ),
      { numRuns: 200 },
    );
    const normal = (score: number) =>
      batchSizeFor({ growthShareEwma: 0, dropRateEwma: 0, score, state: 1 }, config);
    for (let score = 0; score < 0.6; score += 0.05)
      expect(normal(score + 0.05)).toBeGreaterThanOrEqual(normal(score));
  });

  test("bad configuration is refused", () => {
    try {
      validateCongestionConfig({ ...DEFAULT_CONGESTION_CONFIG, congestedExit: 0.9 });
      throw new Error("accepted");
    } catch (error) {
      expect(isOutriderError(error, CONGESTION_CONFIG_INVALID)).toBe(true);
    }
  });
});
