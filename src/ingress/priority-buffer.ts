// The priority ingress buffer (behind --enable-adaptive-buffering): holds accepted packets ordered by
// Agave's priority (reward × 10^6 / (cost + 1), see src/schedule/prio-graph-cost.ts), bounded by a
// count and a byte total. When full, the LOWEST priority goes — possibly the newcomer — never simply
// the newest. Fairness rule: with A sources holding packets (the newcomer's counted), each source's fair
// share is max(1, floor(countMax / A)) packets; to make room the buffer evicts the lowest-priority packet
// of the most loaded source if that source is above its share (so one sender flooding the buffer only
// ever displaces its own packets once others are within share), and otherwise the lowest-priority
// packet overall. Pops are in priority order (ties: oldest first). All state lives in typed arrays
// sized at construction; push and pop allocate nothing.
import {
  INGRESS_BUFFER_CONFIG_INVALID,
  INGRESS_BUFFER_ITEM_INVALID,
  requireInteger,
  scheduleError,
} from "../schedule/prio-graph-errors.ts";
import { IndexedHeap } from "../schedule/prio-graph-heap.ts";
import { SourceMinHeaps, SourceTable } from "./priority-buffer-sources.ts";

export const PUSH_ACCEPTED = 0;
/** The newcomer itself was the lowest (of its over-share source, or overall): not kept. */
export const PUSH_REJECTED_LOWEST = 1;
/** The packet alone is larger than the whole byte bound. */
export const PUSH_REJECTED_TOO_LARGE = 2;
export const PUSH_OUTCOME_NAMES = ["accepted", "rejected_lowest", "rejected_too_large"] as const;

export const PRIORITY_BUFFER_COUNT_MAX = 1 << 20;

export interface PriorityBufferConfig {
  /** Packets held at most. */
  countMax: number;
  /** Bytes held at most (sum of packet lengths). */
  bytesMax: number;
}

export class PriorityBuffer {
  readonly countMax: number;
  readonly bytesMax: number;
  /** Handles evicted by the last push, in eviction order (the newcomer is never listed here). */
  readonly evicted: Int32Array;
  /** Per evicted handle: 1 when it went as the lowest of a source above its fair share, 0 as the lowest overall. */
  readonly evictedOverShare: Uint8Array;
  evictedCount = 0;
  /** For the last push that returned PUSH_REJECTED_LOWEST: whether its source was above its fair share. */
  lastRejectOverShare = false;
  /** Details of the packet returned by the last popMax. */
  lastPopPriority = 0;
  lastPopBytes = 0;
  lastPopSourceId = 0;

  private readonly handle: Int32Array;
  private readonly priority: Float64Array;
  private readonly sequence: Float64Array;
  private readonly bytes: Float64Array;
  private readonly sourceOf: Int32Array;
  private readonly freeIds: Int32Array;
  private freeTop: number;
  private readonly highest: IndexedHeap;
  private readonly lowestOverall: IndexedHeap;
  private readonly sources: SourceTable;
  private readonly sourceLowest: SourceMinHeaps;
  /** Sources ordered by packets held, most first. */
  private readonly sourceLoad: IndexedHeap;
  private sequenceCounter = 0;
  private held = 0;
  private heldBytes = 0;

  constructor(config: PriorityBufferConfig) {
    this.countMax = requireInteger(
      INGRESS_BUFFER_CONFIG_INVALID,
      "countMax",
      config.countMax,
      1,
      PRIORITY_BUFFER_COUNT_MAX,
    );
    this.bytesMax = requireInteger(INGRESS_BUFFER_CONFIG_INVALID, "bytesMax", config.bytesMax, 1, 2 ** 40);
    // One slot more than the bound: a newcomer is inserted first, then the lowest is evicted.
    const slots = this.countMax + 1;
    this.evicted = new Int32Array(slots);
    this.evictedOverShare = new Uint8Array(slots);
    this.handle = new Int32Array(slots);
    this.priority = new Float64Array(slots);
    this.sequence = new Float64Array(slots);
    this.bytes = new Float64Array(slots);
    this.sourceOf = new Int32Array(slots);
    this.freeIds = new Int32Array(slots);
    for (let id = 0; id < slots; id++) this.freeIds[id] = slots - 1 - id;
    this.freeTop = slots;
    this.highest = new IndexedHeap(slots, this.priority, this.sequence, true);
    this.lowestOverall = new IndexedHeap(slots, this.priority, this.sequence, false);
    this.sources = new SourceTable(slots);
    this.sourceLowest = new SourceMinHeaps(slots, slots, this.priority, this.sequence);
    this.sourceLoad = new IndexedHeap(slots, this.sources.itemCount, this.sources.firstSeen, true);
  }

  get count(): number {
    return this.held;
  }

  get bytesHeld(): number {
    return this.heldBytes;
  }

  get activeSources(): number {
    return this.sources.activeSources;
  }

  /** The fair share, in packets, of each source holding packets now. */
  get fairShare(): number {
    return Math.max(1, Math.floor(this.countMax / Math.max(1, this.sources.activeSources)));
  }

  /** Packets held for `sourceId`. */
  countOf(sourceId: number): number {
    const index = this.sources.find(sourceId >>> 0);
    return index < 0 ? 0 : this.sources.itemCount[index];
  }

  /** Highest priority held, or -Infinity when empty. */
  peekPriority(): number {
    const top = this.highest.top();
    return top < 0 ? Number.NEGATIVE_INFINITY : this.priority[top];
  }

  /**
   * Offers a packet (`handle`: the caller's pool slot). Returns PUSH_ACCEPTED, PUSH_REJECTED_LOWEST or
   * PUSH_REJECTED_TOO_LARGE; packets evicted to make room are listed in `evicted[0..evictedCount)`.
   */
  push(handle: number, priority: number, packetBytes: number, sourceId: number): number {
    if (!Number.isInteger(handle) || handle < 0 || handle > 0x7fffffff)
      throw scheduleError(INGRESS_BUFFER_ITEM_INVALID, `handle must be an int32 ≥ 0, got ${handle}`);
    if (!(priority >= 0 && priority < Number.POSITIVE_INFINITY))
      throw scheduleError(INGRESS_BUFFER_ITEM_INVALID, `priority must be finite and ≥ 0, got ${priority}`);
    if (!Number.isInteger(packetBytes) || packetBytes < 1)
      throw scheduleError(
        INGRESS_BUFFER_ITEM_INVALID,
        `packetBytes must be an integer ≥ 1, got ${packetBytes}`,
      );
    if (!Number.isInteger(sourceId) || sourceId < 0 || sourceId > 0xffffffff)
      throw scheduleError(INGRESS_BUFFER_ITEM_INVALID, `sourceId must be a u32, got ${sourceId}`);
    this.evictedCount = 0;
    this.lastRejectOverShare = false;
    if (packetBytes > this.bytesMax) return PUSH_REJECTED_TOO_LARGE;
    // Insert first (there is always one spare slot), then evict down to the bounds.
    const source = this.sources.findOrAdd(sourceId);
    const id = this.freeIds[--this.freeTop];
    this.handle[id] = handle;
    this.priority[id] = priority;
    this.sequence[id] = this.sequenceCounter++;
    this.bytes[id] = packetBytes;
    this.sourceOf[id] = source;
    this.link(id, source);
    let outcome = PUSH_ACCEPTED;
    while (this.held > this.countMax || this.heldBytes > this.bytesMax) {
      const victim = this.chooseVictim();
      const overShare = this.victimOverShare;
      this.unlink(victim);
      this.freeIds[this.freeTop++] = victim;
      if (victim === id) {
        outcome = PUSH_REJECTED_LOWEST;
        this.lastRejectOverShare = overShare;
      } else {
        this.evictedOverShare[this.evictedCount] = overShare ? 1 : 0;
        this.evicted[this.evictedCount++] = this.handle[victim];
      }
    }
    return outcome;
  }

  private victimOverShare = false;

  /** The lowest of the most loaded source when it is above its fair share, else the lowest overall. */
  private chooseVictim(): number {
    const loaded = this.sourceLoad.top();
    // A lone source is never "over its share": its lowest is simply the lowest overall.
    this.victimOverShare = this.sources.itemCount[loaded] > this.fairShare && this.sources.activeSources > 1;
    if (this.victimOverShare) return this.sourceLowest.lowest(loaded);
    return this.lowestOverall.top();
  }

  /** Removes and returns the handle of the highest-priority packet, or -1 when empty. */
  popMax(): number {
    const id = this.highest.top();
    if (id < 0) return -1;
    this.lastPopPriority = this.priority[id];
    this.lastPopBytes = this.bytes[id];
    this.lastPopSourceId = this.sources.sourceIdOf(this.sourceOf[id]);
    this.unlink(id);
    this.freeIds[this.freeTop++] = id;
    return this.handle[id];
  }

  private link(id: number, source: number): void {
    this.highest.push(id);
    this.lowestOverall.push(id);
    this.sourceLowest.insert(source, id);
    const sources = this.sources;
    sources.itemCount[source]++;
    sources.bytesHeld[source] += this.bytes[id];
    if (sources.itemCount[source] === 1) this.sourceLoad.push(source);
    else this.sourceLoad.update(source);
    this.held++;
    this.heldBytes += this.bytes[id];
  }

  private unlink(id: number): void {
    const source = this.sourceOf[id];
    this.highest.remove(id);
    this.lowestOverall.remove(id);
    this.sourceLowest.remove(source, id);
    const sources = this.sources;
    sources.itemCount[source]--;
    sources.bytesHeld[source] -= this.bytes[id];
    if (sources.itemCount[source] === 0) {
      this.sourceLoad.remove(source);
      sources.release(source);
    } else {
      this.sourceLoad.update(source);
    }
    this.held--;
    this.heldBytes -= this.bytes[id];
  }
}
