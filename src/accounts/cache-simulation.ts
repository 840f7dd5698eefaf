// Replays an access trace through three policies and reports their hit ratios: Outrider's account cache
// (W-TinyLFU), plain LRU (the lru-cache package, the named baseline) and Bélády's optimal with bypass.
// Each access is a read; a miss is followed by a fill at the access index as its slot.
import { LRUCache } from "lru-cache";
import type { AccessTrace } from "./access-trace.ts";
import { ACCOUNT_ENTRY_OVERHEAD_BYTES, AccountCache } from "./account-cache.ts";
import { ADDRESS_BYTES } from "./address-index.ts";
import { optimalHits } from "./optimal-policy.ts";

export type CapacityUnit = "entries" | "bytes";

export interface SimulationCapacity {
  unit: CapacityUnit;
  /** Entries, or bytes of (data + entry overhead). */
  value: number;
}

export interface SimulationResult {
  accesses: number;
  distinctAccounts: number;
  capacity: number;
  capacityUnit: CapacityUnit;
  policies: { outrider: number; lru: number; optimal: number };
  hits: { outrider: number; lru: number; optimal: number };
  outriderWindowFraction: number;
}

export type ProgressListener = (policy: string, accessesDone: number, accessesTotal: number) => void;

const PROGRESS_EVERY = 1 << 20;

/**
 * Weight of access i: with an entry bound every account weighs the fixed overhead (sizes ignored);
 * with a byte bound it weighs its data length plus the overhead.
 */
function weigher(trace: AccessTrace, unit: CapacityUnit): (index: number) => number {
  return unit === "entries"
    ? () => ACCOUNT_ENTRY_OVERHEAD_BYTES
    : (index) => trace.dataBytes[index] + ACCOUNT_ENTRY_OVERHEAD_BYTES;
}

function limits(trace: AccessTrace, capacity: SimulationCapacity): { bytes: number; entries: number } {
  if (capacity.unit === "entries")
    return { bytes: capacity.value * ACCOUNT_ENTRY_OVERHEAD_BYTES, entries: capacity.value };
  const entries = Math.min(Math.floor(capacity.value / ACCOUNT_ENTRY_OVERHEAD_BYTES), trace.distinctAccounts);
  return { bytes: capacity.value, entries: Math.max(1, entries) };
}

export function simulateOutrider(
  trace: AccessTrace,
  capacity: SimulationCapacity,
  onProgress?: ProgressListener,
): { hits: number; windowFraction: number } {
  const { bytes, entries } = limits(trace, capacity);
  if (capacity.value === 0) return { hits: 0, windowFraction: 0 };
  const cache = new AccountCache<number>({ capacityBytes: bytes, entriesMax: entries, seed: 0x5eed });
  const { addresses, accountIds, dataBytes } = trace;
  const countBound = capacity.unit === "entries";
  let hits = 0;
  for (let index = 0; index < trace.accesses; index++) {
    if (onProgress && (index & (PROGRESS_EVERY - 1)) === 0 && index > 0)
      onProgress("outrider", index, trace.accesses);
    const offset = accountIds[index] * ADDRESS_BYTES;
    if (cache.get(addresses, offset) !== undefined) hits++;
    else cache.put(addresses, offset, index, index, countBound ? 0 : dataBytes[index]);
  }
  return { hits, windowFraction: cache.windowFraction };
}

export function simulateLru(
  trace: AccessTrace,
  capacity: SimulationCapacity,
  onProgress?: ProgressListener,
): number {
  if (capacity.value === 0) return 0;
  const lru =
    capacity.unit === "entries"
      ? new LRUCache<number, number>({ max: capacity.value })
      : new LRUCache<number, number>({ maxSize: capacity.value, sizeCalculation: (weight) => weight });
  const weightOf = weigher(trace, capacity.unit);
  const { accountIds } = trace;
  let hits = 0;
  for (let index = 0; index < trace.accesses; index++) {
    if (onProgress && (index & (PROGRESS_EVERY - 1)) === 0 && index > 0)
      onProgress("lru", index, trace.accesses);
    const id = accountIds[index];
    if (lru.get(id) !== undefined) hits++;
    else {
      const weight = weightOf(index);
      if (weight <= capacity.value || capacity.unit === "entries") lru.set(id, weight);
    }
  }
  return hits;
}

export function simulateOptimal(
  trace: AccessTrace,
  capacity: SimulationCapacity,
  onProgress?: ProgressListener,
): number {
  const { bytes, entries } = limits(trace, capacity);
  if (capacity.value === 0) return 0;
  return optimalHits(
    {
      accountIds: trace.accountIds,
      distinctAccounts: trace.distinctAccounts,
      weightOf: weigher(trace, capacity.unit),
      capacityWeight: bytes,
      entriesMax: entries,
    },
    onProgress && ((done) => onProgress("optimal", done, trace.accesses)),
  );
}

function ratio(hits: number, accesses: number): number {
  return accesses === 0 ? 0 : Math.round((hits / accesses) * 1e6) / 1e6;
}

export function simulateCachePolicies(
  trace: AccessTrace,
  capacity: SimulationCapacity,
  onProgress?: ProgressListener,
): SimulationResult {
  const outrider = simulateOutrider(trace, capacity, onProgress);
  const lru = simulateLru(trace, capacity, onProgress);
  const optimal = simulateOptimal(trace, capacity, onProgress);
  return {
    accesses: trace.accesses,
    distinctAccounts: trace.distinctAccounts,
    capacity: capacity.value,
    capacityUnit: capacity.unit,
    policies: {
      outrider: ratio(outrider.hits, trace.accesses),
      lru: ratio(lru, trace.accesses),
      optimal: ratio(optimal, trace.accesses),
    },
    hits: { outrider: outrider.hits, lru, optimal },
    outriderWindowFraction: Math.round(outrider.windowFraction * 1e4) / 1e4,
  };
}
