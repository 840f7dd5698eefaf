// The look-ahead dependency graph, after Agave's prio-graph: a transaction is blocked while a
// higher-ranked transaction in the graph conflicts with it (a write against any use of the same
// account, a read against a write), so conflicting transactions leave in priority order. pop() yields
// the highest-priority unblocked transaction of the window. A popped transaction then either leaves
// (remove(): scheduled, or put off to the next slot — what it blocked may run) or is parked (it could not
// be scheduled now: it stays, still blocking, and sleeps until a worker it waits for completes a batch).
//
// Representation: per account, the graph's users of it in rank order (a doubly linked list over lock
// entries), each entry flagged blocked when a conflicting entry precedes it in that list (a write: any
// entry before it; a read: a write before it, i.e. the entry before it is a write or a blocked read). A
// transaction's in-degree is its count of blocked entries. A transaction can be inserted at any rank:
// it walks each account's list from the lowest end to its place, and only the entries right after it
// can change state (a run of reads up to the first write) — the same on removal. So unlike Agave's,
// which is rebuilt for every scheduling call, this graph persists between calls and takes newcomers at
// their rank, never rebuilt; it is always what a build over its nodes in priority order would give.
//
// The window: members are also kept in one array in rank order; the first `windowCount` live members are
// the look-ahead window, the only ones pop() offers. The rest (the reserve) stay in the graph with their
// state kept, so moving the window's boundary (setWindow) costs nothing per member beyond a ready-heap
// push or removal for an unblocked one — the planner moves it every call as the free batch room changes,
// where shedding and re-inserting members would redo every lock. A member leaving the window loses its
// parked state (it is offered again when it re-enters). Removed members leave holes in the rank array,
// squeezed out by compact() (the planner calls it at the end of each scheduling call; insert() compacts
// first). All storage is preallocated; nothing is allocated per transaction.
import { IndexedHeap } from "./prio-graph-heap.ts";

const NONE = -1;

/** The size class of a block for `lockCount` ≥ 1 entries: blocks hold 2^class entries. */
function sizeClass(lockCount: number): number {
  return lockCount <= 1 ? 0 : 32 - Math.clz32(lockCount - 1);
}

function blockSize(lockCount: number): number {
  return 1 << sizeClass(lockCount);
}

export interface PrioGraphLocks {
  /** Account index of lock i of transaction t at [t × stride + i]. */
  readonly account: Int32Array;
  readonly writable: Uint8Array;
  readonly count: Uint8Array;
  readonly stride: number;
}

export class PrioGraph {
  /** Locks of nodes in the graph at most. */
  readonly locksMax: number;
  readonly ready: IndexedHeap;
  private readonly locks: PrioGraphLocks;
  private readonly priority: Float64Array;
  private readonly sequence: Float64Array;
  // Per node.
  private readonly inGraph: Uint8Array;
  private readonly inWindow: Uint8Array;
  private readonly isParked: Uint8Array;
  private readonly inDegree: Int32Array;
  private readonly parked: Int32Array;
  private parkedCount = 0;
  /** Per parked node: the workers whose completed batches may let it run. */
  private readonly parkMask: Int32Array;
  private wokenWorkers = 0;
  private sleepingCount = 0;
  private locksUsed = 0;
  private memberCount = 0;
  // Members in rank order (highest first), with holes where members were removed since compact().
  private readonly order: Int32Array;
  private orderLength = 0;
  private holes = 0;
  /** The window is the live members of order[0 .. windowEnd), windowCount of them. */
  private windowEnd = 0;
  private windowCountValue = 0;
  // Lock entries of the graph's members, in a pool of their own (a node's entries are a block of a
  // power-of-two size, recycled per size class): compact, so the list walks stay in cache, where
  // indexing by the planner's 128-lock stride would spread them over megabytes.
  private readonly entryBase: Int32Array;
  private readonly entryNode: Int32Array;
  private readonly entryWritable: Uint8Array;
  /** Links in its account's list, and whether a conflicting entry precedes it. */
  private readonly entryPrev: Int32Array;
  private readonly entryNext: Int32Array;
  private readonly entryBlocked: Uint8Array;
  private readonly poolEntries: number;
  private poolBump = 0;
  /** Per size class c (blocks of 2^c entries): freed blocks. */
  private readonly freeBlocks: Int32Array[] = [];
  private readonly freeBlockCount: Int32Array;
  // Per account: its list's highest- and lowest-ranked entries.
  private readonly head: Int32Array;
  private readonly tail: Int32Array;

  constructor(
    transactionsMax: number,
    accountsMax: number,
    locksMax: number,
    priority: Float64Array,
    sequence: Float64Array,
    locks: PrioGraphLocks,
  ) {
    this.locksMax = locksMax;
    this.locks = locks;
    this.priority = priority;
    this.sequence = sequence;
    this.ready = new IndexedHeap(transactionsMax, priority, sequence, true);
    this.inGraph = new Uint8Array(transactionsMax);
    this.inWindow = new Uint8Array(transactionsMax);
    this.isParked = new Uint8Array(transactionsMax);
    this.inDegree = new Int32Array(transactionsMax);
    this.parked = new Int32Array(transactionsMax);
    this.parkMask = new Int32Array(transactionsMax);
    this.order = new Int32Array(transactionsMax);
    // Blocks round lock counts up to a power of two: at most twice the budget, plus one largest block.
    this.poolEntries = 2 * locksMax + blockSize(locks.stride);
    this.entryBase = new Int32Array(transactionsMax);
    this.entryNode = new Int32Array(this.poolEntries);
    this.entryWritable = new Uint8Array(this.poolEntries);
    this.entryPrev = new Int32Array(this.poolEntries);
    this.entryNext = new Int32Array(this.poolEntries);
    this.entryBlocked = new Uint8Array(this.poolEntries);
    const classes = sizeClass(locks.stride) + 1;
    this.freeBlockCount = new Int32Array(classes);
    for (let sizeClassIndex = 0; sizeClassIndex < classes; sizeClassIndex++)
      this.freeBlocks.push(new Int32Array(Math.ceil(this.poolEntries / (1 << sizeClassIndex))));
    this.head = new Int32Array(accountsMax).fill(NONE);
    this.tail = new Int32Array(accountsMax).fill(NONE);
  }

  /** Nodes in the graph (window and reserve; ready, blocked or parked). */
  get size(): number {
    return this.memberCount;
  }

  /** Nodes in the window. */
  get windowCount(): number {
    return this.windowCountValue;
  }

  get readyCount(): number {
    return this.ready.size;
  }

  /** True when a transaction with `lockCount` locks still fits the lock budget (and the entry pool). */
  hasRoomFor(lockCount: number): boolean {
    if (this.locksUsed + lockCount > this.locksMax) return false;
    return (
      lockCount === 0 ||
      this.memberCount === 0 ||
      this.freeBlockCount[sizeClass(lockCount)] > 0 ||
      this.poolBump + blockSize(lockCount) <= this.poolEntries
    );
  }

  private allocateEntries(lockCount: number): number {
    if (lockCount === 0) return 0;
    if (this.memberCount === 0) {
      // Empty: every block is free, whatever its class (blocks freed to one class never serve another).
      this.poolBump = 0;
      this.freeBlockCount.fill(0);
    }
    const sizeClassIndex = sizeClass(lockCount);
    if (this.freeBlockCount[sizeClassIndex] > 0)
      return this.freeBlocks[sizeClassIndex][--this.freeBlockCount[sizeClassIndex]];
    const base = this.poolBump;
    this.poolBump += 1 << sizeClassIndex;
    return base;
  }

  /** True while `id` is in the graph with a conflicting higher-ranked node in it. */
  isBlocked(id: number): boolean {
    return this.inGraph[id] === 1 && this.inDegree[id] > 0;
  }

  /** True while `id` is in the graph. */
  has(id: number): boolean {
    return this.inGraph[id] === 1;
  }

  /** True while `id` is in the window. */
  isInWindow(id: number): boolean {
    return this.inWindow[id] === 1;
  }

  /** True when transaction a ranks above b (higher priority; equal priorities: the older). */
  private outranks(a: number, b: number): boolean {
    const priorityA = this.priority[a];
    const priorityB = this.priority[b];
    return priorityA > priorityB || (priorityA === priorityB && this.sequence[a] < this.sequence[b]);
  }

  /** The lowest-ranked node, or -1 when the graph is empty. */
  lowestNode(): number {
    while (this.orderLength > 0 && this.inGraph[this.order[this.orderLength - 1]] === 0) {
      this.orderLength--;
      this.holes--;
    }
    if (this.windowEnd > this.orderLength) this.windowEnd = this.orderLength;
    return this.orderLength === 0 ? -1 : this.order[this.orderLength - 1];
  }

  /** Squeezes the holes left by removed nodes out of the rank array. */
  compact(): void {
    if (this.holes === 0) return;
    const order = this.order;
    let kept = 0;
    for (let index = 0; index < this.orderLength; index++) {
      const id = order[index];
      if (this.inGraph[id] === 1) order[kept++] = id;
    }
    this.orderLength = kept;
    this.holes = 0;
    // Every live node before the boundary is in the window.
    this.windowEnd = this.windowCountValue;
  }

  /** A batch on `worker` completed: transactions parked on it are offered again at the next call. */
  wakeWorker(worker: number): void {
    this.wokenWorkers |= 1 << worker;
  }

  /** Parked nodes not woken yet (they still cannot run; they stay in the graph). */
  get sleeping(): number {
    return this.sleepingCount;
  }

  /**
   * Starts a scheduling call: transactions parked on a worker that has completed a batch since are
   * offered again; the others keep sleeping (nothing they wait for has changed).
   */
  beginCall(): void {
    const woken = this.wokenWorkers;
    this.wokenWorkers = 0;
    let kept = 0;
    for (let index = 0; index < this.parkedCount; index++) {
      const id = this.parked[index];
      if (this.isParked[id] === 0) continue; // left the window or the graph since
      if ((this.parkMask[id] & woken) === 0) {
        this.parked[kept++] = id;
        continue;
      }
      this.isParked[id] = 0;
      if (this.inDegree[id] === 0) this.ready.push(id);
    }
    this.parkedCount = kept;
    this.sleepingCount = kept;
  }

  /**
   * Moves the window's boundary so that it holds the `count` highest-ranked nodes (all of them when
   * fewer). Nodes entering it are offered when unblocked; nodes leaving it are withdrawn and unparked.
   */
  setWindow(count: number): void {
    const target = Math.min(count, this.memberCount);
    const order = this.order;
    while (this.windowCountValue < target) {
      const id = order[this.windowEnd++];
      if (this.inGraph[id] === 0) continue;
      this.inWindow[id] = 1;
      this.windowCountValue++;
      if (this.inDegree[id] === 0) this.ready.push(id);
    }
    while (this.windowCountValue > target) {
      const id = order[--this.windowEnd];
      if (this.inGraph[id] === 0) continue;
      this.leaveWindow(id);
    }
  }

  private leaveWindow(id: number): void {
    this.inWindow[id] = 0;
    this.windowCountValue--;
    this.ready.remove(id);
    if (this.isParked[id] === 1) {
      this.isParked[id] = 0;
      this.sleepingCount--;
    }
  }

  private block(id: number): void {
    if (this.inDegree[id]++ === 0) this.ready.remove(id);
  }

  private unblock(id: number): void {
    if (--this.inDegree[id] === 0 && this.inWindow[id] === 1 && this.isParked[id] === 0) this.ready.push(id);
  }

  /**
   * Inserts transaction `id` at its rank (outside the window unless it ranks above the window's lowest,
   * which then holds one more node: setWindow() brings it back to size).
   */
  insert(id: number): void {
    const { account: accounts, writable, count, stride } = this.locks;
    const lockCount = count[id];
    if (!this.hasRoomFor(lockCount)) throw new RangeError("prio-graph: lock budget exceeded");
    this.compact();
    const entries = this.allocateEntries(lockCount);
    this.entryBase[id] = entries;
    this.locksUsed += lockCount;
    this.inGraph[id] = 1;
    this.inWindow[id] = 0;
    this.isParked[id] = 0;
    this.inDegree[id] = 0;
    this.memberCount++;
    // Its place in the rank array: usually the end (the planner takes the container in priority order).
    const order = this.order;
    let at = this.orderLength;
    if (at > 0 && this.outranks(id, order[at - 1])) {
      let low = 0;
      let high = at - 1;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (this.outranks(id, order[middle])) high = middle;
        else low = middle + 1;
      }
      at = low;
      order.copyWithin(at + 1, at, this.orderLength);
    }
    order[at] = id;
    this.orderLength++;
    if (at < this.windowEnd) {
      this.inWindow[id] = 1;
      this.windowCountValue++;
      this.windowEnd++;
    }
    const fromHead = 2 * at < this.orderLength;
    const base = id * stride;
    const entryNode = this.entryNode;
    const entryWritable = this.entryWritable;
    for (let lock = 0; lock < lockCount; lock++) {
      const entry = entries + lock;
      const account = accounts[base + lock];
      const writes = writable[base + lock] === 1;
      entryNode[entry] = id;
      entryWritable[entry] = writes ? 1 : 0;
      // Its place in the account's list, walked to from the end nearer its rank in the graph.
      let previous: number;
      let next: number;
      if (fromHead) {
        next = this.head[account];
        while (next !== NONE && this.outranks(entryNode[next], id)) next = this.entryNext[next];
        previous = next === NONE ? this.tail[account] : this.entryPrev[next];
      } else {
        previous = this.tail[account];
        while (previous !== NONE && this.outranks(id, entryNode[previous]))
          previous = this.entryPrev[previous];
        next = previous === NONE ? this.head[account] : this.entryNext[previous];
      }
      this.entryPrev[entry] = previous;
      this.entryNext[entry] = next;
      if (previous === NONE) this.head[account] = entry;
      else this.entryNext[previous] = entry;
      if (next === NONE) this.tail[account] = entry;
      else this.entryPrev[next] = entry;
      const blocked =
        previous !== NONE && (writes || entryWritable[previous] === 1 || this.entryBlocked[previous] === 1);
      this.entryBlocked[entry] = blocked ? 1 : 0;
      if (blocked) this.inDegree[id]++;
      if (writes) {
        // Everything after a write is blocked: block the unblocked run after it (reads, then one write).
        for (let after = next; after !== NONE; after = this.entryNext[after]) {
          if (this.entryBlocked[after] === 1) break;
          this.entryBlocked[after] = 1;
          this.block(entryNode[after]);
          if (entryWritable[after] === 1) break;
        }
      } else if (next !== NONE && entryWritable[next] === 1 && this.entryBlocked[next] === 0) {
        // A read blocks only a write that had nothing before it.
        this.entryBlocked[next] = 1;
        this.block(entryNode[next]);
      }
    }
    if (this.inDegree[id] === 0 && this.inWindow[id] === 1) this.ready.push(id);
  }

  /** Removes and returns the highest-priority ready transaction, or -1; it stays in the graph until remove() or park(). */
  pop(): number {
    return this.ready.pop();
  }

  /**
   * A popped transaction that could not be scheduled now: it keeps blocking and sleeps until one of
   * `workers` (a bit mask) completes a batch.
   */
  park(id: number, workers: number): void {
    this.isParked[id] = 1;
    this.parkMask[id] = workers === 0 ? -1 : workers;
    this.parked[this.parkedCount++] = id;
    this.sleepingCount++;
  }

  /** A popped transaction leaves the graph (scheduled, or put off): what it blocked may run. */
  remove(id: number): void {
    this.detach(id);
    this.holes++;
  }

  /**
   * Takes the lowest-ranked node out (the graph shrinks from its lower end); returns it, or -1. It
   * blocks nothing. It may have been ready, parked or blocked, in the window or not.
   */
  trimLowest(): number {
    const id = this.lowestNode();
    if (id < 0) return -1;
    this.orderLength--;
    if (this.windowEnd > this.orderLength) this.windowEnd = this.orderLength;
    this.detach(id);
    return id;
  }

  private detach(id: number): void {
    if (this.inWindow[id] === 1) this.leaveWindow(id);
    const { account: accounts, count, stride } = this.locks;
    const base = id * stride;
    const lockCount = count[id];
    const entries = this.entryBase[id];
    const entryNode = this.entryNode;
    const entryWritable = this.entryWritable;
    for (let lock = 0; lock < lockCount; lock++) {
      const entry = entries + lock;
      const account = accounts[base + lock];
      const previous = this.entryPrev[entry];
      const next = this.entryNext[entry];
      if (previous === NONE) this.head[account] = next;
      else this.entryNext[previous] = next;
      if (next === NONE) this.tail[account] = previous;
      else this.entryPrev[next] = previous;
      // The run after it may lose its only conflicting predecessor: reads while no write precedes them,
      // then the first write if nothing precedes it.
      let anyBefore = previous !== NONE;
      const writeBefore =
        previous !== NONE && (entryWritable[previous] === 1 || this.entryBlocked[previous] === 1);
      for (let after = next; after !== NONE; after = this.entryNext[after]) {
        if (entryWritable[after] === 1) {
          if (!anyBefore && this.entryBlocked[after] === 1) {
            this.entryBlocked[after] = 0;
            this.unblock(entryNode[after]);
          }
          break;
        }
        if (writeBefore || this.entryBlocked[after] === 0) break; // this read, and what follows, unchanged
        this.entryBlocked[after] = 0;
        this.unblock(entryNode[after]);
        anyBefore = true;
      }
    }
    this.ready.remove(id);
    if (this.isParked[id] === 1) {
      this.isParked[id] = 0;
      this.sleepingCount--;
    }
    if (lockCount > 0) {
      const sizeClassIndex = sizeClass(lockCount);
      this.freeBlocks[sizeClassIndex][this.freeBlockCount[sizeClassIndex]++] = entries;
    }
    this.locksUsed -= lockCount;
    this.inGraph[id] = 0;
    this.memberCount--;
  }
}
