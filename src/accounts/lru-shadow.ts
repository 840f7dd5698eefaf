// A sampled shadow LRU: estimates the hit ratio plain LRU would get at the cache's own bounds, so the
// window adaptation can tell when recency is winning (the workload's hot set keeps moving) and grow the
// recency window toward LRU behaviour. Spatial sampling (as in SHARDS, Waldspurger et al., FAST '15):
// only addresses whose hash falls in a 1-in-2^k slice are tracked, in an LRU scaled down by the same
// factor (bytes and entries), which sees the same reuse pattern as the full LRU would on that slice.
// Keys are the cache's 32-bit address hashes; everything is preallocated (typed arrays, chained buckets),
// so tracking allocates nothing.
import { nextPowerOfTwo } from "./address-index.ts";

/** Aim for at least this many tracked entries whatever the cache size (estimate noise vs memory). */
export const SHADOW_ENTRIES_TARGET = 1024;
/** Tracked entries preallocated at most (the shadow's own entry bound never exceeds it). */
export const SHADOW_ENTRIES_MAX = 8 * SHADOW_ENTRIES_TARGET;
const NONE = -1;

export class LruShadow {
  /** Sampled accesses and hits since the last takeSample(). */
  accesses = 0;
  hits = 0;
  private shift = 0;
  /** An address is tracked when its hash has these low bits clear (a 1-in-2^shift slice). */
  trackMask = 0;
  private capacityBytes: number;
  private bytesMax: number;
  private entriesMax: number;
  private readonly cacheEntriesMax: number;
  private readonly keys: Int32Array;
  private readonly weights: Float64Array;
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private readonly chain: Int32Array;
  private readonly buckets: Int32Array;
  private readonly bucketMask: number;
  private readonly freeIds: Int32Array;
  private freeCount: number;
  private head = NONE;
  private tail = NONE;
  private bytes = 0;
  private count = 0;

  /** Bounds of the cache it shadows; tracking starts with start(). */
  constructor(capacityBytes: number, entriesMax: number) {
    this.capacityBytes = capacityBytes;
    this.cacheEntriesMax = entriesMax;
    this.entriesMax = Math.min(entriesMax, SHADOW_ENTRIES_MAX);
    this.bytesMax = capacityBytes;
    const slots = this.entriesMax + 1;
    this.keys = new Int32Array(slots);
    this.weights = new Float64Array(slots);
    this.prev = new Int32Array(slots);
    this.next = new Int32Array(slots);
    this.chain = new Int32Array(slots);
    const bucketCount = nextPowerOfTwo(2 * slots);
    this.buckets = new Int32Array(bucketCount).fill(NONE);
    this.bucketMask = bucketCount - 1;
    this.freeIds = new Int32Array(slots);
    for (let id = 0; id < slots; id++) this.freeIds[id] = id;
    this.freeCount = slots;
  }

  /**
   * Chooses the sampling rate from the cache's resident entry count (once it is warm): 1 in 2^k
   * addresses, so that between SHADOW_ENTRIES_TARGET and twice that many are tracked (all of them in a
   * smaller cache). Byte-bounded caches of large accounts hold far fewer entries than their entry bound,
   * and a slice of a few dozen would misestimate LRU badly. Forgets what was tracked.
   */
  start(residentEntries: number): void {
    let shift = 0;
    while (shift < 16 && residentEntries >>> (shift + 1) >= SHADOW_ENTRIES_TARGET) shift++;
    this.shift = shift;
    this.trackMask = (1 << shift) - 1;
    this.entriesMax = Math.max(1, Math.min(this.cacheEntriesMax >>> shift, SHADOW_ENTRIES_MAX));
    this.bytesMax = this.capacityBytes / 2 ** shift;
    while (this.head !== NONE) this.evictHead();
    this.takeSample();
  }

  /** True when `hash` is in the tracked slice (callers check this before access/insert). */
  tracks(hash: number): boolean {
    return (hash & this.trackMask) === 0;
  }

  /** The byte bound follows the cache's. */
  setCapacityBytes(capacityBytes: number): void {
    this.capacityBytes = capacityBytes;
    this.bytesMax = capacityBytes / 2 ** this.shift;
    this.evictOverflow();
  }

  /**
   * A read of a tracked address. A shadow hit moves it to the MRU end. On a miss, `weight` > 0 inserts
   * it (the caller knows its size because its own cache holds it); otherwise insert() follows a fill.
   */
  access(hash: number, weight: number): void {
    this.accesses++;
    hash |= 0;
    const node = this.find(hash);
    if (node !== NONE) {
      this.hits++;
      this.unlink(node);
      this.linkMru(node);
      return;
    }
    if (weight > 0) this.add(hash, weight);
  }

  /** A fill of a tracked address (no access counted); an address held already just moves up. */
  insert(hash: number, weight: number): void {
    hash |= 0;
    const node = this.find(hash);
    if (node !== NONE) {
      this.unlink(node);
      this.linkMru(node);
      return;
    }
    this.add(hash, weight);
  }

  /** Hit ratio since the last call (NaN if nothing was sampled); starts a new sample. */
  takeSample(): number {
    const ratio = this.accesses === 0 ? Number.NaN : this.hits / this.accesses;
    this.accesses = 0;
    this.hits = 0;
    return ratio;
  }

  private bucketOf(hash: number): number {
    return Math.imul(hash ^ (hash >>> 16), 0x45d9f3b) & this.bucketMask;
  }

  private find(hash: number): number {
    for (let node = this.buckets[this.bucketOf(hash)]; node !== NONE; node = this.chain[node])
      if (this.keys[node] === hash) return node;
    return NONE;
  }

  private add(hash: number, weight: number): void {
    if (weight > this.bytesMax) return;
    const node = this.freeIds[--this.freeCount];
    this.keys[node] = hash;
    this.weights[node] = weight;
    const bucket = this.bucketOf(hash);
    this.chain[node] = this.buckets[bucket];
    this.buckets[bucket] = node;
    this.linkMru(node);
    this.bytes += weight;
    this.count++;
    this.evictOverflow();
  }

  private evictOverflow(): void {
    while ((this.bytes > this.bytesMax || this.count > this.entriesMax) && this.head !== NONE)
      this.evictHead();
  }

  private evictHead(): void {
    const node = this.head;
    this.unlink(node);
    this.bytes -= this.weights[node];
    this.count--;
    const bucket = this.bucketOf(this.keys[node]);
    if (this.buckets[bucket] === node) this.buckets[bucket] = this.chain[node];
    else {
      let before = this.buckets[bucket];
      while (this.chain[before] !== node) before = this.chain[before];
      this.chain[before] = this.chain[node];
    }
    this.freeIds[this.freeCount++] = node;
  }

  private linkMru(node: number): void {
    this.prev[node] = this.tail;
    this.next[node] = NONE;
    if (this.tail === NONE) this.head = node;
    else this.next[this.tail] = node;
    this.tail = node;
  }

  private unlink(node: number): void {
    const before = this.prev[node];
    const after = this.next[node];
    if (before === NONE) this.head = after;
    else this.next[before] = after;
    if (after === NONE) this.tail = before;
    else this.prev[after] = before;
  }
}
