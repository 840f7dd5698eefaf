// CachedAccounts (the cache serving reads, loading misses, applying notifications): fast-check
// properties over interleaved, reordered and duplicated notifications, seen writes, loads that
// complete late and in any order, subscriptions that come up late, and live capacity changes.
// The upstream is a model here (its state, its change feed, its loads as promises the property
// resolves); the real upstream path is the two-process e2e test.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { ACCOUNT_ENTRY_OVERHEAD_BYTES } from "../../src/accounts/account-cache.ts";
import {
  type AccountChangeFeed,
  type AccountLoadSource,
  CachedAccounts,
  PREFETCH_MARKET,
} from "../../src/accounts/cached-accounts.ts";
import { KIND_OTHER } from "../../src/accounts/market-layouts.ts";
import type { AccountView, Commitment } from "../../src/server/rpc-backend.ts";
import { base58Encode } from "../../src/tx/base58.ts";

const ACCOUNTS = Array.from({ length: 4 }, (_, id) => {
  const bytes = new Uint8Array(32);
  bytes[0] = 11 + id;
  bytes[31] = 200 - id;
  return base58Encode(bytes);
});

/** A value identifies the write that made it: lamports = the write's sequence number (global, increasing). */
function accountValue(sequence: number, dataBytes: number): AccountView {
  return {
    lamports: BigInt(sequence),
    data: new Uint8Array(dataBytes),
    owner: "11111111111111111111111111111111",
    executable: false,
    rentEpoch: 0n,
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

interface Note {
  account: number;
  slot: number;
  sequence: number;
  dataBytes: number;
}

/**
 * The upstream as a model, shaped like Agave: several writes may land in one slot; a subscribed
 * account is notified once per slot with the slot's final value (notifications may be delivered late,
 * out of order and twice); a load reads the state when it is asked (possibly mid-slot) and its answer
 * arrives whenever the property lets it; subscriptions come up late.
 */
class ModelUpstream implements AccountLoadSource, AccountChangeFeed {
  chainSlot = 1;
  sequence = 0;
  /** Per account: latest [sequence, dataBytes] (sequence 0: the initial value). */
  readonly state = ACCOUNTS.map(() => [0, 0] as [number, number]);
  readonly subscribed = new Map<string, { activeSinceMs: number; waiters: ((active: boolean) => void)[] }>();
  readonly pendingHolds: string[] = [];
  readonly pendingLoads: { resolve(): void }[] = [];
  /** Notifications produced but not delivered yet; one per (account, slot), updated by later writes. */
  readonly notifications: Note[] = [];
  readonly delivered: Note[] = [];

  private followed(account: number): boolean {
    const address = ACCOUNTS[account];
    return this.subscribed.has(address) && !this.pendingHolds.includes(address);
  }

  /** A write in a new slot (sameSlot false) or in the current one. */
  write(account: number, dataBytes: number, sameSlot: boolean): void {
    if (sameSlot && this.delivered.some((note) => note.account === account && note.slot === this.chainSlot))
      return;
    if (!sameSlot) this.chainSlot++;
    this.state[account] = [++this.sequence, dataBytes];
    if (!this.followed(account)) return;
    const pending = this.notifications.find(
      (note) => note.account === account && note.slot === this.chainSlot,
    );
    if (pending) {
      pending.sequence = this.sequence;
      pending.dataBytes = dataBytes;
    } else this.notifications.push({ account, slot: this.chainSlot, sequence: this.sequence, dataBytes });
  }

  hold(address: string): Promise<boolean> {
    const known = this.subscribed.get(address);
    if (known && !this.pendingHolds.includes(address)) return Promise.resolve(true);
    return new Promise((resolve) => {
      if (known) known.waiters.push(resolve);
      else this.subscribed.set(address, { activeSinceMs: Number.POSITIVE_INFINITY, waiters: [resolve] });
      if (!this.pendingHolds.includes(address)) this.pendingHolds.push(address);
    });
  }
  activate(index: number): void {
    const address = this.pendingHolds.splice(index % this.pendingHolds.length, 1)[0];
    const entry = this.subscribed.get(address)!;
    entry.activeSinceMs = performance.now();
    for (const waiter of entry.waiters.splice(0)) waiter(true);
  }
  release(address: string): void {
    for (const waiter of this.subscribed.get(address)?.waiters ?? []) waiter(false);
    this.subscribed.delete(address);
    // Notifications of an ended subscription are never handed on (the client drops them).
    const account = ACCOUNTS.indexOf(address);
    for (const list of [this.notifications, this.delivered]) {
      for (let index = list.length - 1; index >= 0; index--)
        if (list[index].account === account) list.splice(index, 1);
    }
    const at = this.pendingHolds.indexOf(address);
    if (at >= 0) this.pendingHolds.splice(at, 1);
  }
  activeSince(address: string, sinceMs: number): boolean {
    const entry = this.subscribed.get(address);
    return entry !== undefined && !this.pendingHolds.includes(address) && entry.activeSinceMs <= sinceMs;
  }

  load(addresses: readonly string[], _commitment: Commitment, _minContextSlot: number) {
    // Read now; answered later.
    const slot = this.chainSlot;
    const accounts = addresses.map((address) => {
      const [sequence, dataBytes] = this.state[ACCOUNTS.indexOf(address)];
      return accountValue(sequence, dataBytes);
    });
    return new Promise<{ slot: number; accounts: (AccountView | null)[] }>((resolve) => {
      this.pendingLoads.push({ resolve: () => resolve({ slot, accounts }) });
    });
  }
}

type Op =
  | { kind: "write"; account: number; dataBytes: number; sameSlot: boolean }
  | { kind: "deliver"; pick: number }
  | { kind: "duplicate"; pick: number }
  | { kind: "seenWrite"; account: number }
  | { kind: "read"; account: number }
  | { kind: "completeLoad"; pick: number }
  | { kind: "activate"; pick: number }
  | { kind: "prefetch"; account: number }
  | { kind: "capacity"; bytes: number }
  | { kind: "settle" };

const account = fc.integer({ min: 0, max: ACCOUNTS.length - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant("write" as const),
    account,
    dataBytes: fc.integer({ min: 0, max: 1500 }),
    sameSlot: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("write" as const),
    account,
    dataBytes: fc.integer({ min: 0, max: 1500 }),
    sameSlot: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("deliver" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("seenWrite" as const), account }),
  fc.record({ kind: fc.constant("read" as const), account }),
  fc.record({ kind: fc.constant("read" as const), account }),
  fc.record({ kind: fc.constant("read" as const), account }),
  fc.record({ kind: fc.constant("completeLoad" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("completeLoad" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("activate" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("settle" as const) }),
  fc.record({ kind: fc.constant("prefetch" as const), account }),
  fc.record({ kind: fc.constant("capacity" as const), bytes: fc.integer({ min: 0, max: 12_000 }) }),
);

describe("CachedAccounts coherency", () => {
  test("a served value is never older than the newest write seen for its account; reads never go back", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 40, maxLength: 160 }), async (ops) => {
        const upstream = new ModelUpstream();
        const cached = new CachedAccounts({
          capacityBytes: 6000,
          entriesMax: 3,
          source: upstream,
          feed: upstream,
          chain: { slotAt: () => upstream.chainSlot },
          seed: 5,
        });
        /** Newest write the cache has been told about, per account (notifications, seen writes). */
        const seen = ACCOUNTS.map(() => 0);
        /** Newest write any completed read returned, per account. */
        const served = ACCOUNTS.map(() => 0);
        const reads: Promise<void>[] = [];
        const failures: string[] = [];
        for (const step of ops) {
          switch (step.kind) {
            case "write":
              upstream.write(step.account, step.dataBytes, step.sameSlot);
              break;
            case "deliver":
            case "duplicate": {
              const list = step.kind === "deliver" ? upstream.notifications : upstream.delivered;
              if (list.length === 0) break;
              const [note] =
                step.kind === "deliver"
                  ? list.splice(step.pick % list.length, 1)
                  : [list[step.pick % list.length]];
              if (step.kind === "deliver") upstream.delivered.push(note);
              seen[note.account] = Math.max(seen[note.account], note.sequence);
              cached.applyNotification(
                ACCOUNTS[note.account],
                note.slot,
                accountValue(note.sequence, note.dataBytes),
              );
              break;
            }
            case "seenWrite": {
              // A forwarded transaction that wrote the account is reported executed in the current slot.
              const [sequence] = upstream.state[step.account];
              if (sequence === 0) break;
              seen[step.account] = Math.max(seen[step.account], sequence);
              cached.invalidate(ACCOUNTS[step.account], upstream.chainSlot);
              break;
            }
            case "read": {
              const target = step.account;
              const seenAtStart = seen[target];
              const servedAtStart = served[target];
              reads.push(
                cached.read([ACCOUNTS[target]], "processed").then((answer) => {
                  const writeSlot = Number(answer.accounts[0]?.lamports ?? -1);
                  if (writeSlot < seenAtStart)
                    failures.push(`read of ${target} served write ${writeSlot} < seen ${seenAtStart}`);
                  if (writeSlot < servedAtStart)
                    failures.push(`read of ${target} went back: ${writeSlot} < earlier ${servedAtStart}`);
                  served[target] = Math.max(served[target], writeSlot);
                }),
              );
              break;
            }
            case "completeLoad": {
              if (upstream.pendingLoads.length === 0) break;
              upstream.pendingLoads.splice(step.pick % upstream.pendingLoads.length, 1)[0].resolve();
              break;
            }
            case "activate":
              if (upstream.pendingHolds.length > 0) upstream.activate(step.pick);
              break;
            case "prefetch":
              cached.prefetch([ACCOUNTS[step.account]], PREFETCH_MARKET);
              break;
            case "capacity":
              cached.setCapacityBytes(step.bytes);
              break;
            case "settle":
              for (let round = 0; round < 4; round++) {
                while (upstream.pendingHolds.length > 0) upstream.activate(0);
                while (upstream.pendingLoads.length > 0) upstream.pendingLoads.shift()!.resolve();
                await tick();
              }
              break;
          }
          await tick();
          const invariant = cached.cache.checkInvariants();
          if (invariant !== "") failures.push(invariant);
          if (cached.cache.weightBytes > cached.cache.capacityBytes) failures.push("byte bound broken");
        }
        // Let everything finish: deliver the rest, complete every load, bring up every subscription.
        for (
          let round = 0;
          round < 50 && (upstream.pendingLoads.length > 0 || upstream.pendingHolds.length > 0);
          round++
        ) {
          while (upstream.pendingHolds.length > 0) upstream.activate(0);
          while (upstream.pendingLoads.length > 0) upstream.pendingLoads.shift()!.resolve();
          await tick();
        }
        await Promise.all(reads);
        // Once everything has arrived, every account reads as the node's latest value.
        for (const note of upstream.notifications.splice(0)) {
          cached.applyNotification(
            ACCOUNTS[note.account],
            note.slot,
            accountValue(note.sequence, note.dataBytes),
          );
        }
        for (let account = 0; account < ACCOUNTS.length; account++) {
          const reading = cached.read([ACCOUNTS[account]], "processed");
          for (
            let round = 0;
            round < 10 && upstream.pendingLoads.length + upstream.pendingHolds.length > 0;
            round++
          ) {
            while (upstream.pendingHolds.length > 0) upstream.activate(0);
            while (upstream.pendingLoads.length > 0) upstream.pendingLoads.shift()!.resolve();
            await tick();
          }
          const final = Number((await reading).accounts[0]?.lamports ?? -1);
          if (final !== upstream.state[account][0])
            failures.push(
              `account ${account} reads ${final} after everything arrived, node has ${upstream.state[account][0]}`,
            );
        }
        // The per-kind counters agree with what the cache holds.
        const counters = cached.counters;
        const entries = counters.entries.reduce((sum, value) => sum + value, 0);
        const heldBytes = counters.heldBytes.reduce((sum, value) => sum + value, 0);
        if (entries !== cached.cache.size)
          failures.push(`entries counter ${entries} vs ${cached.cache.size}`);
        if (heldBytes !== cached.cache.weightBytes - cached.cache.size * ACCOUNT_ENTRY_OVERHEAD_BYTES)
          failures.push(`held bytes counter ${heldBytes} vs cache`);
        expect(failures).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  test("an older notification never overwrites a newer value (any order, duplicates)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }),
        async (slots) => {
          const upstream = new ModelUpstream();
          const cached = new CachedAccounts({
            capacityBytes: 1 << 20,
            entriesMax: 8,
            source: upstream,
            feed: upstream,
            chain: { slotAt: () => 100 },
            seed: 1,
          });
          // Cache the account first (subscription up, one load).
          upstream.chainSlot = 0;
          const first = cached.read([ACCOUNTS[0]], "processed");
          await tick();
          upstream.activate(0);
          upstream.pendingLoads.shift()!.resolve();
          await first;
          await tick();
          upstream.pendingLoads.shift()?.resolve(); // the fill after the subscription came up
          await tick();
          expect(cached.cache.size).toBe(1);
          let newest = 0;
          for (const slot of slots) {
            cached.applyNotification(ACCOUNTS[0], slot, accountValue(slot, 10));
            newest = Math.max(newest, slot);
            const answer = await cached.read([ACCOUNTS[0]], "processed");
            expect(Number(answer.accounts[0]!.lamports)).toBe(newest);
            expect(answer.fromCache).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("CachedAccounts reads", () => {
  test("a miss loads, later reads hit once the account is followed; per-kind counters", async () => {
    const upstream = new ModelUpstream();
    const cached = new CachedAccounts({
      capacityBytes: 1 << 20,
      entriesMax: 8,
      source: upstream,
      feed: upstream,
      chain: { slotAt: () => upstream.chainSlot },
      seed: 1,
    });
    upstream.write(1, 100, false);
    const first = cached.read([ACCOUNTS[1], ACCOUNTS[2]], "processed");
    await tick();
    expect(upstream.pendingLoads.length).toBe(1); // both in one load
    upstream.pendingLoads.shift()!.resolve();
    const answer = await first;
    expect(answer.fromCache).toBe(false);
    expect(Number(answer.accounts[0]!.lamports)).toBe(1);
    // Not cached yet: the subscriptions were not up when the load was sent.
    expect(cached.cache.size).toBe(0);
    upstream.activate(0);
    upstream.activate(0);
    await tick();
    while (upstream.pendingLoads.length > 0) upstream.pendingLoads.shift()!.resolve();
    await tick();
    await tick();
    expect(cached.cache.size).toBe(2);
    const again = await cached.read([ACCOUNTS[1], ACCOUNTS[2]], "processed");
    expect(again.fromCache).toBe(true);
    expect(cached.counters.hits[KIND_OTHER]).toBe(2);
    expect(cached.counters.misses[KIND_OTHER]).toBe(2);
    expect(cached.counters.heldBytes[KIND_OTHER]).toBe(100);
  });

  test("confirmed reads never get a processed value newer than the confirmed slot", async () => {
    const upstream = new ModelUpstream();
    let confirmedSlot = 0;
    const cached = new CachedAccounts({
      capacityBytes: 1 << 20,
      entriesMax: 8,
      source: upstream,
      feed: upstream,
      chain: { slotAt: (commitment) => (commitment === "processed" ? upstream.chainSlot : confirmedSlot) },
      seed: 1,
    });
    void cached.read([ACCOUNTS[0]], "processed");
    await tick();
    upstream.activate(0);
    upstream.pendingLoads.shift()!.resolve();
    await tick();
    upstream.pendingLoads.shift()?.resolve();
    await tick();
    cached.applyNotification(ACCOUNTS[0], 7, accountValue(7, 0));
    confirmedSlot = 5;
    const confirmed = cached.read([ACCOUNTS[0]], "confirmed");
    await tick();
    expect(upstream.pendingLoads.length).toBe(1); // asked of the source at that commitment
    upstream.pendingLoads.shift()!.resolve();
    await confirmed;
    confirmedSlot = 7;
    expect((await cached.read([ACCOUNTS[0]], "confirmed")).fromCache).toBe(true);
  });
});
