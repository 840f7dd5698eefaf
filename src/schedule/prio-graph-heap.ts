// An indexed binary heap over small integer ids (0..capacity-1) whose order comes from two shared
// Float64Arrays: `key` (larger first, or smaller first for a min-heap) and `tie` (smaller first on
// equal keys — an arrival sequence, so equal priorities keep FIFO order). Positions are tracked, so any
// id can be removed or re-keyed in O(log n). Preallocated, allocation-free; used for the planner's
// pending container, the priority buffer's two ends and its per-source load order.

export class IndexedHeap {
  readonly capacity: number;
  private readonly heap: Int32Array;
  /** Position of each id in `heap`, or -1 when absent. */
  private readonly position: Int32Array;
  private readonly key: Float64Array;
  private readonly tie: Float64Array;
  private readonly maxFirst: boolean;
  private count = 0;

  constructor(capacity: number, key: Float64Array, tie: Float64Array, maxFirst: boolean) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`heap capacity ≥ 1, got ${capacity}`);
    if (key.length < capacity || tie.length < capacity) throw new RangeError("heap key arrays too short");
    this.capacity = capacity;
    this.heap = new Int32Array(capacity);
    this.position = new Int32Array(capacity).fill(-1);
    this.key = key;
    this.tie = tie;
    this.maxFirst = maxFirst;
  }

  get size(): number {
    return this.count;
  }

  has(id: number): boolean {
    return this.position[id] >= 0;
  }

  /** The id at heap position `index` (0 ≤ index < size; heap order, not sorted): to visit every id. */
  at(index: number): number {
    return this.heap[index];
  }

  /** The first id (highest key for a max-heap), or -1 when empty. */
  top(): number {
    return this.count === 0 ? -1 : this.heap[0];
  }

  /** True when id `a` comes before id `b`. */
  private before(a: number, b: number): boolean {
    const keyA = this.key[a];
    const keyB = this.key[b];
    if (keyA !== keyB) return this.maxFirst ? keyA > keyB : keyA < keyB;
    return this.maxFirst ? this.tie[a] < this.tie[b] : this.tie[a] > this.tie[b];
  }

  push(id: number): void {
    if (this.position[id] >= 0) throw new RangeError(`heap: id ${id} already present`);
    if (this.count >= this.capacity) throw new RangeError("heap: full");
    const at = this.count++;
    this.heap[at] = id;
    this.position[id] = at;
    this.siftUp(at);
  }

  /** Removes and returns the first id, or -1 when empty. */
  pop(): number {
    if (this.count === 0) return -1;
    const first = this.heap[0];
    this.removeAt(0);
    return first;
  }

  /** Removes `id` if present; returns whether it was. */
  remove(id: number): boolean {
    const at = this.position[id];
    if (at < 0) return false;
    this.removeAt(at);
    return true;
  }

  /** Restores order after the key of `id` changed. */
  update(id: number): void {
    const at = this.position[id];
    if (at < 0) return;
    this.siftDown(this.siftUp(at));
  }

  clear(): void {
    for (let index = 0; index < this.count; index++) this.position[this.heap[index]] = -1;
    this.count = 0;
  }

  private removeAt(at: number): void {
    const removed = this.heap[at];
    this.position[removed] = -1;
    const last = --this.count;
    if (at === last) return;
    const moved = this.heap[last];
    this.heap[at] = moved;
    this.position[moved] = at;
    this.siftDown(this.siftUp(at));
  }

  private siftUp(start: number): number {
    const heap = this.heap;
    const id = heap[start];
    let at = start;
    while (at > 0) {
      const parentAt = (at - 1) >> 1;
      const parent = heap[parentAt];
      if (!this.before(id, parent)) break;
      heap[at] = parent;
      this.position[parent] = at;
      at = parentAt;
    }
    heap[at] = id;
    this.position[id] = at;
    return at;
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const id = heap[start];
    let at = start;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= this.count) break;
      const right = left + 1;
      const child = right < this.count && this.before(heap[right], heap[left]) ? right : left;
      if (!this.before(heap[child], id)) break;
      heap[at] = heap[child];
      this.position[heap[at]] = at;
      at = child;
    }
    heap[at] = id;
    this.position[id] = at;
  }
}
