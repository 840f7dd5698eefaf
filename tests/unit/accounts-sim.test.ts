// Cache simulation: Bélády on a hand-worked trace, LRU against a tiny reference LRU, W-TinyLFU against
// LRU on seeded Zipf / loop / scan traces, the trace format and its errors, `cache sim` run(), the
// trace recorder, and the trading trace generator. All deterministic; no timing.
import { afterEach, describe, expect, spyOn, test } from "bun:test";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import {
  type AccessTrace,
  formatAccessTrace,
  parseAccessTrace,
  readAccessTrace,
  syntheticAccessTrace,
} from "../../src/accounts/access-trace.ts";
import { ACCOUNT_ENTRY_OVERHEAD_BYTES } from "../../src/accounts/account-cache.ts";
import {
  simulateCachePolicies,
  simulateLru,
  simulateOptimal,
  simulateOutrider,
} from "../../src/accounts/cache-simulation.ts";
import { ACCOUNT_ERRORS } from "../../src/accounts/errors.ts";
import { type SeededRandom, ZipfSampler } from "../../src/accounts/seeded-random.ts";
import { TraceRecorder } from "../../src/accounts/trace-recorder.ts";
import { generateTradingTrace } from "../../src/accounts/trading-trace.ts";
import { parseCapacity, run } from "../../src/cli/commands/cache-sim.ts";
import { isOutriderError } from "../../src/errors.ts";

const FIXTURES = resolve(import.meta.dir, "../fixtures/traces");

/** syntheticAccessTrace with the picker before the access count, as these tests read best. */
function syntheticTrace(
  accounts: number,
  seed: number,
  pick: (index: number, random: SeededRandom) => number,
  accesses: number,
  sizeOf?: (id: number) => number,
): AccessTrace {
  return syntheticAccessTrace(accounts, seed, accesses, pick, sizeOf);
}

/** The obvious LRU: a Map in recency order. Weight per access; evict oldest until the newcomer fits. */
function referenceLruHits(
  trace: AccessTrace,
  capacityWeight: number,
  weightOf: (index: number) => number,
): number {
  const held = new Map<number, number>();
  let used = 0;
  let hits = 0;
  for (let index = 0; index < trace.accesses; index++) {
    const id = trace.accountIds[index];
    const weight = held.get(id);
    if (weight !== undefined) {
      hits++;
      held.delete(id);
      held.set(id, weight);
      continue;
    }
    const newWeight = weightOf(index);
    if (newWeight > capacityWeight) continue;
    while (used + newWeight > capacityWeight) {
      const [oldest, oldestWeight] = held.entries().next().value!;
      held.delete(oldest);
      used -= oldestWeight;
    }
    held.set(id, newWeight);
    used += newWeight;
  }
  return hits;
}

describe("optimal", () => {
  test("hand-worked trace: Bélády with bypass gets 4 of 9, LRU 0", async () => {
    const trace = await readAccessTrace(resolve(FIXTURES, "belady-hand.txt"));
    expect(trace.accesses).toBe(9);
    expect(trace.distinctAccounts).toBe(4);
    const result = simulateCachePolicies(trace, { unit: "entries", value: 2 });
    expect(result.hits.optimal).toBe(4);
    expect(result.hits.lru).toBe(0);
    expect(result.policies.optimal).toBeCloseTo(4 / 9, 5);
  });

  test("optimal is never below LRU or outrider with an entry bound", () => {
    for (const seed of [1, 2, 3]) {
      const zipf = new ZipfSampler(300, 0.8);
      const trace = syntheticTrace(300, seed, (_, random) => zipf.sample(random), 5000);
      const result = simulateCachePolicies(trace, { unit: "entries", value: 40 });
      expect(result.hits.optimal).toBeGreaterThanOrEqual(result.hits.lru);
      expect(result.hits.optimal).toBeGreaterThanOrEqual(result.hits.outrider);
    }
  });

  test("byte capacity: a large newcomer displaces several farther entries", () => {
    // ids 0,1 small (100 B), id 2 large (900 B); capacity fits both small or the large one only.
    const sizes = [100, 100, 900];
    const order = [0, 1, 2, 2, 2, 0, 1];
    const trace = syntheticTrace(
      3,
      1,
      (index) => order[index],
      order.length,
      (id) => sizes[id],
    );
    const capacity = 900 + ACCOUNT_ENTRY_OVERHEAD_BYTES;
    // 0,1 miss; 2 misses and evicts 0 and 1 (both used later than 2's next use); 2,2 hit; 0,1 miss.
    expect(simulateOptimal(trace, { unit: "bytes", value: capacity })).toBe(2);
  });
});

describe("lru", () => {
  test("lru-cache agrees with a tiny reference LRU (entries and bytes)", () => {
    const zipf = new ZipfSampler(500, 0.7);
    const trace = syntheticTrace(
      500,
      9,
      (_, random) => zipf.sample(random),
      20_000,
      (id) => (id * 7919) % 5000,
    );
    const entryWeight = () => 1;
    expect(simulateLru(trace, { unit: "entries", value: 64 })).toBe(referenceLruHits(trace, 64, entryWeight));
    const byteWeight = (index: number) => trace.dataBytes[index] + ACCOUNT_ENTRY_OVERHEAD_BYTES;
    expect(simulateLru(trace, { unit: "bytes", value: 100_000 })).toBe(
      referenceLruHits(trace, 100_000, byteWeight),
    );
  });
});

describe("outrider policy vs LRU", () => {
  test("beats LRU clearly on a frequency-skewed (Zipf 0.9) trace", () => {
    const zipf = new ZipfSampler(20_000, 0.9);
    const trace = syntheticTrace(20_000, 1, (_, random) => zipf.sample(random), 100_000);
    const result = simulateCachePolicies(trace, { unit: "entries", value: 500 });
    expect(result.policies.outrider).toBeGreaterThan(result.policies.lru + 0.05);
  });

  test("not worse than LRU by more than 2 points on a loop larger than the cache", () => {
    const trace = syntheticTrace(1200, 2, (index) => index % 1200, 60_000);
    const result = simulateCachePolicies(trace, { unit: "entries", value: 1000 });
    expect(result.policies.outrider).toBeGreaterThanOrEqual(result.policies.lru - 0.02);
  });

  test("not worse than LRU by more than 2 points on a hot set with periodic scans", () => {
    const zipf = new ZipfSampler(400, 1.0);
    // Every 5000 accesses, a scan of 2000 one-off accounts (ids 400…) sweeps through.
    let scanNext = 400;
    const trace = syntheticTrace(
      400 + 20 * 2000,
      3,
      (index, random) => (index % 7000 >= 5000 ? scanNext++ : zipf.sample(random)),
      140_000,
    );
    const result = simulateCachePolicies(trace, { unit: "entries", value: 300 });
    expect(result.policies.outrider).toBeGreaterThanOrEqual(result.policies.lru - 0.02);
  });

  test("byte-bounded Zipf with mixed sizes: above LRU", () => {
    const zipf = new ZipfSampler(5000, 0.9);
    const trace = syntheticTrace(
      5000,
      4,
      (_, random) => zipf.sample(random),
      60_000,
      (id) => [165, 840, 3312, 90_000][id % 4],
    );
    const result = simulateCachePolicies(trace, { unit: "bytes", value: 4 << 20 });
    expect(result.policies.outrider).toBeGreaterThan(result.policies.lru);
    // With a byte bound the greedy Bélády is a heuristic, not an upper bound: the size-aware admission
    // (frequency per byte) can and here does beat it; only the entry-bound tests compare against it.
    expect(result.policies.optimal).toBeGreaterThan(result.policies.lru);
  });
});

// Recency-heavy traces (the hot set keeps moving): the window must grow until the policy is near LRU.
// The same traces as bench/account-cache-recency.bench.ts; with a fixed 1 % window these lose 17–51 points.
describe("outrider policy vs LRU when recency wins", () => {
  function expectNearLru(trace: AccessTrace, capacity: { unit: "entries" | "bytes"; value: number }) {
    const outrider = simulateOutrider(trace, capacity);
    const lru = simulateLru(trace, capacity);
    expect(outrider.hits / trace.accesses).toBeGreaterThanOrEqual(lru / trace.accesses - 0.05);
    expect(outrider.windowFraction).toBeGreaterThan(0.5);
  }

  test("a working set that shifts wholesale: within 5 points of LRU, window grown", () => {
    const trace = syntheticTrace(
      40_000,
      4,
      (index, random) => Math.floor(index / 20_000) * 2000 + random.below(2000),
      400_000,
    );
    expectNearLru(trace, { unit: "entries", value: 1500 });
  });

  test("byte-bounded shifting sets of mixed sizes: within 5 points of LRU", () => {
    const trace = syntheticTrace(
      30_000,
      6,
      (index, random) => Math.floor(index / 30_000) * 3000 + random.below(3000),
      300_000,
      (id) => [165, 3228, 840][id % 3],
    );
    expectNearLru(trace, { unit: "bytes", value: 3 << 20 });
  });

  test("a recency stack (30 % new accounts, re-reads biased to the newest): within 5 points of LRU", () => {
    let next = 0;
    const recent: number[] = [];
    const trace = syntheticTrace(
      300_000,
      5,
      (_index, random) => {
        if (recent.length < 10 || random.next() < 0.3) {
          recent.push(next);
          if (recent.length > 2000) recent.shift();
          return next++;
        }
        return recent[recent.length - 1 - Math.floor(random.next() ** 2 * recent.length)];
      },
      300_000,
    );
    expectNearLru(trace, { unit: "entries", value: 1000 });
    expectNearLru(trace, { unit: "entries", value: 300 });
  });
});

describe("trace format", () => {
  test("format → parse round trip keeps accounts, order and sizes", () => {
    const trace = generateTradingTrace({ seed: 3, trades: 200, users: 50, coldAccounts: 100 });
    const parsed = parseAccessTrace(formatAccessTrace(trace));
    expect(parsed.accesses).toBe(trace.accesses);
    expect(Array.from(parsed.dataBytes)).toEqual(Array.from(trace.dataBytes));
    for (let index = 0; index < trace.accesses; index++) {
      const original = trace.addresses.subarray(
        trace.accountIds[index] * 32,
        trace.accountIds[index] * 32 + 32,
      );
      const back = parsed.addresses.subarray(
        parsed.accountIds[index] * 32,
        parsed.accountIds[index] * 32 + 32,
      );
      expect(back).toEqual(original);
    }
  });

  test.each([
    ["not base58: 0OIl", "11111111111111111111111111111111\n0OIl\n", 2],
    ["too short", "# c\n\n1111\n", 3],
    ["bad size", "11111111111111111111111111111111 12x\n", 1],
    ["size too large", "11111111111111111111111111111111 10485761\n", 1],
    ["extra token", "11111111111111111111111111111111 12 13\n", 1],
  ])("bad line (%s) names its line number", (_name, text, line) => {
    try {
      parseAccessTrace(text, "t.txt");
      throw new Error("expected an error");
    } catch (error) {
      expect(isOutriderError(error, ACCOUNT_ERRORS.TRACE_BAD_LINE)).toBe(true);
      expect((error as Error).message).toStartWith(`t.txt:${line}: `);
    }
  });

  test("CRLF, tabs and comments are accepted", () => {
    const trace = parseAccessTrace(
      "# x\r\n11111111111111111111111111111111\t165\r\n\r\n  11111111111111111111111111111111  \n",
    );
    expect(trace.accesses).toBe(2);
    expect(trace.distinctAccounts).toBe(1);
    expect(Array.from(trace.dataBytes)).toEqual([165, 0]);
  });
});

describe("outrider cache sim", () => {
  const printed: string[] = [];
  const errors: string[] = [];
  afterEach(() => {
    printed.length = 0;
    errors.length = 0;
  });
  function capture(): () => void {
    const log = spyOn(console, "log").mockImplementation(
      (...args: unknown[]) => void printed.push(args.join(" ")),
    );
    const error = spyOn(console, "error").mockImplementation(
      (...args: unknown[]) => void errors.push(args.join(" ")),
    );
    return () => {
      log.mockRestore();
      error.mockRestore();
    };
  }

  test("prints the JSON result for the hand-worked trace", async () => {
    const restore = capture();
    const code = await run(["--trace", resolve(FIXTURES, "belady-hand.txt"), "--capacity", "2"]);
    restore();
    expect(code).toBe(0);
    const result = JSON.parse(printed[0]);
    expect(result).toMatchObject({
      accesses: 9,
      capacity: 2,
      capacityUnit: "entries",
      hits: { optimal: 4, lru: 0 },
    });
    // Worked by hand in the fixture's header: Bélády with bypass hits 4 of 9 accesses.
    expect(result.policies.optimal).toBe(0.444444);
    expect(result.policies.lru).toBe(0);
    expect(Object.keys(result.policies).sort()).toEqual(["lru", "optimal", "outrider"]);
  });

  test("a bad line is exit 2 with the line number", async () => {
    const restore = capture();
    const code = await run(["--trace", resolve(FIXTURES, "bad-line.txt"), "--capacity", "1MB"]);
    restore();
    expect(code).toBe(2);
    expect(errors.join("\n")).toContain("bad-line.txt:3:");
  });

  test("a missing file is exit 2; bad --capacity is a usage error", async () => {
    const restore = capture();
    const code = await run(["--trace", "/tmp/acache-no-such-file.txt", "--capacity", "10"]);
    restore();
    expect(code).toBe(2);
    for (const bad of ["", "0", "10XB", "-5", "1.5MB"]) {
      expect(() => parseCapacity(bad)).toThrow();
    }
    expect(parseCapacity("10")).toEqual({ unit: "entries", value: 10 });
    expect(parseCapacity("64KB")).toEqual({ unit: "bytes", value: 65536 });
    expect(parseCapacity("2mb")).toEqual({ unit: "bytes", value: 2 << 20 });
    await expect(run(["--capacity", "10"])).rejects.toThrow("--trace");
  });
});

describe("TraceRecorder", () => {
  const path = "/tmp/acache-recorder-test.txt";
  afterEach(() => rmSync(path, { force: true }));

  test("writes a replayable file and stops at its bound", async () => {
    const recorder = new TraceRecorder(path, { accessesMax: 3 });
    const address = new Uint8Array(40).fill(9);
    expect(recorder.record(address, 0, 165)).toBe(true);
    expect(recorder.record(address, 8, 0)).toBe(true);
    expect(recorder.record(new Uint8Array(32), 0, 7)).toBe(true);
    expect(recorder.record(address, 0, 1)).toBe(false);
    expect(recorder.dropped).toBe(1);
    await recorder.close();
    const trace = await readAccessTrace(path);
    expect(trace.accesses).toBe(3);
    expect(trace.distinctAccounts).toBe(2);
    expect(Array.from(trace.dataBytes)).toEqual([165, 0, 7]);
    expect(() => recorder.record(address, 0, 1)).toThrow("closed");
  });
});

describe("trading trace", () => {
  test("deterministic by seed, different across seeds", () => {
    const a = generateTradingTrace({ seed: 42, trades: 2000 });
    const b = generateTradingTrace({ seed: 42, trades: 2000 });
    const c = generateTradingTrace({ seed: 43, trades: 2000 });
    expect(a.accountIds).toEqual(b.accountIds);
    expect(a.addresses).toEqual(b.addresses);
    expect(a.addresses).not.toEqual(c.addresses);
  });

  test("at 64 MB outrider is above LRU and optimal is above both", () => {
    const trace = generateTradingTrace({ seed: 7, trades: 60_000 });
    const result = simulateCachePolicies(trace, { unit: "bytes", value: 64 << 20 });
    expect(result.policies.outrider).toBeGreaterThan(result.policies.lru);
    expect(result.policies.optimal).toBeGreaterThan(result.policies.outrider);
  });
});
