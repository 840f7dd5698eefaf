// Bélády's optimal replacement with admission bypass, replayed offline over a whole trace: on a miss,
// the cached entries whose next use is farthest are evicted first; a newcomer whose next use is later
// than that of an entry it would have to displace is not admitted at all. With equal weights (entry
// bound) this is exactly optimal. With byte weights optimal caching is NP-hard; this greedy keeps the
// same farthest-next-use order and evicts as many as the newcomer needs — a heuristic, not a bound.

const NEVER = 2 ** 31 - 1;

/** nextUse[i] = index of the next access of the same account after i, or NEVER. */
export function nextUseIndices(accountIds: Int32Array, distinctAccounts: number): Int32Array {
  const nextUse = new Int32Array(accountIds.length);
  const seenAt = new Int32Array(distinctAccounts).fill(NEVER);
  for (let index = accountIds.length - 1; index >= 0; index--) {
    const id = accountIds[index];
    nextUse[index] = seenAt[id];
    seenAt[id] = index;
  }
  return nextUse;
}

/** Max-heap of account ids keyed by next use, with positions for key updates. */
class NextUseHeap {
  readonly ids: Int32Array;
  readonly keyOf: Int32Array;
  readonly positionOf: Int32Array;
  length = 0;

  constructor(capacity: number, distinctAccounts: number) {
    this.ids = new Int32Array(capacity);
    this.keyOf = new Int32Array(distinctAccounts);
    this.positionOf = new Int32Array(distinctAccounts).fill(-1);
  }

  push(id: number, key: number): void {
    this.keyOf[id] = key;
    this.ids[this.length] = id;
    this.positionOf[id] = this.length;
    this.siftUp(this.length++);
  }

  pop(): number {
    const top = this.ids[0];
    this.positionOf[top] = -1;
    const last = this.ids[--this.length];
    if (this.length > 0) {
      this.ids[0] = last;
      this.positionOf[last] = 0;
      this.siftDown(0);
    }
    return top;
  }

  /** The key of `id` grew (its next use moved later). */
  increased(id: number, key: number): void {
    this.keyOf[id] = key;
    this.siftUp(this.positionOf[id]);
  }

  private siftUp(position: number): void {
    const id = this.ids[position];
    const key = this.keyOf[id];
    while (position > 0) {
      const parent = (position - 1) >>> 1;
      const parentId = this.ids[parent];
      if (this.keyOf[parentId] >= key) break;
      this.ids[position] = parentId;
      this.positionOf[parentId] = position;
      position = parent;
    }
    this.ids[position] = id;
    this.positionOf[id] = position;
  }

  private siftDown(position: number): void {
    const id = this.ids[position];
    const key = this.keyOf[id];
    for (;;) {
      let child = 2 * position + 1;
      if (child >= this.length) break;
      if (child + 1 < this.length && this.keyOf[this.ids[child + 1]] > this.keyOf[this.ids[child]]) child++;
      const childId = this.ids[child];
      if (this.keyOf[childId] <= key) break;
      this.ids[position] = childId;
      this.positionOf[childId] = position;
      position = child;
    }
    this.ids[position] = id;
    this.positionOf[id] = position;
  }
}

export interface OptimalInput {
  accountIds: Int32Array;
  distinctAccounts: number;
  /** Weight of each access's account (its data bytes + entry overhead, or 1 when bounded by count). */
  weightOf: (accessIndex: number) => number;
  capacityWeight: number;
  entriesMax: number;
}

/** Hits of Bélády-with-bypass over the trace. */
export function optimalHits(input: OptimalInput, onProgress?: (accessesDone: number) => void): number {
  const { accountIds, distinctAccounts, capacityWeight, entriesMax } = input;
  if (entriesMax < 1 || capacityWeight <= 0) return 0;
  const nextUse = nextUseIndices(accountIds, distinctAccounts);
  const heap = new NextUseHeap(Math.min(entriesMax, distinctAccounts) + 1, distinctAccounts);
  const weightOfId = new Float64Array(distinctAccounts);
  const popped = new Int32Array(Math.min(entriesMax, distinctAccounts) + 1);
  let usedWeight = 0;
  let hits = 0;
  for (let index = 0; index < accountIds.length; index++) {
    if (onProgress && (index & 0xfffff) === 0 && index > 0) onProgress(index);
    const id = accountIds[index];
    const next = nextUse[index];
    if (heap.positionOf[id] >= 0) {
      hits++;
      heap.increased(id, next);
      continue;
    }
    const weight = input.weightOf(index);
    if (weight > capacityWeight || next === NEVER) continue;
    // Pop farthest-first until the newcomer fits; any popped entry used sooner than it means bypass.
    let poppedCount = 0;
    let freed = 0;
    let bypass = false;
    while (usedWeight - freed + weight > capacityWeight || heap.length + 1 > entriesMax) {
      const victimKey = heap.keyOf[heap.ids[0]];
      if (victimKey <= next) {
        bypass = true;
        break;
      }
      const victim = heap.pop();
      popped[poppedCount++] = victim;
      freed += weightOfId[victim];
    }
    if (bypass) {
      for (let k = 0; k < poppedCount; k++) heap.push(popped[k], heap.keyOf[popped[k]]);
      continue;
    }
    usedWeight -= freed;
    weightOfId[id] = weight;
    usedWeight += weight;
    heap.push(id, next);
  }
  return hits;
}
