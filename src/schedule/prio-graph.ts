// The look-ahead dependency graph, after Agave's prio-graph: transactions are inserted in priority
// order and each gets edges only from the previous conflicting transactions on each of its accounts —
// a write depends on the last writer (or on every reader since it), a read on the last writer — so the
// graph stays linear in the number of locks. pop() yields the highest-priority transaction with no
// predecessor in the graph. A popped transaction then either leaves (remove(): scheduled, or put off to
// the next slot — its successors are released) or is parked (it could not be scheduled now: it stays,
// still blocking its successors, and is offered again at the next beginCall()).
//
// Unlike Agave's, which is rebuilt for every scheduling call, this graph persists between calls, and
// stays what a rebuild over its nodes in priority order would give: a removed node had no predecessor
// left, and the lowest-ranked nodes (trimLowest(), which the planner uses to keep the window to its
// size) have no successor left, so either leaves the edges among the remaining nodes as a rebuild would
// make them (two remaining conflicting nodes stay connected through nodes that are themselves blocked).
// The planner appends in priority order, or out of order only where that changes no edge
// (appendable()), and rebuilds (reset() and insert again) otherwise. Nodes are transaction ids; locks
// are read from the planner's per-transaction arrays (`stride` locks per transaction). All storage is
// preallocated; per-account state is stamped with a graph epoch, so reset() is O(nodes). An edge into a
// trimmed node stays on its source's list, marked stale by the node's generation, until the source
// leaves; when stale edges fill the edge store, hasRoomFor() says no and the planner rebuilds.
import { IndexedHeap } from "./prio-graph-heap.ts";

const NONE = -1;

export interface PrioGraphLocks {
  /** Account index of lock i of transaction t at [t × stride + i]. */
  readonly account: Int32Array;
  readonly writable: Uint8Array;
  readonly count: Uint8Array;
  readonly stride: number;
}

export class PrioGraph {
  /** Locks of nodes in the graph at most (bounds the edge store). */
  readonly locksMax: number;
  readonly ready: IndexedHeap;
  private readonly locks: PrioGraphLocks;
  private readonly priority: Float64Array;
  private readonly sequence: Float64Array;
  /** Graph nodes, lowest rank first (the window's lower end). */
  private readonly lowest: IndexedHeap;
  // Per node.
  private readonly inGraph: Uint8Array;
  private readonly generation: Int32Array;
  private readonly isParked: Uint8Array;
  private readonly inDegree: Int32Array;
  private readonly edgeHead: Int32Array;
  private readonly memberAt: Int32Array;
  private readonly members: Int32Array;
  private memberCount = 0;
  private readonly parked: Int32Array;
  private parkedCount = 0;
  /** Per parked node: the workers whose completed batches may let it run. */
  private readonly parkMask: Int32Array;
  private wokenWorkers = 0;
  private sleepingCount = 0;
  private locksUsed = 0;
  // Edges: a bump allocator with a free list, both emptied in O(1) by reset().
  private readonly edgeTo: Int32Array;
  private readonly edgeToGeneration: Int32Array;
  private readonly edgeNext: Int32Array;
  private readonly edgeFree: Int32Array;
  private edgeFreeTop = 0;
  private edgeBump = 0;
  // Per lock entry (t × stride + i). A read: its links in the account's list of readers in the graph, in
  // insertion order (a writer does not empty it: the readers since the last write are the list's tail
  // after that writer's insertion serial). A write: the writer it followed, to restore when trimmed.
  private readonly readerNext: Int32Array;
  private readonly readerPrev: Int32Array;
  private readonly readerListed: Uint8Array;
  private readonly prevWriter: Int32Array;
  private readonly prevWriterGeneration: Int32Array;
  private readonly prevWriterSerial: Float64Array;
  /** Per node: the serial of its insertion (increasing). */
  private readonly insertSerial: Float64Array;
  private serialCounter = 0;
  // Per account, valid when accountEpoch equals the graph epoch.
  private readonly accountEpoch: Int32Array;
  private readonly lastWriter: Int32Array;
  private readonly lastWriterSerial: Float64Array;
  private readonly readerHead: Int32Array;
  private readonly readerTail: Int32Array;
  private readonly users: Int32Array;
  private readonly writers: Int32Array;
  /** Lowest-ranked user / writer appended since the account last had none (a bound: never raised on removal). */
  private readonly minUserPriority: Float64Array;
  private readonly minUserSequence: Float64Array;
  private readonly minWriterPriority: Float64Array;
  private readonly minWriterSequence: Float64Array;
  private epoch = 1;

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
    this.lowest = new IndexedHeap(transactionsMax, priority, sequence, false);
    this.inGraph = new Uint8Array(transactionsMax);
    this.generation = new Int32Array(transactionsMax);
    this.isParked = new Uint8Array(transactionsMax);
    this.inDegree = new Int32Array(transactionsMax);
    this.edgeHead = new Int32Array(transactionsMax).fill(NONE);
    this.memberAt = new Int32Array(transactionsMax).fill(NONE);
    this.members = new Int32Array(transactionsMax);
    this.parked = new Int32Array(transactionsMax);
    this.parkMask = new Int32Array(transactionsMax);
    // Each edge is charged to one lock entry of a live node, which is charged at most two.
    const edgesMax = 2 * locksMax;
    this.edgeTo = new Int32Array(edgesMax);
    this.edgeToGeneration = new Int32Array(edgesMax);
    this.edgeNext = new Int32Array(edgesMax);
    this.edgeFree = new Int32Array(edgesMax);
    const entries = transactionsMax * locks.stride;
    this.readerNext = new Int32Array(entries);
    this.readerPrev = new Int32Array(entries);
    this.readerListed = new Uint8Array(entries);
    this.prevWriter = new Int32Array(entries);
    this.prevWriterGeneration = new Int32Array(entries);
    this.prevWriterSerial = new Float64Array(entries);
    this.insertSerial = new Float64Array(transactionsMax);
    this.accountEpoch = new Int32Array(accountsMax);
    this.lastWriter = new Int32Array(accountsMax);
    this.lastWriterSerial = new Float64Array(accountsMax);
    this.readerHead = new Int32Array(accountsMax);
    this.readerTail = new Int32Array(accountsMax);
    this.users = new Int32Array(accountsMax);
    this.writers = new Int32Array(accountsMax);
    this.minUserPriority = new Float64Array(accountsMax);
    this.minUserSequence = new Float64Array(accountsMax);
    this.minWriterPriority = new Float64Array(accountsMax);
    this.minWriterSequence = new Float64Array(accountsMax);
  }

  /** Nodes in the graph (ready, blocked or parked). */
  get size(): number {
    return this.memberCount;
  }

  get readyCount(): number {
    return this.ready.size;
  }

  /** The i-th node in the graph (any order), for 0 ≤ i < size. */
  member(index: number): number {
    return this.members[index];
  }

  /** True when a transaction with `lockCount` locks still fits the lock budget and the edge store. */
  hasRoomFor(lockCount: number): boolean {
    return (
      this.locksUsed + lockCount <= this.locksMax &&
      this.edgeBump - this.edgeFreeTop + 2 * lockCount <= this.edgeTo.length
    );
  }

  /** True while `id` is in the graph with a predecessor still in it. */
  isBlocked(id: number): boolean {
    return this.inGraph[id] === 1 && this.inDegree[id] > 0;
  }

  /** True while `id` is in the graph. */
  has(id: number): boolean {
    return this.inGraph[id] === 1;
  }

  /** The lowest-ranked node, or -1 when the graph is empty. */
  lowestNode(): number {
    return this.lowest.top();
  }

  /** Empties the graph (the caller takes the nodes back first, through member()). */
  reset(): void {
    for (let index = 0; index < this.memberCount; index++) {
      const id = this.members[index];
      this.inGraph[id] = 0;
      this.isParked[id] = 0;
      this.memberAt[id] = NONE;
      this.edgeHead[id] = NONE;
    }
    this.memberCount = 0;
    this.lowest.clear();
    this.parkedCount = 0;
    this.locksUsed = 0;
    this.ready.clear();
    this.edgeFreeTop = 0;
    this.edgeBump = 0;
    this.epoch++;
    if (this.epoch === 0x7fffffff) {
      this.accountEpoch.fill(0);
      this.epoch = 1;
    }
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
      if (this.isParked[id] === 0) continue; // trimmed since
      if ((this.parkMask[id] & woken) === 0) {
        this.parked[kept++] = id;
        continue;
      }
      this.isParked[id] = 0;
      this.ready.push(id);
    }
    this.parkedCount = kept;
    this.sleepingCount = kept;
  }

  private touch(account: number): void {
    if (this.accountEpoch[account] === this.epoch) return;
    this.accountEpoch[account] = this.epoch;
    this.lastWriter[account] = NONE;
    this.readerHead[account] = NONE;
    this.readerTail[account] = NONE;
    this.users[account] = 0;
    this.writers[account] = 0;
  }

  /** True when a ranks below b (lower priority; equal priorities: the newer ranks lower). */
  private below(priorityA: number, sequenceA: number, priorityB: number, sequenceB: number): boolean {
    return priorityA < priorityB || (priorityA === priorityB && sequenceA > sequenceB);
  }

  /**
   * True when transaction `id` may be appended although it may rank above nodes already in the graph:
   * it conflicts with no node ranking below it, so its edges are those of an insertion at its rank.
   * (Conservative: may say no where yes would do; never the reverse.)
   */
  appendable(id: number): boolean {
    const { account: accounts, writable, count, stride } = this.locks;
    const base = id * stride;
    const priority = this.priority[id];
    const sequence = this.sequence[id];
    for (let lock = 0; lock < count[id]; lock++) {
      const account = accounts[base + lock];
      if (this.accountEpoch[account] !== this.epoch) continue;
      if (writable[base + lock] === 1) {
        if (
          this.users[account] > 0 &&
          this.below(this.minUserPriority[account], this.minUserSequence[account], priority, sequence)
        )
          return false;
      } else if (
        this.writers[account] > 0 &&
        this.below(this.minWriterPriority[account], this.minWriterSequence[account], priority, sequence)
      )
        return false;
    }
    return true;
  }

  private addEdge(from: number, to: number): void {
    const edge = this.edgeFreeTop > 0 ? this.edgeFree[--this.edgeFreeTop] : this.edgeBump++;
    this.edgeTo[edge] = to;
    this.edgeToGeneration[edge] = this.generation[to];
    this.edgeNext[edge] = this.edgeHead[from];
    this.edgeHead[from] = edge;
    this.inDegree[to]++;
  }

  /** Appends transaction `id` (see appendable() when it may rank above nodes already in). */
  insert(id: number): void {
    const { account: accounts, writable, count, stride } = this.locks;
    const lockCount = count[id];
    if (!this.hasRoomFor(lockCount)) throw new RangeError("prio-graph: lock budget exceeded");
    this.locksUsed += lockCount;
    this.inGraph[id] = 1;
    this.generation[id] = (this.generation[id] + 1) | 0;
    this.lowest.push(id);
    this.inDegree[id] = 0;
    this.edgeHead[id] = NONE;
    this.memberAt[id] = this.memberCount;
    this.members[this.memberCount++] = id;
    const priority = this.priority[id];
    const sequence = this.sequence[id];
    const serial = ++this.serialCounter;
    this.insertSerial[id] = serial;
    const base = id * stride;
    for (let lock = 0; lock < lockCount; lock++) {
      const entry = base + lock;
      const account = accounts[entry];
      this.touch(account);
      if (
        this.users[account] === 0 ||
        this.below(priority, sequence, this.minUserPriority[account], this.minUserSequence[account])
      ) {
        this.minUserPriority[account] = priority;
        this.minUserSequence[account] = sequence;
      }
      this.users[account]++;
      const writer = this.lastWriter[account];
      if (writable[entry] === 1) {
        if (
          this.writers[account] === 0 ||
          this.below(priority, sequence, this.minWriterPriority[account], this.minWriterSequence[account])
        ) {
          this.minWriterPriority[account] = priority;
          this.minWriterSequence[account] = sequence;
        }
        this.writers[account]++;
        // A write waits for every reader since the last write (the list's tail), else for the last writer.
        const since = writer === NONE ? -1 : this.lastWriterSerial[account];
        let reader = this.readerTail[account];
        let readers = 0;
        while (reader !== NONE && this.insertSerial[(reader / stride) | 0] > since) {
          this.addEdge((reader / stride) | 0, id);
          readers++;
          reader = this.readerPrev[reader];
        }
        if (readers === 0 && writer !== NONE) this.addEdge(writer, id);
        this.prevWriter[entry] = writer;
        this.prevWriterGeneration[entry] = writer === NONE ? 0 : this.generation[writer];
        this.prevWriterSerial[entry] = writer === NONE ? -1 : this.lastWriterSerial[account];
        this.lastWriter[account] = id;
        this.lastWriterSerial[account] = serial;
      } else {
        if (writer !== NONE) this.addEdge(writer, id);
        const tail = this.readerTail[account];
        this.readerPrev[entry] = tail;
        this.readerNext[entry] = NONE;
        if (tail !== NONE) this.readerNext[tail] = entry;
        else this.readerHead[account] = entry;
        this.readerTail[account] = entry;
        this.readerListed[entry] = 1;
      }
    }
    if (this.inDegree[id] === 0) this.ready.push(id);
  }

  /** Removes and returns the highest-priority ready transaction, or -1; it stays in the graph until remove() or park(). */
  pop(): number {
    return this.ready.pop();
  }

  /**
   * A popped transaction that could not be scheduled now: it keeps blocking its successors and sleeps
   * until one of `workers` (a bit mask) completes a batch.
   */
  park(id: number, workers: number): void {
    this.isParked[id] = 1;
    this.parkMask[id] = workers === 0 ? -1 : workers;
    this.parked[this.parkedCount++] = id;
    this.sleepingCount++;
  }

  /** A popped transaction leaves the graph (scheduled, or put off): its successors are released. */
  remove(id: number): void {
    this.detach(id, true);
  }

  /**
   * Takes the lowest-ranked node out (the window shrinks from its lower end); returns it, or -1. It has
   * no successor left in the graph; edges into it go stale. It may have been ready, parked or blocked.
   */
  trimLowest(): number {
    const id = this.lowest.top();
    if (id < 0) return -1;
    this.ready.remove(id);
    if (this.isParked[id] === 1) {
      this.isParked[id] = 0;
      this.sleepingCount--;
    }
    this.detach(id, false);
    return id;
  }

  private detach(id: number, releaseSuccessors: boolean): void {
    const { account: accounts, writable, count, stride } = this.locks;
    const base = id * stride;
    const lockCount = count[id];
    for (let lock = 0; lock < lockCount; lock++) {
      const entry = base + lock;
      const account = accounts[entry];
      if (writable[entry] === 1) {
        if (this.lastWriter[account] === id) {
          // Back to the writer before it, if still here (only a trimmed node can have one).
          const previous = this.prevWriter[entry];
          const live =
            previous !== NONE &&
            this.inGraph[previous] === 1 &&
            this.generation[previous] === this.prevWriterGeneration[entry];
          this.lastWriter[account] = live ? previous : NONE;
          this.lastWriterSerial[account] = live ? this.prevWriterSerial[entry] : -1;
        }
        this.writers[account]--;
      } else if (this.readerListed[entry] === 1) {
        const next = this.readerNext[entry];
        const prev = this.readerPrev[entry];
        if (prev === NONE) this.readerHead[account] = next;
        else this.readerNext[prev] = next;
        if (next === NONE) this.readerTail[account] = prev;
        else this.readerPrev[next] = prev;
        this.readerListed[entry] = 0;
      }
      this.users[account]--;
    }
    let edge = this.edgeHead[id];
    while (edge !== NONE) {
      const to = this.edgeTo[edge];
      if (
        releaseSuccessors &&
        this.inGraph[to] === 1 &&
        this.edgeToGeneration[edge] === this.generation[to] &&
        --this.inDegree[to] === 0
      )
        this.ready.push(to);
      const next = this.edgeNext[edge];
      this.edgeFree[this.edgeFreeTop++] = edge;
      edge = next;
    }
    this.edgeHead[id] = NONE;
    this.locksUsed -= lockCount;
    this.inGraph[id] = 0;
    this.lowest.remove(id);
    const at = this.memberAt[id];
    const last = this.members[--this.memberCount];
    this.members[at] = last;
    this.memberAt[last] = at;
    this.memberAt[id] = NONE;
  }
}
