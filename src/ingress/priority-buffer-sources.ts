// The per-source side of the priority buffer: a fixed-size open-addressing table from a u32 source id
// (IPv4 address for UDP, connection id for RPC) to a dense source index, and for each source a
// pairing min-heap of its items (lowest priority first; among equal priorities the newest first), so
// the buffer can evict "the lowest item of the most over-share source" in O(log n) amortised. Items
// are intrusive (child / sibling / prev arrays indexed by item id); nothing allocates after construction.

const EMPTY = -1;

export class SourceTable {
  readonly sourcesMax: number;
  /** Items held per source index (a Float64Array so it can key an IndexedHeap). */
  readonly itemCount: Float64Array;
  /** Insertion order per source index: ties among equally loaded sources go to the oldest. */
  readonly firstSeen: Float64Array;
  readonly bytesHeld: Float64Array;
  private readonly idOf: Uint32Array;
  private readonly table: Int32Array;
  private readonly mask: number;
  private readonly freeIndexes: Int32Array;
  private freeTop: number;
  private active = 0;
  private seenCounter = 0;

  constructor(sourcesMax: number) {
    this.sourcesMax = sourcesMax;
    this.itemCount = new Float64Array(sourcesMax);
    this.firstSeen = new Float64Array(sourcesMax);
    this.bytesHeld = new Float64Array(sourcesMax);
    this.idOf = new Uint32Array(sourcesMax);
    let size = 2;
    while (size < sourcesMax * 2) size *= 2;
    this.table = new Int32Array(size).fill(EMPTY);
    this.mask = size - 1;
    this.freeIndexes = new Int32Array(sourcesMax);
    for (let index = 0; index < sourcesMax; index++) this.freeIndexes[index] = sourcesMax - 1 - index;
    this.freeTop = sourcesMax;
  }

  /** Sources holding at least one item. */
  get activeSources(): number {
    return this.active;
  }

  private home(sourceId: number): number {
    return (Math.imul(sourceId, 0x9e3779b1) >>> 0) & this.mask;
  }

  /** The index of `sourceId`, or -1 if it holds nothing. */
  find(sourceId: number): number {
    let at = this.home(sourceId);
    for (;;) {
      const index = this.table[at];
      if (index === EMPTY) return -1;
      if (this.idOf[index] === sourceId) return index;
      at = (at + 1) & this.mask;
    }
  }

  /** The index of `sourceId`, adding it (with no items) when absent; -1 when the table is full. */
  findOrAdd(sourceId: number): number {
    let at = this.home(sourceId);
    for (;;) {
      const index = this.table[at];
      if (index === EMPTY) break;
      if (this.idOf[index] === sourceId) return index;
      at = (at + 1) & this.mask;
    }
    if (this.freeTop === 0) return -1;
    const index = this.freeIndexes[--this.freeTop];
    this.table[at] = index;
    this.idOf[index] = sourceId;
    this.itemCount[index] = 0;
    this.bytesHeld[index] = 0;
    this.firstSeen[index] = this.seenCounter++;
    this.active++;
    return index;
  }

  /** Forgets a source that holds nothing any more (backward-shift deletion keeps probes short). */
  release(index: number): void {
    let at = this.home(this.idOf[index]);
    while (this.table[at] !== index) at = (at + 1) & this.mask;
    let hole = at;
    let next = (hole + 1) & this.mask;
    while (this.table[next] !== EMPTY) {
      const moved = this.table[next];
      const movedHome = this.home(this.idOf[moved]);
      // Move `moved` into the hole unless its home lies cyclically in (hole, next].
      const distanceToNext = (next - movedHome) & this.mask;
      const distanceToHole = (hole - movedHome) & this.mask;
      if (distanceToHole < distanceToNext) {
        this.table[hole] = moved;
        hole = next;
      }
      next = (next + 1) & this.mask;
    }
    this.table[hole] = EMPTY;
    this.freeIndexes[this.freeTop++] = index;
    this.active--;
  }

  sourceIdOf(index: number): number {
    return this.idOf[index];
  }
}

/** Pairing min-heaps, one per source, over item ids; "lower" is (priority, then newer). */
export class SourceMinHeaps {
  readonly root: Int32Array;
  private readonly child: Int32Array;
  private readonly sibling: Int32Array;
  /** Parent when first child, else previous sibling; -1 for roots. */
  private readonly prev: Int32Array;
  private readonly scratch: Int32Array;
  private readonly priority: Float64Array;
  private readonly sequence: Float64Array;

  constructor(itemsMax: number, sourcesMax: number, priority: Float64Array, sequence: Float64Array) {
    this.root = new Int32Array(sourcesMax).fill(EMPTY);
    this.child = new Int32Array(itemsMax).fill(EMPTY);
    this.sibling = new Int32Array(itemsMax).fill(EMPTY);
    this.prev = new Int32Array(itemsMax).fill(EMPTY);
    this.scratch = new Int32Array(itemsMax);
    this.priority = priority;
    this.sequence = sequence;
  }

  /** True when item `a` is lower than item `b` (evicted first). */
  private lower(a: number, b: number): boolean {
    const priorityA = this.priority[a];
    const priorityB = this.priority[b];
    if (priorityA !== priorityB) return priorityA < priorityB;
    return this.sequence[a] > this.sequence[b];
  }

  /** Links two detached roots; returns the new root. */
  private link(a: number, b: number): number {
    let top = a;
    let under = b;
    if (this.lower(b, a)) {
      top = b;
      under = a;
    }
    const first = this.child[top];
    this.sibling[under] = first;
    if (first !== EMPTY) this.prev[first] = under;
    this.prev[under] = top;
    this.child[top] = under;
    return top;
  }

  insert(source: number, item: number): void {
    this.child[item] = EMPTY;
    this.sibling[item] = EMPTY;
    this.prev[item] = EMPTY;
    const root = this.root[source];
    this.root[source] = root === EMPTY ? item : this.link(root, item);
  }

  /** The lowest item of `source`, or -1. */
  lowest(source: number): number {
    return this.root[source];
  }

  /** Melds the children of `item` (two-pass pairing); returns their root or -1. */
  private meldChildren(item: number): number {
    let count = 0;
    let node = this.child[item];
    while (node !== EMPTY) {
      const next = this.sibling[node];
      this.sibling[node] = EMPTY;
      this.prev[node] = EMPTY;
      this.scratch[count++] = node;
      node = next;
    }
    this.child[item] = EMPTY;
    if (count === 0) return EMPTY;
    let paired = 0;
    for (let index = 0; index + 1 < count; index += 2)
      this.scratch[paired++] = this.link(this.scratch[index], this.scratch[index + 1]);
    if (count % 2 === 1) this.scratch[paired++] = this.scratch[count - 1];
    let result = this.scratch[paired - 1];
    for (let index = paired - 2; index >= 0; index--) result = this.link(this.scratch[index], result);
    return result;
  }

  remove(source: number, item: number): void {
    if (this.root[source] === item) {
      this.root[source] = this.meldChildren(item);
      return;
    }
    const before = this.prev[item];
    const after = this.sibling[item];
    if (this.child[before] === item) this.child[before] = after;
    else this.sibling[before] = after;
    if (after !== EMPTY) this.prev[after] = before;
    this.sibling[item] = EMPTY;
    this.prev[item] = EMPTY;
    const subtree = this.meldChildren(item);
    if (subtree !== EMPTY) this.root[source] = this.link(this.root[source], subtree);
  }
}
