// The trading cache as the upstream tile runs it, over a model node holding real market bytes
// (tests/fixtures/markets, copied from ../shared/fixtures/markets): configured markets load with their groups at start, a read of a market
// account prefetches its group, a transaction's lock set is prefetched and teaches co-access, verify's
// prefetch hints are taken across a shared-memory ring, the hot set is saved at shutdown and warms the
// next start, and the recorded access trace replays through 'outrider cache sim'.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import fc from "fast-check";
import type { AccountChangeFeed, AccountLoadSource } from "../../src/accounts/cached-accounts.ts";
import { PREFETCH_MARKET, PREFETCH_TRANSACTION, PREFETCH_WARM } from "../../src/accounts/cached-accounts.ts";
import { SERUM_V3_PROGRAM } from "../../src/accounts/market-layouts.ts";
import {
  createPrefetchHints,
  PrefetchHintReader,
  PrefetchHintWriter,
} from "../../src/accounts/prefetch-hints.ts";
import { readWarmSet } from "../../src/accounts/warm-set.ts";
import { run as cacheSim } from "../../src/cli/commands/cache-sim.ts";
import { DEFAULT_CONFIG, type OutriderConfig } from "../../src/config/schema.ts";
import type { AccountView, Commitment } from "../../src/server/rpc-backend.ts";
import { base58Decode, base58Encode } from "../../src/tx/base58.ts";
import { UpstreamAccounts } from "../../src/upstream/upstream-accounts.ts";

const MARKETS = resolve(import.meta.dir, "../fixtures/markets");
const directory = mkdtempSync(join(tmpdir(), "outrider-upstream-accounts-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const SOL_USDC = "9wFFyRfZBsuAha4YcuxcXLKwMxJR43S7fPfQLusDBzvT";
const BIDS = "14ivtgssEBoBjuZJtSAPKYgpUK7DmnSwuPMqJoVTSgKJ";
const ASKS = "CEQdAFKdycHugujQg9k2wbmxjcpdYZyVLfV9WerTnafJ";
const EVENT_QUEUE = "5KKsLVU6TcbVDK4BS6K1DGDxnh4Q9xjYJ8XaDCG5t8ht";
const REQUEST_QUEUE = "AZG3tFCFtiCqEwyardENBQNpHqxgzbMw8uKeZEw2nRG5";
const USER_TOKEN = "Gnt27xtC473ZT2Mw5u8wZ68Z3gULkSTb5DuxJy7eJotD";

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** A node with the SOL/USDC market's real bytes; every load is answered at once and counted. */
class ModelNode implements AccountLoadSource, AccountChangeFeed {
  readonly accounts = new Map<string, AccountView>();
  readonly held = new Map<string, number>();
  loaded: string[] = [];

  async init(): Promise<this> {
    const bytes = async (name: string) =>
      new Uint8Array(await Bun.file(resolve(MARKETS, name)).arrayBuffer());
    const account = (data: Uint8Array): AccountView => ({
      lamports: 1_000_000n,
      data,
      owner: SERUM_V3_PROGRAM,
      executable: false,
      rentEpoch: 0n,
    });
    this.accounts.set(SOL_USDC, account(await bytes("serum-v3/sol_usdc_dex_market.bin")));
    this.accounts.set(BIDS, account(await bytes("serum-v3/sol_usdc_dex_market_bids.bin")));
    this.accounts.set(ASKS, account(await bytes("serum-v3/sol_usdc_dex_market_asks.bin")));
    this.accounts.set(EVENT_QUEUE, account(new Uint8Array(1000)));
    return this;
  }
  async load(addresses: readonly string[], _commitment: Commitment, _minContextSlot: number) {
    this.loaded.push(...addresses);
    return { slot: 10, accounts: addresses.map((address) => this.accounts.get(address) ?? null) };
  }
  hold(address: string): Promise<boolean> {
    if (!this.held.has(address)) this.held.set(address, performance.now());
    return Promise.resolve(true);
  }
  release(address: string): void {
    this.held.delete(address);
  }
  activeSince(address: string, sinceMs: number): boolean {
    const since = this.held.get(address);
    return since !== undefined && since <= sinceMs;
  }
}

function configWith(accounts: Partial<OutriderConfig["accounts"]>): OutriderConfig {
  return { ...DEFAULT_CONFIG, accounts: { ...DEFAULT_CONFIG.accounts, ...accounts } };
}

async function settle(rounds = 20): Promise<void> {
  for (let round = 0; round < rounds; round++) await tick();
}

describe("UpstreamAccounts", () => {
  test("a configured market loads at start, and its book sides and queues with it", async () => {
    const node = await new ModelNode().init();
    const accounts = new UpstreamAccounts({
      config: configWith({ markets: [SOL_USDC] }),
      loader: node,
      feed: node,
      follower: { slotAt: () => 10 },
      log: () => {},
    });
    await accounts.warm();
    await settle();
    for (const address of [SOL_USDC, BIDS, ASKS, EVENT_QUEUE])
      expect(accounts.cached.holds(address)).toBe(true);
    expect(accounts.cached.counters.prefetchIssued[PREFETCH_MARKET]).toBe(1 + 4);
    expect(node.loaded).toContain(REQUEST_QUEUE); // named by the market, absent on this node
    // Reads hit, and use the prefetched values (counted once each).
    const answer = await accounts.read([SOL_USDC, BIDS, ASKS], "processed");
    expect(answer.fromCache).toBe(true);
    expect(accounts.cached.counters.prefetchUsed[PREFETCH_MARKET]).toBe(3);
  });

  test("reading one market account prefetches its group; a transaction's locks are prefetched and join it", async () => {
    const node = await new ModelNode().init();
    const accounts = new UpstreamAccounts({
      config: configWith({}),
      loader: node,
      feed: node,
      follower: { slotAt: () => 10 },
      log: () => {},
    });
    await accounts.read([SOL_USDC], "processed");
    await settle();
    expect(accounts.cached.holds(BIDS)).toBe(true);
    expect(accounts.cached.holds(EVENT_QUEUE)).toBe(true);
    node.accounts.set(USER_TOKEN, {
      ...node.accounts.get(EVENT_QUEUE)!,
      owner: "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
    });
    accounts.onTransactionLocks([USER_TOKEN, BIDS]);
    await settle();
    expect(accounts.cached.holds(USER_TOKEN)).toBe(true);
    expect(accounts.cached.counters.prefetchIssued[PREFETCH_TRANSACTION]).toBe(1);
    expect(accounts.groups.groupOf(USER_TOKEN)?.market).toBe(SOL_USDC);
  });

  test("verify's hints cross a shared-memory ring into the prefetch", async () => {
    const node = await new ModelNode().init();
    const hints = createPrefetchHints(8);
    const accounts = new UpstreamAccounts({
      config: configWith({}),
      loader: node,
      feed: node,
      follower: { slotAt: () => 10 },
      hints: [hints],
      log: () => {},
    });
    const writer = new PrefetchHintWriter(hints);
    const arena = new Uint8Array(64);
    arena.set(base58Decode(BIDS)!, 0);
    arena.set(base58Decode(ASKS)!, 32);
    expect(writer.offerLockSet(arena, [0, 32], 2)).toBe(2);
    expect(accounts.drainHints()).toBe(2);
    await settle();
    expect(accounts.cached.holds(BIDS) && accounts.cached.holds(ASKS)).toBe(true);
  });

  test("hot set saved at shutdown warms the next start; the trace replays through cache sim", async () => {
    const warmFile = join(directory, "warm.txt");
    const traceFile = join(directory, "trace.txt");
    const node = await new ModelNode().init();
    const first = new UpstreamAccounts({
      config: configWith({ cache_warm_file: warmFile, cache_trace_file: traceFile, prefetch: false }),
      loader: node,
      feed: node,
      follower: { slotAt: () => 10 },
      log: () => {},
    });
    for (let round = 0; round < 3; round++) {
      await first.read([SOL_USDC, BIDS, ASKS], "processed");
      await settle(5);
    }
    await first.stop();
    const saved = await readWarmSet(warmFile);
    expect(saved.addresses.sort()).toEqual([SOL_USDC, BIDS, ASKS].sort());
    const second = new UpstreamAccounts({
      config: configWith({ cache_warm_file: warmFile, prefetch: false }),
      loader: node,
      feed: node,
      follower: { slotAt: () => 10 },
      log: () => {},
    });
    await second.warm();
    await settle();
    expect(second.cached.counters.prefetchIssued[PREFETCH_WARM]).toBe(3);
    expect((await second.read([SOL_USDC, BIDS, ASKS], "processed")).fromCache).toBe(true);
    // 9 reads recorded: replayed with 3 entries, every account misses once and then hits.
    expect(
      readFileSync(traceFile, "utf8")
        .trim()
        .split("\n")
        .filter((line) => !line.startsWith("#")).length,
    ).toBe(9);
    const printed: string[] = [];
    const log = console.log;
    console.log = (line: string) => printed.push(line);
    try {
      expect(await cacheSim(["--trace", traceFile, "--capacity", "3", "--quiet"])).toBe(0);
    } finally {
      console.log = log;
    }
    expect(JSON.parse(printed[0])).toMatchObject({ accesses: 9, hits: { optimal: 6, lru: 6 } });
  });
});

describe("prefetch hint ring", () => {
  test("delivers offered addresses in order; a full ring drops and counts (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constant(-1)), { maxLength: 200 }),
        (ops) => {
          const hints = createPrefetchHints(16);
          const writer = new PrefetchHintWriter(hints);
          const reader = new PrefetchHintReader(hints);
          const expected: number[] = [];
          const got: number[] = [];
          let dropped = 0;
          const address = new Uint8Array(32);
          for (const op of ops) {
            if (op < 0) {
              reader.drain((bytes, offset) => got.push(bytes[offset]));
              continue;
            }
            address.fill(op);
            if (writer.offer(address, 0)) expected.push(op);
            else dropped++;
            if (expected.length - got.length > 16) throw new Error("ring held more than its capacity");
          }
          reader.drain((bytes, offset) => got.push(bytes[offset]));
          expect(got).toEqual(expected);
          expect(reader.dropped).toBe(dropped);
        },
      ),
    );
    expect(base58Encode(base58Decode(BIDS)!)).toBe(BIDS);
  });
});
