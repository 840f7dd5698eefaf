// The trading account cache: W-TinyLFU (after Caffeine's design) over 32-byte account addresses,
// bounded by bytes and by entry count, with slot-ordered coherency.
//
// Policy: a recency window (LRU) admits every newcomer; what falls out of the window competes with the
// main space's victims (segmented LRU: probation → protected) and wins only when its frequency per byte
// is higher than theirs together (size-aware TinyLFU: the victims it would displace are summed).
// Frequencies: a count-min sketch (4-bit counters) for accounts not cached, an exact 4-bit counter per
// cached entry (a hit bumps one byte instead of four sketch counters; a departing entry leaves its count
// in the sketch), both halved together every 40 × entries accesses.
// Order: a hit does not move the entry in its LRU list; it sets a reference bit (with the frequency, in
// one byte). When the policy looks at a list's LRU end (a window leaver, main's victim, protected
// overflow), a referenced entry there gets its second chance first: back to the MRU end of its list
// (from probation, promoted to protected) with its bit cleared. So the hit path touches the index and
// one byte of policy state, and the lists still evict in (near) LRU order. The window's share of capacity is
// tuned live by hill climbing, so recency-heavy workloads get a large window and frequency-heavy ones
// a small one. The climber also gets, per sample, plain LRU's hit ratio at the same bounds, estimated by
// a sampled shadow LRU (lru-shadow.ts): when LRU would have done better, recency is winning (the hot set
// keeps moving, and stale frequencies in main refuse the new one) and the window grows at once.
//
// Coherency: every value carries the slot it was observed at. put() never replaces a value observed at
// a newer slot with an older one (counted as a stale write); an older write for an address that left
// the cache is refused through the slot floor; get(address, minSlot) never returns a value older than
// minSlot. Lookups go through a preallocated hash index; a hit allocates nothing.
import { ADDRESS_BYTES, AddressIndex, assertAddressSlice } from "./address-index.ts";
import { accountError } from "./errors.ts";
import { FrequencySketch } from "./frequency-sketch.ts";
import { LruShadow } from "./lru-shadow.ts";
import { SlotFloor } from "./slot-floor.ts";
import { WindowClimber } from "./window-climber.ts";

/** Largest account data length Solana allows. */
export const ACCOUNT_DATA_BYTES_MAX = 10 * 1024 * 1024;
/** Fixed bytes charged per entry on top of its data (key, slot, links, index slot, value object). */
export const ACCOUNT_ENTRY_OVERHEAD_BYTES = 128;
export const PROTECTED_FRACTION = 0.8;
export const INITIAL_WINDOW_FRACTION = 0.01;
/** Candidates at least this frequent get a 1-in-128 chance against a more frequent victim (hash-flooding). */
export const ADMIT_RANDOM_FREQUENCY_MIN = 6;
/** Climber sample length, in accesses per resident entry (Caffeine's 10). */
export const SAMPLE_ACCESSES_PER_ENTRY = 10;
/**
 * Frequencies are halved every this many accesses per resident entry. Caffeine ages every 10 × the
 * maximum size; with exact per-entry counts a longer memory ranks a Zipf tail better (trading trace,
 * 64 MiB: 0.8804 at 10, 0.8833 at 40).
 */
export const AGING_ACCESSES_PER_ENTRY = 40;
/** The cache counts as warm (and starts adapting) once it is this full. */
const WARM_FRACTION = 0.9;

/** Largest entry bound (tables are preallocated: about 100 bytes per entry). */
export const ENTRIES_MAX_LIMIT = 1 << 24;

/** put() outcomes. */
export const PUT_STALE = 0;
export const PUT_INSERTED = 1;
export const PUT_UPDATED = 2;
export const PUT_REJECTED = 3;
/** update(): the address is not cached (nothing stored). */
export const PUT_ABSENT = 4;
export type PutOutcome =
  | typeof PUT_STALE
  | typeof PUT_INSERTED
  | typeof PUT_UPDATED
  | typeof PUT_REJECTED
  | typeof PUT_ABSENT;

/**
 * Called for every entry that leaves the cache (evicted, refused, deleted, cleared), before it goes,
 * with the newest slot known for it. Must not call back into the cache.
 */
export type EvictionListener<V> = (value: V, seenSlot: number) => void;

const FREQUENCY_MASK = 127;
const FREQUENCY_MAX = 127;
const REFERENCED = 0x80;
/** Referenced entries an admission walk passes over before it starts giving them their second chance. */
const REFERENCED_PASSED_MAX = 16;
const WINDOW = 0;
const PROBATION = 1;
const PROTECTED = 2;
const FREE = 3;
const DETACHED = 4;
const NONE = -1;

export interface AccountCacheOptions<V = unknown> {
  /** Bound on the sum of entry weights (data bytes + entryOverheadBytes). */
  capacityBytes: number;
  /** Bound on the number of entries; sizes every table up front. */
  entriesMax: number;
  entryOverheadBytes?: number;
  /** Initial share of capacity for the recency window (default 0.01). */
  windowFraction?: number;
  /** Hill-climb the window share (default true). */
  adaptive?: boolean;
  /** Seed of the address hash and admission randomness (default: random). */
  seed?: number;
  onEvict?: EvictionListener<V>;
}

export interface AccountCacheStats {
  entries: number;
  weightBytes: number;
  capacityBytes: number;
  entriesMax: number;
  windowFraction: number;
  hits: number;
  misses: number;
  staleReads: number;
  staleWritesIgnored: number;
  inserts: number;
  updates: number;
  evictions: number;
  admissionsRefused: number;
  rejectedTooLarge: number;
  windowAdjustments: number;
  sketchResets: number;
}

export class AccountCache<V> {
  readonly entriesMax: number;
  readonly entryOverheadBytes: number;
  /** Slot of the value returned by the last successful get() or peek(). */
  lastSlot = -1;

  hits = 0;
  misses = 0;
  staleReads = 0;
  staleWritesIgnored = 0;
  inserts = 0;
  updates = 0;
  evictions = 0;
  admissionsRefused = 0;
  rejectedTooLarge = 0;

  private capacity: number;
  private readonly adaptive: boolean;
  private warm = false;
  private randomState: number;
  private readonly index: AddressIndex;
  private readonly sketch: FrequencySketch;
  private readonly climber: WindowClimber;
  /** Sampled estimate of plain LRU's hit ratio at the same bounds (fed only when adaptive). */
  private readonly shadow: LruShadow;
  /** Per cached entry: access frequency (0..15, bits 0–3), aged with the sketch; bit 7: referenced since it was last placed. */
  private readonly frequencies: Uint8Array;
  private accessesSinceAging = 0;
  private agingPeriod: number;
  private sampleHits = 0;
  private sampleAccesses = 0;
  /** Scratch list of admission victims (reused). */
  private readonly victims: number[] = [];
  private readonly floor: SlotFloor;
  private readonly values: (V | undefined)[];
  /**
   * Per entry, side by side (one cache line for a hit): [2e] the slot its value was observed at,
   * [2e+1] the newest slot a write of its account was seen at (≥ the first); it serves only when equal.
   */
  private readonly slots: Float64Array;
  private readonly onEvict: EvictionListener<V> | undefined;
  private readonly weights: Float64Array;
  private readonly segmentOf: Uint8Array;
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private readonly heads = new Int32Array(3).fill(NONE);
  private readonly tails = new Int32Array(3).fill(NONE);
  private readonly segmentBytes = new Float64Array(3);
  private readonly segmentCount = new Int32Array(3);
  private readonly freeIds: Int32Array;
  private freeCount: number;
  private windowBytesMax = 0;
  private mainBytesMax = 0;
  private protectedBytesMax = 0;
  private windowCountMax = 0;
  private mainCountMax = 0;
  private protectedCountMax = 0;

  constructor(options: AccountCacheOptions<V>) {
    const { capacityBytes, entriesMax } = options;
    assertCapacity(capacityBytes);
    if (!Number.isInteger(entriesMax) || entriesMax < 1 || entriesMax > ENTRIES_MAX_LIMIT)
      throw accountError("CACHE_BAD_OPTION", `entriesMax must be an integer in 1..${ENTRIES_MAX_LIMIT}`, {
        entriesMax,
      });
    const overhead = options.entryOverheadBytes ?? ACCOUNT_ENTRY_OVERHEAD_BYTES;
    if (!Number.isInteger(overhead) || overhead < 1 || overhead > 1 << 20)
      throw accountError("CACHE_BAD_OPTION", "entryOverheadBytes must be an integer in 1..1048576", {
        entryOverheadBytes: overhead,
      });
    const windowFraction = options.windowFraction ?? INITIAL_WINDOW_FRACTION;
    if (!(windowFraction >= 0 && windowFraction <= 0.99))
      throw accountError("CACHE_BAD_OPTION", "windowFraction must be in 0..0.99", { windowFraction });
    const seed = options.seed ?? (Math.random() * 2 ** 32) >>> 0;
    this.capacity = capacityBytes;
    this.entriesMax = entriesMax;
    this.entryOverheadBytes = overhead;
    this.adaptive = options.adaptive ?? true;
    this.randomState = seed | 1;
    // One spare slot: a newcomer is placed before eviction brings the count back under entriesMax.
    const slotsTotal = entriesMax + 1;
    this.index = new AddressIndex(slotsTotal, seed); // validates entriesMax
    this.sketch = new FrequencySketch(entriesMax);
    // The cache ages the sketch itself (with the entries' counters), on all accesses.
    this.sketch.resetPeriod = Number.MAX_SAFE_INTEGER;
    this.agingPeriod = AGING_ACCESSES_PER_ENTRY * Math.max(64, entriesMax);
    this.climber = new WindowClimber(windowFraction, SAMPLE_ACCESSES_PER_ENTRY * Math.max(64, entriesMax));
    this.shadow = new LruShadow(this.adaptive ? capacityBytes : 0, this.adaptive ? entriesMax : 1);
    this.frequencies = new Uint8Array(slotsTotal);
    this.floor = new SlotFloor(entriesMax);
    this.values = new Array<V | undefined>(slotsTotal).fill(undefined);
    this.slots = new Float64Array(2 * slotsTotal);
    this.onEvict = options.onEvict;
    this.weights = new Float64Array(slotsTotal);
    this.segmentOf = new Uint8Array(slotsTotal).fill(FREE);
    this.prev = new Int32Array(slotsTotal).fill(NONE);
    this.next = new Int32Array(slotsTotal).fill(NONE);
    this.freeIds = new Int32Array(slotsTotal);
    for (let id = 0; id < slotsTotal; id++) this.freeIds[id] = slotsTotal - 1 - id;
    this.freeCount = slotsTotal;
    this.computeBudgets();
  }

  get capacityBytes(): number {
    return this.capacity;
  }
  /** Entries held. */
  get size(): number {
    return this.segmentCount[WINDOW] + this.segmentCount[PROBATION] + this.segmentCount[PROTECTED];
  }
  /** Sum of entry weights held (always ≤ capacityBytes). */
  get weightBytes(): number {
    return this.segmentBytes[WINDOW] + this.segmentBytes[PROBATION] + this.segmentBytes[PROTECTED];
  }
  get windowFraction(): number {
    return this.climber.windowFraction;
  }

  /**
   * The value cached for address[offset…+32) if it was observed at slot ≥ minSlot, else undefined.
   * Counts the access for admission and adaptation. Its slot is left in `lastSlot`.
   */
  get(address: Uint8Array, offset = 0, minSlot = 0): V | undefined {
    if (offset + ADDRESS_BYTES > address.length || offset < 0) assertAddressSlice(address, offset);
    const entry = this.index.find(address, offset);
    if (++this.accessesSinceAging >= this.agingPeriod) this.age();
    const slot = entry >= 0 ? this.slots[2 * entry] : -1;
    if (entry >= 0 && slot >= minSlot && slot >= this.slots[2 * entry + 1]) {
      this.hits++;
      const frequency = this.frequencies[entry];
      this.frequencies[entry] =
        ((frequency & FREQUENCY_MASK) < FREQUENCY_MAX ? frequency + 1 : frequency) | REFERENCED;
      this.lastSlot = slot;
      if (this.warm && this.adaptive) {
        const hash = this.index.lastHash;
        if ((hash & this.shadow.trackMask) === 0) this.shadow.access(hash, this.weights[entry]);
        this.sampleHits++;
        if (++this.sampleAccesses >= this.climber.sampleAccesses) this.closeSample();
      }
      return this.values[entry];
    }
    if (entry >= 0) {
      this.staleReads++;
      if ((this.frequencies[entry] & FREQUENCY_MASK) < FREQUENCY_MAX) this.frequencies[entry]++;
    } else this.sketch.increment(this.index.lastHash);
    if (this.warm && this.adaptive && this.shadow.tracks(this.index.lastHash))
      this.shadow.access(this.index.lastHash, entry >= 0 ? this.weights[entry] : 0);
    this.misses++;
    if (this.warm && this.adaptive && ++this.sampleAccesses >= this.climber.sampleAccesses)
      this.closeSample();
    return undefined;
  }

  /** Ends a climber sample: the window share may move. */
  private closeSample(): void {
    const changed = this.climber.recordSample(this.sampleHits, this.sampleAccesses, this.shadow.takeSample());
    this.sampleHits = 0;
    this.sampleAccesses = 0;
    if (changed) this.adapt();
  }

  /** Halves every frequency (the sketch's and the entries'): old popularity fades. */
  private age(): void {
    this.accessesSinceAging = 0;
    this.sketch.halve();
    const frequencies = this.frequencies;
    for (let entry = 0; entry < frequencies.length; entry++) {
      const frequency = frequencies[entry];
      frequencies[entry] = ((frequency & FREQUENCY_MASK) >>> 1) | (frequency & REFERENCED);
    }
  }

  /** Like get() but records nothing and changes no order. */
  peek(address: Uint8Array, offset = 0, minSlot = 0): V | undefined {
    if (offset + ADDRESS_BYTES > address.length || offset < 0) assertAddressSlice(address, offset);
    const entry = this.index.find(address, offset);
    if (entry < 0 || this.slots[2 * entry] < minSlot || this.slots[2 * entry] < this.slots[2 * entry + 1])
      return undefined;
    this.lastSlot = this.slots[2 * entry];
    return this.values[entry];
  }

  /**
   * Newest slot known for the address: the newest write seen for a cached account, else the slot floor
   * of its hash bucket (conservative: at least the newest slot seen for any address sharing it); -1 if none.
   */
  seenSlotOf(address: Uint8Array, offset = 0): number {
    assertAddressSlice(address, offset);
    const entry = this.index.find(address, offset);
    return entry >= 0 ? this.slots[2 * entry + 1] : this.floor.floorOf(this.index.lastHash);
  }

  /** The value held for the address whatever its slot (no access recorded), or undefined. */
  held(address: Uint8Array, offset = 0): V | undefined {
    assertAddressSlice(address, offset);
    const entry = this.index.find(address, offset);
    if (entry < 0) return undefined;
    this.lastSlot = this.slots[2 * entry];
    return this.values[entry];
  }

  /**
   * Stores `value`, observed at `slot`, whose account data is `dataBytes` long. An older slot than the
   * one held (or than one that left the cache) is ignored: PUT_STALE. A write at the same slot replaces
   * (later write within a slot wins) unless `replaceSameSlot` is false (a load, which may have read the
   * slot's state before a write it does not show). Updates of a cached account keep its place in the policy.
   */
  put(
    address: Uint8Array,
    offset: number,
    value: V,
    slot: number,
    dataBytes: number,
    replaceSameSlot = true,
  ): PutOutcome {
    return this.write(address, offset, value, slot, dataBytes, replaceSameSlot, true);
  }

  /**
   * Like put() with a same-slot replace, but only for an address already cached: an update from a
   * notification or a bank write. Returns PUT_ABSENT (nothing stored) for an address not cached.
   */
  update(address: Uint8Array, offset: number, value: V, slot: number, dataBytes: number): PutOutcome {
    return this.write(address, offset, value, slot, dataBytes, true, false);
  }

  /**
   * A write of the account at `slot` was seen without its value: a cached value older than `slot` no
   * longer serves (it is kept in place for the newer value to replace), and any later write older than
   * `slot` is refused. Returns true when a cached value became stale.
   */
  invalidate(address: Uint8Array, offset: number, slot: number): boolean {
    assertAddressSlice(address, offset);
    if (!Number.isSafeInteger(slot) || slot < 0)
      throw accountError("SLOT_INVALID", "a slot is a non-negative integer", { slot });
    const entry = this.index.find(address, offset);
    if (entry < 0) {
      this.floor.raise(this.index.lastHash, slot);
      return false;
    }
    if (slot > this.slots[2 * entry + 1]) this.slots[2 * entry + 1] = slot;
    return this.slots[2 * entry] < slot;
  }

  private write(
    address: Uint8Array,
    offset: number,
    value: V,
    slot: number,
    dataBytes: number,
    replaceSameSlot: boolean,
    insert: boolean,
  ): PutOutcome {
    assertAddressSlice(address, offset);
    if (!Number.isSafeInteger(slot) || slot < 0)
      throw accountError("SLOT_INVALID", "a slot is a non-negative integer", { slot });
    if (!Number.isInteger(dataBytes) || dataBytes < 0 || dataBytes > ACCOUNT_DATA_BYTES_MAX)
      throw accountError(
        "DATA_BYTES_INVALID",
        `account data length must be an integer in 0..${ACCOUNT_DATA_BYTES_MAX}`,
        {
          dataBytes,
        },
      );
    const weight = dataBytes + this.entryOverheadBytes;
    const entry = this.index.find(address, offset);
    const hash = this.index.lastHash;
    if (entry >= 0) {
      if (slot < this.slots[2 * entry] || (!replaceSameSlot && slot === this.slots[2 * entry])) {
        this.staleWritesIgnored++;
        return PUT_STALE;
      }
      this.values[entry] = value;
      this.slots[2 * entry] = slot;
      if (slot > this.slots[2 * entry + 1]) this.slots[2 * entry + 1] = slot;
      const delta = weight - this.weights[entry];
      if (delta !== 0) {
        this.weights[entry] = weight;
        this.segmentBytes[this.segmentOf[entry]] += delta;
        if (weight > this.capacity) {
          this.rejectedTooLarge++;
          this.release(entry);
          return PUT_REJECTED;
        }
        this.enforceBounds();
        // Growing may have made the entry itself the victim.
        if (this.segmentOf[entry] === FREE) return PUT_REJECTED;
      }
      this.updates++;
      return PUT_UPDATED;
    }
    if (!insert) return PUT_ABSENT;
    if (slot < this.floor.floorOf(hash)) {
      this.staleWritesIgnored++;
      return PUT_STALE;
    }
    if (weight > this.capacity) {
      this.rejectedTooLarge++;
      this.floor.raise(hash, slot);
      return PUT_REJECTED;
    }
    const id = this.freeIds[--this.freeCount];
    this.index.insert(id, address, offset, hash);
    this.values[id] = value;
    this.slots[2 * id] = slot;
    this.slots[2 * id + 1] = slot;
    this.frequencies[id] = this.sketch.frequency(hash);
    this.weights[id] = weight;
    this.link(WINDOW, id);
    if (this.warm && this.adaptive && this.shadow.tracks(hash)) this.shadow.insert(hash, weight);
    this.inserts++;
    if (!this.warm) this.checkWarm();
    this.evictWindowOverflow();
    this.evictMainOverflow();
    return this.segmentOf[id] === FREE ? PUT_REJECTED : PUT_INSERTED;
  }

  /** Removes an address (e.g. the account was closed at `slot`); later older writes stay refused. */
  delete(address: Uint8Array, offset = 0, slot = 0): boolean {
    assertAddressSlice(address, offset);
    const entry = this.index.find(address, offset);
    this.floor.raise(this.index.lastHash, slot);
    if (entry < 0) return false;
    this.release(entry);
    return true;
  }

  /** Drops every entry (each raises its floor, so nothing older can come back); keeps the frequencies. */
  clear(): void {
    for (let segment = WINDOW; segment <= PROTECTED; segment++) {
      while (this.heads[segment] !== NONE) this.release(this.heads[segment]);
    }
  }

  /**
   * Calls `visit` for every cached value, hottest first: protected (most recent first), then probation,
   * then the window. Stops when `visit` returns false. For saving the hot set.
   */
  forEachHottest(visit: (value: V, slot: number, dataWeight: number) => boolean): void {
    for (const segment of [PROTECTED, PROBATION, WINDOW]) {
      for (let entry = this.tails[segment]; entry !== NONE; entry = this.prev[entry]) {
        if (
          !visit(
            this.values[entry] as V,
            this.slots[2 * entry],
            this.weights[entry] - this.entryOverheadBytes,
          )
        )
          return;
      }
    }
  }

  /** Changes the byte bound live; shrinking evicts at once. */
  setCapacityBytes(capacityBytes: number): void {
    assertCapacity(capacityBytes);
    this.capacity = capacityBytes;
    if (this.adaptive) this.shadow.setCapacityBytes(capacityBytes);
    this.computeBudgets();
    this.enforceBounds();
  }

  stats(): AccountCacheStats {
    return {
      entries: this.size,
      weightBytes: this.weightBytes,
      capacityBytes: this.capacity,
      entriesMax: this.entriesMax,
      windowFraction: this.climber.windowFraction,
      hits: this.hits,
      misses: this.misses,
      staleReads: this.staleReads,
      staleWritesIgnored: this.staleWritesIgnored,
      inserts: this.inserts,
      updates: this.updates,
      evictions: this.evictions,
      admissionsRefused: this.admissionsRefused,
      rejectedTooLarge: this.rejectedTooLarge,
      windowAdjustments: this.climber.adjustments,
      sketchResets: this.sketch.resets,
    };
  }

  /** Checks every internal invariant; for tests. Returns a description of the first violation, or "". */
  checkInvariants(): string {
    let count = 0;
    for (let segment = WINDOW; segment <= PROTECTED; segment++) {
      let bytes = 0;
      let length = 0;
      let previous = NONE;
      for (let entry = this.heads[segment]; entry !== NONE; entry = this.next[entry]) {
        if (this.segmentOf[entry] !== segment)
          return `entry ${entry} in list ${segment} marked ${this.segmentOf[entry]}`;
        if (this.prev[entry] !== previous) return `broken prev link at ${entry}`;
        if (this.index.find(this.index.keyBytes, entry * ADDRESS_BYTES) !== entry)
          return `entry ${entry} not indexed`;
        bytes += this.weights[entry];
        length++;
        previous = entry;
      }
      if (previous !== this.tails[segment]) return `tail of ${segment} wrong`;
      if (bytes !== this.segmentBytes[segment])
        return `bytes of ${segment}: ${bytes} vs ${this.segmentBytes[segment]}`;
      if (length !== this.segmentCount[segment]) return `count of ${segment} wrong`;
      count += length;
    }
    if (count + this.freeCount !== this.entriesMax + 1) return "entries leaked";
    if (this.weightBytes > this.capacity) return `weight ${this.weightBytes} > capacity ${this.capacity}`;
    if (count > this.entriesMax) return `count ${count} > entriesMax ${this.entriesMax}`;
    return "";
  }

  private checkWarm(): void {
    if (this.weightBytes >= WARM_FRACTION * this.capacity || this.size >= WARM_FRACTION * this.entriesMax) {
      this.warm = true;
      this.retunePeriods();
      if (this.adaptive) this.shadow.start(this.size);
    }
  }

  /** Aging and climber samples follow the resident entry count. */
  private retunePeriods(): void {
    this.agingPeriod = AGING_ACCESSES_PER_ENTRY * Math.max(64, this.size);
    this.climber.sampleAccesses = SAMPLE_ACCESSES_PER_ENTRY * Math.max(64, this.size);
  }

  private computeBudgets(): void {
    const fraction = this.climber.windowFraction;
    const capacity = this.capacity;
    this.windowBytesMax = capacity - Math.floor(capacity * (1 - fraction));
    this.mainBytesMax = capacity - this.windowBytesMax;
    this.protectedBytesMax = Math.floor(this.mainBytesMax * PROTECTED_FRACTION);
    this.windowCountMax = this.entriesMax - Math.floor(this.entriesMax * (1 - fraction));
    this.mainCountMax = this.entriesMax - this.windowCountMax;
    this.protectedCountMax = Math.floor(this.mainCountMax * PROTECTED_FRACTION);
  }

  private adapt(): void {
    this.computeBudgets();
    this.retunePeriods();
    this.enforceBounds();
  }

  /**
   * The LRU end of a list after second chances: while the entry there was referenced since it was
   * placed, its bit is cleared and it goes to the MRU end (from probation: promoted to protected).
   * Each pass clears one bit, so this is bounded by the hits since. Returns the entry left there.
   */
  private settleHead(segment: number): number {
    const frequencies = this.frequencies;
    for (;;) {
      const entry = this.heads[segment];
      if (entry === NONE || (frequencies[entry] & REFERENCED) === 0) return entry;
      frequencies[entry] &= ~REFERENCED;
      this.unlink(entry);
      if (segment === PROBATION) {
        this.link(PROTECTED, entry);
        this.demoteProtectedOverflow();
      } else this.link(segment, entry);
    }
  }

  /** Main's victim: probation's LRU end, else protected's (after second chances). */
  private mainVictim(): number {
    const victim = this.settleHead(PROBATION);
    return victim !== NONE ? victim : this.settleHead(PROTECTED);
  }

  private windowOver(): boolean {
    return this.segmentBytes[WINDOW] > this.windowBytesMax || this.segmentCount[WINDOW] > this.windowCountMax;
  }
  private mainOver(): boolean {
    return (
      this.segmentBytes[PROBATION] + this.segmentBytes[PROTECTED] > this.mainBytesMax ||
      this.segmentCount[PROBATION] + this.segmentCount[PROTECTED] > this.mainCountMax
    );
  }
  private mainFits(weight: number): boolean {
    return (
      this.segmentBytes[PROBATION] + this.segmentBytes[PROTECTED] + weight <= this.mainBytesMax &&
      this.segmentCount[PROBATION] + this.segmentCount[PROTECTED] + 1 <= this.mainCountMax
    );
  }
  private windowFits(weight: number): boolean {
    return (
      this.segmentBytes[WINDOW] + weight <= this.windowBytesMax &&
      this.segmentCount[WINDOW] + 1 <= this.windowCountMax
    );
  }

  /** After budgets change or an entry grows: move between window and main first, then evict. */
  private enforceBounds(): void {
    while (this.mainOver()) {
      const entry = this.heads[PROBATION] !== NONE ? this.heads[PROBATION] : this.heads[PROTECTED];
      if (entry === NONE || !this.windowFits(this.weights[entry])) break;
      this.unlink(entry);
      this.link(WINDOW, entry);
    }
    while (this.windowOver()) {
      const entry = this.heads[WINDOW];
      if (entry === NONE || !this.mainFits(this.weights[entry])) break;
      this.unlink(entry);
      this.link(PROBATION, entry);
    }
    this.demoteProtectedOverflow();
    this.evictWindowOverflow();
    this.evictMainOverflow();
  }

  private demoteProtectedOverflow(): void {
    while (
      this.segmentBytes[PROTECTED] > this.protectedBytesMax ||
      this.segmentCount[PROTECTED] > this.protectedCountMax
    ) {
      const entry = this.settleHead(PROTECTED);
      if (entry === NONE) return;
      this.unlink(entry);
      this.link(PROBATION, entry);
    }
  }

  private evictWindowOverflow(): void {
    while (this.windowOver()) {
      const candidate = this.settleHead(WINDOW);
      if (candidate === NONE) return;
      this.unlink(candidate);
      this.admitToMain(candidate);
    }
  }

  /** A window leaver enters probation if main has room or it out-ranks main's victims; else it goes. */
  private admitToMain(candidate: number): void {
    const weight = this.weights[candidate];
    if (weight > this.mainBytesMax || this.mainCountMax < 1) {
      this.release(candidate);
      return;
    }
    if (!this.mainFits(weight)) {
      // The victims it would displace, in eviction order (a referenced one keeps its second chance):
      // it is admitted only if it is more frequent than all of them together (size-aware TinyLFU).
      const bytesNeeded =
        this.segmentBytes[PROBATION] + this.segmentBytes[PROTECTED] + weight - this.mainBytesMax;
      const countNeeded = this.segmentCount[PROBATION] + this.segmentCount[PROTECTED] + 1 - this.mainCountMax;
      const victims = this.victims;
      victims.length = 0;
      let bytesFreed = 0;
      let victimsFrequency = 0;
      let referencedPassed = 0;
      for (let segment = PROBATION; segment <= PROTECTED; segment++) {
        let entry = this.heads[segment];
        while (entry !== NONE && (bytesFreed < bytesNeeded || victims.length < countNeeded)) {
          const next = this.next[entry];
          const frequency = this.frequencies[entry];
          if ((frequency & REFERENCED) !== 0) {
            // A referenced entry keeps its second chance. Past a few in one walk it is given now (promoted
            // to protected, bit cleared), so the walk stays amortized O(1) over the hits that set the bits.
            if (++referencedPassed > REFERENCED_PASSED_MAX) {
              this.frequencies[entry] = frequency & ~REFERENCED;
              this.unlink(entry);
              this.link(PROTECTED, entry);
              if (segment === PROBATION) this.demoteProtectedOverflow();
            }
          } else {
            victims.push(entry);
            bytesFreed += this.weights[entry];
            victimsFrequency += frequency & FREQUENCY_MASK;
          }
          entry = next;
        }
      }
      const fits = bytesFreed >= bytesNeeded && victims.length >= countNeeded;
      // Compared per byte: the hits a byte of the candidate brings against those the victims' bytes bring.
      const candidateFrequency = this.frequencies[candidate] & FREQUENCY_MASK;
      const scaled = Math.floor((victimsFrequency * weight) / Math.max(1, bytesFreed));
      if (!fits || !this.admit(candidateFrequency, scaled)) {
        this.admissionsRefused++;
        this.release(candidate);
        return;
      }
      for (const victim of victims) this.release(victim);
    }
    this.link(PROBATION, candidate);
  }

  private admit(candidateFrequency: number, victimFrequency: number): boolean {
    if (candidateFrequency > victimFrequency) return true;
    if (candidateFrequency < ADMIT_RANDOM_FREQUENCY_MIN) return false;
    let x = this.randomState;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.randomState = x;
    return (x & 127) === 0;
  }

  private evictMainOverflow(): void {
    this.demoteProtectedOverflow();
    while (this.mainOver()) {
      const victim = this.mainVictim();
      if (victim === NONE) return;
      this.release(victim);
    }
  }

  /** Drops an entry (linked or detached); its slot raises the floor. */
  private release(entry: number): void {
    if (this.onEvict !== undefined) this.onEvict(this.values[entry] as V, this.slots[2 * entry + 1]);
    if (this.segmentOf[entry] !== DETACHED) this.unlink(entry);
    const hash = this.index.keyHash[entry];
    this.sketch.raiseTo(hash, this.frequencies[entry] & FREQUENCY_MASK);
    this.floor.raise(hash, this.slots[2 * entry + 1]);
    this.index.remove(entry);
    this.values[entry] = undefined;
    this.segmentOf[entry] = FREE;
    this.freeIds[this.freeCount++] = entry;
    this.evictions++;
  }

  private link(segment: number, entry: number): void {
    const tail = this.tails[segment];
    this.prev[entry] = tail;
    this.next[entry] = NONE;
    if (tail === NONE) this.heads[segment] = entry;
    else this.next[tail] = entry;
    this.tails[segment] = entry;
    this.segmentOf[entry] = segment;
    this.segmentBytes[segment] += this.weights[entry];
    this.segmentCount[segment]++;
  }

  private unlink(entry: number): void {
    const segment = this.segmentOf[entry];
    const before = this.prev[entry];
    const after = this.next[entry];
    if (before === NONE) this.heads[segment] = after;
    else this.next[before] = after;
    if (after === NONE) this.tails[segment] = before;
    else this.prev[after] = before;
    this.segmentBytes[segment] -= this.weights[entry];
    this.segmentCount[segment]--;
    this.segmentOf[entry] = DETACHED;
  }
}

function assertCapacity(capacityBytes: number): void {
  if (!Number.isSafeInteger(capacityBytes) || capacityBytes < 0)
    throw accountError("CACHE_BAD_OPTION", "capacityBytes must be a non-negative integer", { capacityBytes });
}
