// Account cache: API and errors, byte/entry bounds, live capacity, and the slot coherency rule as
// fast-check properties over interleaved, reordered and duplicated writes.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  ACCOUNT_ENTRY_OVERHEAD_BYTES,
  AccountCache,
  PUT_ABSENT,
  PUT_INSERTED,
  PUT_REJECTED,
  PUT_STALE,
  PUT_UPDATED,
} from "../../src/accounts/account-cache.ts";
import { AddressIndex } from "../../src/accounts/address-index.ts";
import { ACCOUNT_ERRORS } from "../../src/accounts/errors.ts";
import { expectCode } from "../helpers/expect-code.ts";

function address(id: number): Uint8Array {
  const bytes = new Uint8Array(32);
  bytes[0] = id & 255;
  bytes[1] = id >>> 8;
  bytes[31] = 7;
  return bytes;
}

describe("AccountCache basics", () => {
  test("put then get returns the value and its slot; misses are undefined", () => {
    const cache = new AccountCache<string>({ capacityBytes: 1 << 20, entriesMax: 16, seed: 1 });
    expect(cache.get(address(1))).toBeUndefined();
    expect(cache.put(address(1), 0, "v1", 10, 165)).toBe(PUT_INSERTED);
    expect(cache.get(address(1))).toBe("v1");
    expect(cache.lastSlot).toBe(10);
    expect(cache.weightBytes).toBe(165 + ACCOUNT_ENTRY_OVERHEAD_BYTES);
    expect(cache.get(address(2))).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2, entries: 1 });
  });

  test("addresses at an offset inside a larger buffer", () => {
    const cache = new AccountCache<number>({ capacityBytes: 1 << 20, entriesMax: 16, seed: 1 });
    const arena = new Uint8Array(96);
    arena.set(address(5), 40);
    cache.put(arena, 40, 5, 1, 0);
    expect(cache.get(address(5))).toBe(5);
    expect(cache.get(arena, 40)).toBe(5);
  });

  test("older writes are ignored and counted; same-slot writes replace", () => {
    const cache = new AccountCache<string>({ capacityBytes: 1 << 20, entriesMax: 16, seed: 1 });
    cache.put(address(1), 0, "new", 20, 10);
    expect(cache.put(address(1), 0, "old", 19, 10)).toBe(PUT_STALE);
    expect(cache.get(address(1))).toBe("new");
    expect(cache.put(address(1), 0, "same-slot", 20, 10)).toBe(PUT_UPDATED);
    expect(cache.get(address(1))).toBe("same-slot");
    expect(cache.staleWritesIgnored).toBe(1);
  });

  test("minSlot: a value older than asked for is a miss, counted as a stale read", () => {
    const cache = new AccountCache<string>({ capacityBytes: 1 << 20, entriesMax: 16, seed: 1 });
    cache.put(address(1), 0, "v", 100, 10);
    expect(cache.get(address(1), 0, 100)).toBe("v");
    expect(cache.get(address(1), 0, 101)).toBeUndefined();
    expect(cache.staleReads).toBe(1);
  });

  test("an evicted account's older write cannot come back", () => {
    const cache = new AccountCache<string>({ capacityBytes: 1 << 20, entriesMax: 16, seed: 1 });
    cache.put(address(1), 0, "v50", 50, 10);
    expect(cache.delete(address(1), 0, 50)).toBe(true);
    expect(cache.put(address(1), 0, "v40", 40, 10)).toBe(PUT_STALE);
    expect(cache.get(address(1))).toBeUndefined();
    expect(cache.put(address(1), 0, "v51", 51, 10)).toBe(PUT_INSERTED);
    expect(cache.get(address(1))).toBe("v51");
  });

  test("an account larger than the capacity is refused, and still fences older writes", () => {
    const cache = new AccountCache<string>({ capacityBytes: 10_000, entriesMax: 16, seed: 1 });
    expect(cache.put(address(1), 0, "big", 9, 20_000)).toBe(PUT_REJECTED);
    expect(cache.put(address(1), 0, "older-small", 8, 10)).toBe(PUT_STALE);
    expect(cache.weightBytes).toBe(0);
  });

  test("bad input is an OutriderError with a stable code", () => {
    expectCode(() => new AccountCache({ capacityBytes: -1, entriesMax: 4 }), ACCOUNT_ERRORS.CACHE_BAD_OPTION);
    expectCode(
      () => new AccountCache({ capacityBytes: 100, entriesMax: 0 }),
      ACCOUNT_ERRORS.CACHE_BAD_OPTION,
    );
    const cache = new AccountCache<number>({ capacityBytes: 1 << 20, entriesMax: 4, seed: 1 });
    expectCode(() => cache.get(new Uint8Array(31)), ACCOUNT_ERRORS.ADDRESS_BAD_LENGTH);
    expectCode(() => cache.put(address(1), 1, 0, 1, 0), ACCOUNT_ERRORS.ADDRESS_BAD_LENGTH);
    expectCode(() => cache.put(address(1), 0, 0, -1, 0), ACCOUNT_ERRORS.SLOT_INVALID);
    expectCode(() => cache.put(address(1), 0, 0, 1.5, 0), ACCOUNT_ERRORS.SLOT_INVALID);
    expectCode(() => cache.put(address(1), 0, 0, 1, 10 * 1024 * 1024 + 1), ACCOUNT_ERRORS.DATA_BYTES_INVALID);
    expectCode(() => cache.setCapacityBytes(Number.NaN), ACCOUNT_ERRORS.CACHE_BAD_OPTION);
  });

  test("entry bound holds with zero-size accounts", () => {
    const cache = new AccountCache<number>({ capacityBytes: 1 << 30, entriesMax: 50, seed: 3 });
    for (let id = 0; id < 1000; id++) {
      const key = address(id % 300);
      if (cache.get(key) === undefined) cache.put(key, 0, id, id, 0);
      expect(cache.size).toBeLessThanOrEqual(50);
    }
    expect(cache.checkInvariants()).toBe("");
  });

  test("setCapacityBytes shrinks at once and grows back", () => {
    const cache = new AccountCache<number>({ capacityBytes: 1 << 20, entriesMax: 1000, seed: 3 });
    for (let id = 0; id < 500; id++) cache.put(address(id), 0, id, id, 1000);
    expect(cache.weightBytes).toBeLessThanOrEqual(1 << 20);
    cache.setCapacityBytes(50_000);
    expect(cache.weightBytes).toBeLessThanOrEqual(50_000);
    expect(cache.checkInvariants()).toBe("");
    const kept = cache.size;
    // Window (1%) and main budgets are separate, so up to one entry per segment can be lost to rounding.
    expect(kept).toBeGreaterThanOrEqual(Math.floor(50_000 / (1000 + ACCOUNT_ENTRY_OVERHEAD_BYTES)) - 1);
    cache.setCapacityBytes(2 << 20);
    for (let id = 500; id < 1000; id++) cache.put(address(id), 0, id, id, 1000);
    expect(cache.size).toBe(kept + 500);
    expect(cache.checkInvariants()).toBe("");
  });
});

describe("AccountCache for a live source (update, invalidate, loads, clear, eviction listener)", () => {
  test("update only touches cached accounts; a load does not replace a value of its own slot", () => {
    const cache = new AccountCache<string>({ capacityBytes: 1 << 20, entriesMax: 16, seed: 1 });
    expect(cache.update(address(1), 0, "note", 5, 10)).toBe(PUT_ABSENT);
    expect(cache.get(address(1))).toBeUndefined();
    cache.put(address(1), 0, "notified", 5, 10);
    expect(cache.put(address(1), 0, "loaded", 5, 10, false)).toBe(PUT_STALE);
    expect(cache.get(address(1))).toBe("notified");
    expect(cache.put(address(1), 0, "loaded later", 6, 10, false)).toBe(PUT_UPDATED);
    expect(cache.update(address(1), 0, "note 6", 6, 10)).toBe(PUT_UPDATED);
    expect(cache.get(address(1))).toBe("note 6");
  });

  test("invalidate: a write seen without its value makes older values unservable until a newer one", () => {
    const cache = new AccountCache<string>({ capacityBytes: 1 << 20, entriesMax: 16, seed: 1 });
    cache.put(address(1), 0, "v10", 10, 10);
    expect(cache.invalidate(address(1), 0, 12)).toBe(true);
    expect(cache.get(address(1))).toBeUndefined();
    expect(cache.staleReads).toBe(1);
    expect(cache.held(address(1))).toBe("v10");
    expect(cache.seenSlotOf(address(1))).toBe(12);
    cache.put(address(1), 0, "v11", 11, 10);
    expect(cache.get(address(1))).toBeUndefined();
    cache.put(address(1), 0, "v12", 12, 10);
    expect(cache.get(address(1))).toBe("v12");
    // Not cached: the write fences older ones out.
    expect(cache.invalidate(address(2), 0, 20)).toBe(false);
    expect(cache.put(address(2), 0, "v19", 19, 10)).toBe(PUT_STALE);
  });

  test("the eviction listener sees every departure; clear() empties and fences", () => {
    const gone: string[] = [];
    const cache = new AccountCache<string>({
      capacityBytes: 3 * (100 + ACCOUNT_ENTRY_OVERHEAD_BYTES),
      entriesMax: 8,
      seed: 1,
      onEvict: (value) => gone.push(value),
    });
    for (let id = 0; id < 6; id++) cache.put(address(id), 0, `a${id}`, 1, 100);
    expect(cache.size).toBeGreaterThan(0);
    expect(gone.length + cache.size).toBe(6);
    const hottest: string[] = [];
    cache.forEachHottest((value) => {
      hottest.push(value);
      return true;
    });
    expect(hottest.length).toBe(cache.size);
    expect(new Set([...hottest, ...gone]).size).toBe(6);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(gone.length).toBe(6);
    expect(cache.put(address(5), 0, "old", 0, 100)).toBe(PUT_STALE);
    expect(cache.checkInvariants()).toBe("");
  });

  test("an update that grows an entry past what fits reports it as refused, not updated", () => {
    const cache = new AccountCache<string>({
      capacityBytes: 2 * (100 + ACCOUNT_ENTRY_OVERHEAD_BYTES),
      entriesMax: 8,
      seed: 1,
      windowFraction: 0.5,
    });
    cache.put(address(1), 0, "a", 1, 100);
    cache.put(address(2), 0, "b", 1, 100);
    const outcome = cache.put(address(1), 0, "a-big", 2, 150);
    expect([PUT_UPDATED, PUT_REJECTED]).toContain(outcome);
    expect(cache.held(address(1)) !== undefined).toBe(outcome === PUT_UPDATED);
    expect(cache.checkInvariants()).toBe("");
  });
});

describe("AddressIndex", () => {
  test("insert/find/remove agree with a Map under heavy churn (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 40 })), { maxLength: 400 }),
        (ops) => {
          const index = new AddressIndex(41, 99);
          const model = new Map<number, number>();
          const free = Array.from({ length: 41 }, (_, id) => id);
          for (const [insert, key] of ops) {
            const found = index.find(address(key), 0);
            expect(found).toBe(model.get(key) ?? -1);
            if (insert && found < 0) {
              const id = free.pop()!;
              index.insert(id, address(key), 0, index.lastHash);
              model.set(key, id);
            } else if (!insert && found >= 0) {
              index.remove(found);
              model.delete(key);
              free.push(found);
            }
          }
          for (let key = 0; key <= 40; key++) expect(index.find(address(key), 0)).toBe(model.get(key) ?? -1);
        },
      ),
      { numRuns: 200 },
    );
  });
});

type Command =
  | { kind: "put"; account: number; slot: number; dataBytes: number }
  | { kind: "get"; account: number; minSlot: number }
  | { kind: "delete"; account: number; slot: number }
  | { kind: "capacity"; capacityBytes: number };

const ACCOUNTS = 5;
const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("put" as const),
      account: fc.integer({ min: 0, max: ACCOUNTS - 1 }),
      slot: fc.integer({ min: 0, max: 12 }),
      dataBytes: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3000 }), fc.constant(20_000)),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("get" as const),
      account: fc.integer({ min: 0, max: ACCOUNTS - 1 }),
      minSlot: fc.integer({ min: 0, max: 12 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("delete" as const),
      account: fc.integer({ min: 0, max: ACCOUNTS - 1 }),
      slot: fc.integer({ min: 0, max: 12 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("capacity" as const),
      capacityBytes: fc.integer({ min: 0, max: 12_000 }),
    }),
  },
);

describe("coherency (fast-check)", () => {
  test("served value is always the newest-slot value seen; byte and entry bounds always hold", () => {
    fc.assert(
      fc.property(
        fc.array(commandArbitrary, { maxLength: 300 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 300, max: 6000 }),
        (commands, entriesMax, capacityBytes) => {
          const cache = new AccountCache<number>({ capacityBytes, entriesMax, seed: 11 });
          // Newest slot seen per account and the value written at it (null: deleted at that slot).
          const newestSlot = new Map<number, number>();
          const newestValue = new Map<number, number | null>();
          commands.forEach((command, step) => {
            if (command.kind === "put") {
              cache.put(address(command.account), 0, step, command.slot, command.dataBytes);
              if (command.slot >= (newestSlot.get(command.account) ?? -1)) {
                newestSlot.set(command.account, command.slot);
                newestValue.set(command.account, step);
              }
            } else if (command.kind === "delete") {
              cache.delete(address(command.account), 0, command.slot);
              if (command.slot >= (newestSlot.get(command.account) ?? -1)) {
                newestSlot.set(command.account, command.slot);
                newestValue.set(command.account, null);
              }
            } else if (command.kind === "get") {
              const served = cache.get(address(command.account), 0, command.minSlot);
              if (served !== undefined) {
                expect(served).toBe(newestValue.get(command.account) as number);
                expect(cache.lastSlot).toBe(newestSlot.get(command.account)!);
                expect(cache.lastSlot).toBeGreaterThanOrEqual(command.minSlot);
              }
            } else {
              cache.setCapacityBytes(command.capacityBytes);
            }
            expect(cache.weightBytes).toBeLessThanOrEqual(cache.capacityBytes);
            expect(cache.size).toBeLessThanOrEqual(entriesMax);
          });
          expect(cache.checkInvariants()).toBe("");
        },
      ),
      { numRuns: 1000 },
    );
  });

  test("reordered and duplicated notifications converge to the newest slot", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 1000 })), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.infiniteStream(fc.nat()),
        (writes, picks) => {
          // Deliver every write once plus some duplicates, in a shuffled order.
          const deliveries = [...writes, ...writes.filter(() => picks.next().value % 3 === 0)];
          for (let i = deliveries.length - 1; i > 0; i--) {
            const j = picks.next().value % (i + 1);
            [deliveries[i], deliveries[j]] = [deliveries[j], deliveries[i]];
          }
          const cache = new AccountCache<number>({ capacityBytes: 1 << 20, entriesMax: 16, seed: 5 });
          for (const [account, slot] of deliveries) cache.put(address(account), 0, slot, slot, 100);
          for (let account = 0; account <= 5; account++) {
            const slots = writes.filter(([a]) => a === account).map(([, slot]) => slot);
            const served = cache.peek(address(account));
            expect(served).toBe(slots.length ? Math.max(...slots) : undefined);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
