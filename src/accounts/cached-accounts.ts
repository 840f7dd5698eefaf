// The trading account cache put to work: account reads answered from AccountCache when it holds a
// current value, else loaded from a source (the upstream node's getMultipleAccounts), with loads of
// the same account coalesced. Values stay coherent through the source's change notifications
// (accountSubscribe): a loaded value is only cached when the account's subscription was confirmed
// before the load was sent (so no later change can be missed); notifications and seen writes apply
// in slot order. Counts hits, misses and stale reads, evictions, bytes and entries per account kind.
//
// Order inside a slot. Solana's RPC shows no order finer than the slot, so the cache orders what it
// learns by (slot, when Outrider learned it): a notification or a seen write counts from its arrival,
// a load from when it was asked (its answer reflects the node's state at some moment after that). So
// a load asked before a write was seen never passes for newer than it, and one asked after does; a
// notification of one connection arrives in the node's order. Keys pack both (ArrivalOrder). A
// notification replaces a value of an older or equal key, a load only an older one. A write seen
// without its value (a forwarded transaction executed at slot S) makes older values unservable
// until a newer one arrives; a load already on its way is asked again.
import type { AccountView, Commitment } from "../server/rpc-backend.ts";
import { base58DecodeInto } from "../tx/base58.ts";
import { AccountCache, PUT_ABSENT, PUT_INSERTED, PUT_STALE, PUT_UPDATED } from "./account-cache.ts";
import { ACCOUNT_KIND_COUNT, accountKindOf, KIND_OTHER } from "./market-layouts.ts";

/** Kind of a value (KIND_* of market-layouts.ts); a missing account is "other". */
export function classifyAccount(view: AccountView | null): number {
  return view === null ? KIND_OTHER : accountKindOf(view.owner, view.data);
}

/** What the cache holds per account. `view` null: the account does not exist (also cached). */
export interface CachedAccount {
  readonly address: string;
  readonly view: AccountView | null;
  readonly kind: number;
  readonly dataBytes: number;
  /** Trigger index of the prefetch that brought it in, until a read uses it; -1 otherwise. */
  prefetchTrigger: number;
}

/** Where values come from: loads at a commitment, each answer with the slot it was read at. */
export interface AccountLoadSource {
  load(
    addresses: readonly string[],
    commitment: Commitment,
    minContextSlot: number,
  ): Promise<{ slot: number; accounts: (AccountView | null)[] }>;
}

/** Change notifications for one account: held while the account is cached. */
export interface AccountChangeFeed {
  /** Resolves true once changes of the account are reported from now on. */
  hold(address: string): Promise<boolean>;
  release(address: string): void;
  /** True when changes have been reported since at or before `sinceMs` (performance.now()). */
  activeSince(address: string, sinceMs: number): boolean;
}

export interface ChainSlots {
  slotAt(commitment: Commitment): number;
}

/** Counters the owner turns into metrics (indexed by kind / source / trigger; no allocation). */
export interface CachedAccountsCounters {
  hits: Float64Array;
  misses: Float64Array;
  stale: Float64Array;
  evictions: Float64Array;
  entries: Float64Array;
  heldBytes: Float64Array;
  /** By source: UPDATE_SOURCE_*. */
  updates: Float64Array;
  updatesStale: Float64Array;
  /** By trigger: PREFETCH_*. */
  prefetchIssued: Float64Array;
  prefetchUsed: Float64Array;
}

export const UPDATE_SOURCE_LOAD = 0;
export const UPDATE_SOURCE_NOTIFICATION = 1;
export const UPDATE_SOURCE_BANK = 2;
export const UPDATE_SOURCE_INVALIDATION = 3;
export const PREFETCH_TRANSACTION = 0;
export const PREFETCH_MARKET = 1;
export const PREFETCH_WARM = 2;
/** A verify worker's hint: the transaction's accounts, offered as soon as it passed verify. */
export const PREFETCH_VERIFY = 3;
const PREFETCH_TRIGGER_COUNT = 4;
const NO_PREFETCH = -1;

export interface CachedAccountsOptions {
  capacityBytes: number;
  entriesMax: number;
  source: AccountLoadSource;
  feed: AccountChangeFeed;
  chain: ChainSlots;
  seed?: number;
  /** Called for every account read (address bytes, data length), e.g. to record a trace. */
  onAccess?: (addressBytes: Uint8Array, dataBytes: number) => void;
  /** Called once per loaded value with its address (to learn market relations, for instance). */
  onLoaded?: (address: string, view: AccountView | null) => void;
}

interface Inflight {
  promise: Promise<void>;
  view: AccountView | null;
  /** Key (slot and order) of the answer. */
  key: number;
  /** Newest notification seen while the load was on its way (it wins over an older load). */
  notified: { view: AccountView | null; key: number } | null;
  /** Newest write seen for the account (key): an answer older than this is not cached. */
  minKey: number;
  /** minKey when the load was asked: an answer older than this is asked again (the node is behind). */
  minKeyAtSend: number;
  /** A newer load of the account replaced this one: its answer goes only to its own reads. */
  superseded: boolean;
  error: Error | null;
}

const ADDRESS_BYTES = 32;
/** Accounts loaded again in the background (after their subscription came up) at once, at most. */
const FILLS_IN_FLIGHT_MAX = 1024;

/** Orderings kept inside one slot (key = slot × SPAN + order); slots up to 2^31 keep keys exact. */
export const KEY_ORDER_SPAN = 2 ** 22;
const SLOTS_REMEMBERED = 4096;

/** The slot a key belongs to. */
export const slotOfKey = (key: number): number => Math.floor(key / KEY_ORDER_SPAN);

/**
 * Orders what Outrider learns inside one slot: a stamp counts every event; a key is the slot and how
 * many events after the slot was first heard of the stamp came, offset by half the span (clamped:
 * an event long after counts as the newest of its slot; one long before, as the oldest).
 */
export class ArrivalOrder {
  private counter = 0;
  private readonly firstSeen = new Map<number, number>();
  private forgottenBelow = 0;

  /** A new stamp (an arrival, or a load being asked). */
  stamp(): number {
    return ++this.counter;
  }

  keyOf(slot: number, stamp: number): number {
    let first = this.firstSeen.get(slot);
    if (first === undefined) {
      if (slot < this.forgottenBelow) return slot * KEY_ORDER_SPAN + KEY_ORDER_SPAN - 1;
      first = this.counter;
      this.firstSeen.set(slot, first);
      if (this.firstSeen.size > SLOTS_REMEMBERED) {
        const oldest = Math.min(...this.firstSeen.keys());
        this.firstSeen.delete(oldest);
        this.forgottenBelow = Math.max(this.forgottenBelow, oldest + 1);
      }
    }
    // Events up to half the span before the slot was first heard of still order among themselves.
    const order = Math.min(KEY_ORDER_SPAN - 1, Math.max(0, stamp - first + KEY_ORDER_SPAN / 2));
    return slot * KEY_ORDER_SPAN + order;
  }

  /** Key of something arriving now at `slot`. */
  arrival(slot: number): number {
    return this.keyOf(slot, this.stamp());
  }
}

export class CachedAccounts {
  readonly cache: AccountCache<CachedAccount>;
  readonly counters: CachedAccountsCounters;
  /** Bumped when every value is dropped (the change feed was lost): older loads must not fill. */
  generation = 0;
  private readonly options: CachedAccountsOptions;
  private readonly scratch = new Uint8Array(ADDRESS_BYTES);
  private readonly inflight = new Map<string, Inflight>();
  readonly order = new ArrivalOrder();
  private fillsInFlight = 0;
  /** Accounts waiting for their subscription before being loaded again to fill. */
  private readonly fillsPending = new Set<string>();
  /** The value being written: its own eviction (admission refused) is not a departure. */
  private writing: CachedAccount | null = null;

  constructor(options: CachedAccountsOptions) {
    this.options = options;
    const kinds = ACCOUNT_KIND_COUNT;
    this.counters = {
      hits: new Float64Array(kinds),
      misses: new Float64Array(kinds),
      stale: new Float64Array(kinds),
      evictions: new Float64Array(kinds),
      entries: new Float64Array(kinds),
      heldBytes: new Float64Array(kinds),
      updates: new Float64Array(4),
      updatesStale: new Float64Array(4),
      prefetchIssued: new Float64Array(PREFETCH_TRIGGER_COUNT),
      prefetchUsed: new Float64Array(PREFETCH_TRIGGER_COUNT),
    };
    this.cache = new AccountCache<CachedAccount>({
      capacityBytes: options.capacityBytes,
      entriesMax: options.entriesMax,
      seed: options.seed,
      onEvict: (value) => this.onEvict(value),
    });
  }

  /** An account leaves the cache. Called from inside the cache: must not use the scratch buffer. */
  private onEvict(value: CachedAccount): void {
    if (value === this.writing) return;
    this.counters.evictions[value.kind]++;
    this.forget(value);
    this.releaseIfUnused(value.address, true);
  }

  /** Newest write known for a cached account (its key), else -1. */
  private knownKey(address: string): number {
    if (!this.decode(address) || this.cache.held(this.scratch, 0) === undefined) return -1;
    return this.cache.seenSlotOf(this.scratch, 0);
  }

  /** Decodes a base58 address into the scratch buffer; false when it is not 32 bytes. */
  private decode(address: string): boolean {
    return base58DecodeInto(address, this.scratch) === ADDRESS_BYTES;
  }

  /**
   * Accounts for an RPC read at `commitment`: cached values when current (and, for confirmed or
   * finalized, not newer than that commitment's slot), the rest loaded. Values in address order.
   */
  async read(
    addresses: readonly string[],
    commitment: Commitment,
  ): Promise<{ slot: number; accounts: (AccountView | null)[]; fromCache: boolean }> {
    const accounts: (AccountView | null)[] = new Array(addresses.length).fill(null);
    const chainSlot = this.options.chain.slotAt(commitment);
    let slot = chainSlot;
    // Indexes to load: a miss as its index, a stale value as -1 - index (counted already). Made only
    // when needed: a read served wholly from the cache allocates just its answer.
    let missing: number[] | null = null;
    let atCommitment: number[] | null = null;
    for (let index = 0; index < addresses.length; index++) {
      if (!this.decode(addresses[index])) continue;
      const staleBefore = this.cache.staleReads;
      const value = this.cache.get(this.scratch, 0);
      if (value !== undefined) {
        const key = this.cache.lastSlot;
        if (commitment !== "processed" && slotOfKey(key) > chainSlot) {
          // Newer than the commitment asked for: that commitment's value has to come from the source.
          this.counters.stale[value.kind]++;
          if (atCommitment === null) atCommitment = [];
          atCommitment.push(index);
          continue;
        }
        this.counters.hits[value.kind]++;
        if (value.prefetchTrigger !== NO_PREFETCH) {
          this.counters.prefetchUsed[value.prefetchTrigger]++;
          value.prefetchTrigger = NO_PREFETCH;
        }
        this.options.onAccess?.(this.scratch, value.dataBytes);
        accounts[index] = value.view;
        const valueSlot = slotOfKey(key);
        if (valueSlot > slot) slot = valueSlot;
        continue;
      }
      if (missing === null) missing = [];
      if (this.cache.staleReads !== staleBefore) {
        this.counters.stale[this.cache.held(this.scratch, 0)?.kind ?? KIND_OTHER]++;
        missing.push(-1 - index);
      } else missing.push(index);
    }
    if (missing === null && atCommitment === null) return { slot, accounts, fromCache: true };
    if (missing !== null) {
      const wanted = missing.map((code) => addresses[code < 0 ? -1 - code : code]);
      const loaded = await this.loadAndFill(wanted, NO_PREFETCH);
      for (let k = 0; k < missing.length; k++) {
        const code = missing[k];
        const entry = loaded[k];
        accounts[code < 0 ? -1 - code : code] = entry.view;
        const valueSlot = slotOfKey(entry.key);
        if (valueSlot > slot) slot = valueSlot;
        if (code >= 0) this.counters.misses[classifyAccount(entry.view)]++;
        if (this.options.onAccess && this.decode(wanted[k])) {
          this.options.onAccess(this.scratch, entry.view?.data.length ?? 0);
        }
      }
    }
    if (atCommitment !== null) {
      const answer = await this.options.source.load(
        atCommitment.map((index) => addresses[index]),
        commitment,
        0,
      );
      for (let k = 0; k < atCommitment.length; k++) accounts[atCommitment[k]] = answer.accounts[k];
      slot = Math.max(chainSlot, answer.slot);
    }
    return { slot, accounts, fromCache: false };
  }

  /** Loads accounts ahead of reads (trigger: PREFETCH_*), skipping those cached or loading. */
  prefetch(addresses: readonly string[], trigger: number): number {
    const wanted: string[] = [];
    for (const address of addresses) {
      // Loading, or waiting for its subscription to be loaded again: it is on its way already.
      if (this.inflight.has(address) || this.fillsPending.has(address) || !this.decode(address)) continue;
      if (this.cache.held(this.scratch, 0) !== undefined) continue;
      wanted.push(address);
    }
    if (wanted.length === 0) return 0;
    this.counters.prefetchIssued[trigger] += wanted.length;
    void this.loadAndFill(wanted, trigger).catch(() => {});
    return wanted.length;
  }

  /**
   * Prefetch for a warm start or a configured market: subscribes first and waits (at most `waitMs`)
   * for the subscriptions, so one load fills the cache. Resolves with the accounts asked for.
   */
  async prefetchFollowed(addresses: readonly string[], trigger: number, waitMs = 5_000): Promise<number> {
    const wanted = addresses.filter((address) => !this.inflight.has(address) && !this.holds(address));
    if (wanted.length === 0) return 0;
    const holding = Promise.all(wanted.map((address) => this.options.feed.hold(address)));
    await Promise.race([holding, Bun.sleep(waitMs)]);
    return this.prefetch(wanted, trigger);
  }

  /** True when the account is cached (whatever the slot of its value). */
  holds(address: string): boolean {
    return this.decode(address) && this.cache.held(this.scratch, 0) !== undefined;
  }

  /**
   * A change notification: the account's final value at `slot`. Applies to a cached account in slot
   * order (an equal slot replaces); for an account being loaded it is kept so an older load cannot win.
   */
  applyNotification(address: string, slot: number, view: AccountView | null): void {
    this.applyWrite(address, this.order.arrival(slot), view, UPDATE_SOURCE_NOTIFICATION);
  }

  /** A write by the local bank at `slot` (embedded mode): same rule as a notification. */
  applyBankWrite(address: string, slot: number, view: AccountView | null): void {
    this.applyWrite(address, this.order.arrival(slot), view, UPDATE_SOURCE_BANK);
  }

  private applyWrite(address: string, key: number, view: AccountView | null, source: number): void {
    const loading = this.inflight.get(address);
    if (loading && (loading.notified === null || key >= loading.notified.key))
      loading.notified = { view, key };
    if (!this.decode(address)) return;
    const held = this.cache.held(this.scratch, 0);
    if (held === undefined) return;
    const value = this.wrap(address, view, held.prefetchTrigger);
    this.writing = value;
    const outcome = this.cache.update(this.scratch, 0, value, key, value.dataBytes);
    this.writing = null;
    if (outcome === PUT_ABSENT) return;
    if (outcome === PUT_STALE) {
      this.counters.updatesStale[source]++;
      return;
    }
    this.counters.updates[source]++;
    this.forget(held);
    if (outcome === PUT_UPDATED) this.remember(value);
    else this.releaseIfUnused(address, false);
  }

  /**
   * A write of the account at `slot` was seen without its value (a forwarded transaction that wrote it
   * executed at that slot): older values stop serving; a load on its way is asked again.
   */
  invalidate(address: string, slot: number): void {
    const key = this.order.arrival(slot);
    const loading = this.inflight.get(address);
    if (loading && key > loading.minKey) loading.minKey = key;
    if (!this.decode(address)) return;
    if (this.cache.invalidate(this.scratch, 0, key)) this.counters.updates[UPDATE_SOURCE_INVALIDATION]++;
  }

  /** Everything cached is dropped (the change feed was lost, so nothing cached can be trusted). */
  reset(): void {
    this.generation++;
    this.cache.clear();
  }

  /** Changes the byte bound live. */
  setCapacityBytes(capacityBytes: number): void {
    this.cache.setCapacityBytes(capacityBytes);
  }

  private wrap(address: string, view: AccountView | null, prefetchTrigger: number): CachedAccount {
    return { address, view, kind: classifyAccount(view), dataBytes: view?.data.length ?? 0, prefetchTrigger };
  }

  private remember(value: CachedAccount): void {
    this.counters.entries[value.kind]++;
    this.counters.heldBytes[value.kind] += value.dataBytes;
  }

  private forget(value: CachedAccount): void {
    this.counters.entries[value.kind]--;
    this.counters.heldBytes[value.kind] -= value.dataBytes;
  }

  /** Caches a loaded value if the account's changes were followed since before the load was sent. */
  private fill(
    address: string,
    view: AccountView | null,
    key: number,
    fromLoad: boolean,
    sentAtMs: number,
    trigger: number,
  ): void {
    if (!this.options.feed.activeSince(address, sentAtMs) || !this.decode(address)) return;
    const held = this.cache.held(this.scratch, 0);
    const value = this.wrap(address, view, held?.prefetchTrigger ?? trigger);
    this.writing = value;
    const outcome = this.cache.put(this.scratch, 0, value, key, value.dataBytes, !fromLoad);
    this.writing = null;
    if (outcome === PUT_STALE) {
      this.counters.updatesStale[UPDATE_SOURCE_LOAD]++;
      return;
    }
    this.counters.updates[UPDATE_SOURCE_LOAD]++;
    if (held !== undefined) this.forget(held);
    if (outcome === PUT_INSERTED || outcome === PUT_UPDATED) this.remember(value);
  }

  /**
   * Loads the addresses (coalescing with loads already on their way), caches what may be cached, and
   * answers each with its value and key.
   */
  private async loadAndFill(
    addresses: readonly string[],
    trigger: number,
  ): Promise<{ view: AccountView | null; key: number }[]> {
    const fresh: string[] = [];
    const freshRecords: Inflight[] = [];
    const records: Inflight[] = [];
    for (const address of addresses) {
      let record = this.inflight.get(address);
      // A load asked before a write that has been seen since cannot answer for this read: ask again.
      if (record === undefined || record.minKey > record.minKeyAtSend) {
        if (record !== undefined) record.superseded = true;
        record = {
          promise: Promise.resolve(),
          view: null,
          key: -1,
          notified: null,
          minKey: record?.minKey ?? this.knownKey(address),
          minKeyAtSend: -1,
          superseded: false,
          error: null,
        };
        this.inflight.set(address, record);
        fresh.push(address);
        freshRecords.push(record);
      }
      records.push(record);
    }
    if (fresh.length > 0) {
      const promise = this.loadFresh(fresh, freshRecords, trigger);
      for (const record of freshRecords) record.promise = promise;
    }
    await Promise.all(records.map((record) => record.promise));
    return records.map((record) => {
      if (record.error) throw record.error;
      const notified = record.notified;
      if (notified !== null && notified.key >= record.key) return { view: notified.view, key: notified.key };
      return { view: record.view, key: record.key };
    });
  }

  private async loadFresh(addresses: string[], records: Inflight[], trigger: number): Promise<void> {
    const generation = this.generation;
    const nowMs = performance.now();
    for (const address of addresses) {
      const holding = this.options.feed.hold(address);
      // Not followed yet: this load's value cannot be cached; once it is followed, load again to fill.
      if (!this.options.feed.activeSince(address, nowMs)) {
        this.fillsPending.add(address);
        void holding.then((active) => this.fillLater(address, active, generation, trigger));
      }
    }
    try {
      let pending = addresses.map((_, index) => index);
      for (let attempt = 0; attempt < 3 && pending.length > 0; attempt++) {
        // The answer reflects the node's state at some moment after this.
        const stamp = this.order.stamp();
        const sentAtMs = performance.now();
        for (const index of pending) records[index].minKeyAtSend = records[index].minKey;
        const answer = await this.options.source.load(
          pending.map((index) => addresses[index]),
          "processed",
          attempt === 0 ? 0 : slotOfKey(Math.max(...pending.map((index) => records[index].minKeyAtSend))),
        );
        const again: number[] = [];
        for (let k = 0; k < pending.length; k++) {
          const index = pending[k];
          const record = records[index];
          const address = addresses[index];
          const key = this.order.keyOf(answer.slot, stamp);
          record.view = answer.accounts[k];
          record.key = key;
          this.options.onLoaded?.(address, record.view);
          // A notification newer than the answer came meanwhile: it is the answer (and may fill).
          const notified = record.notified;
          const newest = notified !== null && notified.key >= key ? notified.key : key;
          // Older than a write known when it was asked: the node is behind; ask again (at least that slot).
          if (newest < record.minKeyAtSend) {
            again.push(index);
            continue;
          }
          // Older than a write seen while it travelled: good for the reads that asked, not for the cache.
          if (generation !== this.generation || record.superseded || newest < record.minKey) continue;
          if (newest === key) this.fill(address, record.view, key, true, sentAtMs, trigger);
          else if (notified !== null)
            this.fill(address, notified.view, notified.key, false, sentAtMs, trigger);
        }
        pending = again;
      }
      for (const index of pending) {
        records[index].error = new Error(
          `account ${addresses[index]}: the node answered older than a write it reported`,
        );
      }
    } catch (error) {
      for (const record of records) record.error = error as Error;
    } finally {
      for (let index = 0; index < addresses.length; index++) {
        const address = addresses[index];
        if (this.inflight.get(address) === records[index]) this.inflight.delete(address);
        this.releaseIfUnused(address, false);
      }
    }
  }

  /** The account's changes are followed now (or could not be): load it again so it can be cached. */
  private fillLater(address: string, active: boolean, generation: number, trigger: number): void {
    const loading = this.inflight.get(address);
    if (active && loading !== undefined) {
      // Wait for the load on its way (sent before the subscription came up), then load again.
      void loading.promise.finally(() => this.fillLater(address, active, generation, trigger));
      return;
    }
    this.fillsPending.delete(address);
    if (!active || generation !== this.generation || this.fillsInFlight >= FILLS_IN_FLIGHT_MAX) {
      this.releaseIfUnused(address, false);
      return;
    }
    if (!this.decode(address) || this.cache.held(this.scratch, 0) !== undefined) return;
    this.fillsInFlight++;
    void this.loadAndFill([address], trigger)
      .catch(() => {})
      .finally(() => this.fillsInFlight--);
  }

  /** Ends the account's subscription unless it is cached, loading, or about to be filled. */
  private releaseIfUnused(address: string, leaving: boolean): void {
    if (this.inflight.has(address) || this.fillsPending.has(address)) return;
    if (!leaving && this.decode(address) && this.cache.held(this.scratch, 0) !== undefined) return;
    this.options.feed.release(address);
  }
}
