// Turns the account cache's plain counters (CachedAccounts.counters, indexed by account kind, update
// source and prefetch trigger) into the accounts metrics of src/metrics/definitions.ts. Handles are
// resolved once; sync() adds what changed since the last call and sets the gauges (no allocation).

import { ACCOUNT_KINDS, ACCOUNT_UPDATE_SOURCES, PREFETCH_TRIGGERS } from "../metrics/labels.ts";
import type { attachMetrics } from "../metrics/registry.ts";
import type { CachedAccounts } from "./cached-accounts.ts";

type Shard = ReturnType<ReturnType<typeof attachMetrics>["shard"]>;
type Counter = ReturnType<Shard["counter"]>;
type Gauge = ReturnType<Shard["gauge"]>;

class CounterSet {
  private readonly last: Float64Array;
  constructor(
    private readonly handles: Counter[],
    private readonly values: Float64Array,
  ) {
    this.last = new Float64Array(values.length);
  }
  sync(): void {
    for (let index = 0; index < this.handles.length; index++) {
      const delta = this.values[index] - this.last[index];
      if (delta > 0) this.handles[index].inc(delta);
      this.last[index] = this.values[index];
    }
  }
}

export class CacheMetrics {
  private readonly counters: CounterSet[];
  private readonly entries: Gauge[];
  private readonly heldBytes: Gauge[];
  private readonly capacity: Gauge;

  constructor(
    shard: Shard,
    private readonly cached: CachedAccounts,
  ) {
    const c = cached.counters;
    const byKind = (name: string, result: string | null, values: Float64Array) =>
      new CounterSet(
        ACCOUNT_KINDS.map((kind) => shard.counter(name, result === null ? { kind } : { result, kind })),
        values,
      );
    this.counters = [
      byKind("outrider_accounts_cache_lookups_total", "hit", c.hits),
      byKind("outrider_accounts_cache_lookups_total", "miss", c.misses),
      byKind("outrider_accounts_cache_lookups_total", "stale", c.stale),
      byKind("outrider_accounts_cache_evictions_total", null, c.evictions),
      new CounterSet(
        ACCOUNT_UPDATE_SOURCES.map((source) =>
          shard.counter("outrider_accounts_cache_updates_total", { source }),
        ),
        c.updates,
      ),
      new CounterSet(
        ACCOUNT_UPDATE_SOURCES.map((source) =>
          shard.counter("outrider_accounts_cache_updates_stale_total", { source }),
        ),
        c.updatesStale,
      ),
      new CounterSet(
        PREFETCH_TRIGGERS.map((trigger) =>
          shard.counter("outrider_accounts_prefetch_issued_total", { trigger }),
        ),
        c.prefetchIssued,
      ),
      new CounterSet(
        PREFETCH_TRIGGERS.map((trigger) =>
          shard.counter("outrider_accounts_prefetch_used_total", { trigger }),
        ),
        c.prefetchUsed,
      ),
    ];
    this.entries = ACCOUNT_KINDS.map((kind) => shard.gauge("outrider_accounts_cache_entries", { kind }));
    this.heldBytes = ACCOUNT_KINDS.map((kind) => shard.gauge("outrider_accounts_cache_held_bytes", { kind }));
    this.capacity = shard.gauge("outrider_accounts_cache_capacity_bytes", {});
    this.sync();
  }

  sync(): void {
    for (const set of this.counters) set.sync();
    const c = this.cached.counters;
    for (let kind = 0; kind < this.entries.length; kind++) {
      this.entries[kind].set(c.entries[kind]);
      this.heldBytes[kind].set(c.heldBytes[kind]);
    }
    this.capacity.set(this.cached.cache.capacityBytes);
  }
}
