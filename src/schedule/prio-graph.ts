// The look-ahead dependency graph, after Agave's prio-graph: transactions are inserted in priority
// order and each gets edges only from the previous conflicting transactions on each of its accounts —
// a write depends on the last writer (or on every reader since it), a read on the last writer — so the
// graph stays linear in the number of locks. pop() yields the highest-priority transaction with no
// unfinished predecessor; its successors stay blocked until unblock() is called for it (after the
// batch holding it is sent). Nodes are transaction ids; one graph lives for one planning call
// (begin() … drainInto()), and all storage is preallocated with asserted bounds.
import { IndexedHeap } from "./prio-graph-heap.ts";

const NONE = -1;

export class PrioGraph {
  /** Locks (transaction × account) that one planning call may insert. */
  readonly locksPerCallMax: number;
  readonly ready: IndexedHeap;
  private readonly inGraph: Uint8Array;
  private readonly inDegree: Int32Array;
  private readonly edgeHead: Int32Array;
  private readonly edgeTo: Int32Array;
  private readonly edgeNext: Int32Array;
  private edgesUsed = 0;
  private readonly readerTx: Int32Array;
  private readonly readerNext: Int32Array;
  private readersUsed = 0;
  private locksUsed = 0;
  /** Per account: the planning call it was last touched in, its last writer and its readers since. */
  private readonly accountEpoch: Int32Array;
  private readonly accountWriter: Int32Array;
  private readonly accountReaders: Int32Array;
  private epoch = 0;
  /** Every node inserted in this call, to hand the leftovers back. */
  private readonly inserted: Int32Array;
  private insertedCount = 0;

  constructor(
    transactionsMax: number,
    accountsMax: number,
    locksPerCallMax: number,
    priority: Float64Array,
    sequence: Float64Array,
  ) {
    this.locksPerCallMax = locksPerCallMax;
    this.ready = new IndexedHeap(transactionsMax, priority, sequence, true);
    this.inGraph = new Uint8Array(transactionsMax);
    this.inDegree = new Int32Array(transactionsMax);
    this.edgeHead = new Int32Array(transactionsMax).fill(NONE);
    // Each edge into T on account a comes from the last writer (≤ one per lock) or consumes a reader entry.
    this.edgeTo = new Int32Array(2 * locksPerCallMax);
    this.edgeNext = new Int32Array(2 * locksPerCallMax);
    this.readerTx = new Int32Array(locksPerCallMax);
    this.readerNext = new Int32Array(locksPerCallMax);
    this.accountEpoch = new Int32Array(accountsMax);
    this.accountWriter = new Int32Array(accountsMax);
    this.accountReaders = new Int32Array(accountsMax);
    this.inserted = new Int32Array(transactionsMax);
  }

  /** Nodes inserted and not yet popped. */
  get size(): number {
    let count = 0;
    for (let index = 0; index < this.insertedCount; index++) count += this.inGraph[this.inserted[index]];
    return count;
  }

  get readyCount(): number {
    return this.ready.size;
  }

  /** Starts a planning call with an empty graph. */
  begin(): void {
    this.epoch++;
    if (this.epoch === 0x7fffffff) {
      this.accountEpoch.fill(0);
      this.epoch = 1;
    }
    this.edgesUsed = 0;
    this.readersUsed = 0;
    this.locksUsed = 0;
    this.insertedCount = 0;
    this.ready.clear();
  }

  /** True when a transaction with `lockCount` locks still fits in this call's edge budget. */
  hasRoomFor(lockCount: number): boolean {
    return this.locksUsed + lockCount <= this.locksPerCallMax;
  }

  private addEdge(from: number, to: number): void {
    const edge = this.edgesUsed++;
    this.edgeTo[edge] = to;
    this.edgeNext[edge] = this.edgeHead[from];
    this.edgeHead[from] = edge;
    this.inDegree[to]++;
  }

  /**
   * Inserts transaction `id` (lower priority than everything inserted before in this call) with its
   * locks: `lockCount` account indexes from `accounts[base..]`, writable where `writable[base + i]`.
   */
  insert(id: number, accounts: Int32Array, writable: Uint8Array, base: number, lockCount: number): void {
    if (!this.hasRoomFor(lockCount)) throw new RangeError("prio-graph: lock budget of the call exceeded");
    this.locksUsed += lockCount;
    this.inGraph[id] = 1;
    this.inDegree[id] = 0;
    this.edgeHead[id] = NONE;
    this.inserted[this.insertedCount++] = id;
    const epoch = this.epoch;
    for (let lock = 0; lock < lockCount; lock++) {
      const account = accounts[base + lock];
      if (this.accountEpoch[account] !== epoch) {
        this.accountEpoch[account] = epoch;
        this.accountWriter[account] = NONE;
        this.accountReaders[account] = NONE;
      }
      const writer = this.accountWriter[account];
      if (writable[base + lock] === 1) {
        let reader = this.accountReaders[account];
        if (reader !== NONE) {
          while (reader !== NONE) {
            const readerId = this.readerTx[reader];
            if (this.inGraph[readerId] === 1) this.addEdge(readerId, id);
            reader = this.readerNext[reader];
          }
          this.accountReaders[account] = NONE;
        } else if (writer !== NONE && this.inGraph[writer] === 1) {
          this.addEdge(writer, id);
        }
        this.accountWriter[account] = id;
      } else {
        if (writer !== NONE && this.inGraph[writer] === 1) this.addEdge(writer, id);
        const entry = this.readersUsed++;
        this.readerTx[entry] = id;
        this.readerNext[entry] = this.accountReaders[account];
        this.accountReaders[account] = entry;
      }
    }
    if (this.inDegree[id] === 0) this.ready.push(id);
  }

  /** Removes and returns the highest-priority unblocked transaction, or -1. */
  pop(): number {
    const id = this.ready.pop();
    if (id >= 0) this.inGraph[id] = 0;
    return id;
  }

  /** Releases the successors of a popped transaction. */
  unblock(id: number): void {
    let edge = this.edgeHead[id];
    while (edge !== NONE) {
      const to = this.edgeTo[edge];
      if (--this.inDegree[to] === 0 && this.inGraph[to] === 1) this.ready.push(to);
      edge = this.edgeNext[edge];
    }
    this.edgeHead[id] = NONE;
  }

  /** Ends the call: every node still in the graph is written to `out`; returns how many. */
  drainInto(out: Int32Array): number {
    let count = 0;
    for (let index = 0; index < this.insertedCount; index++) {
      const id = this.inserted[index];
      if (this.inGraph[id] === 1) {
        this.inGraph[id] = 0;
        out[count++] = id;
      }
      this.edgeHead[id] = NONE;
    }
    this.insertedCount = 0;
    this.ready.clear();
    return count;
  }
}
