// Reads JavaScriptCore's GC log (the companion is started with BUN_JSC_logGC=1; JSC writes a few lines
// per collection on stderr, and lines of different threads may interleave) into pause and allocation
// figures. Each `p=<ms>ms (max …)` is one stop-the-world pause of the mutator (a whole eden collection,
// or one increment of a concurrent full one). "START <scope> <N>kb => EdenCollection|FullCollection"
// opens a collection with the heap at N kB; "=> <M>kB, p=… cycle …" closes one with M kB left. Allocation
// is estimated per heap as the growth between the end of one collection and the start of the next
// (a lower bound: what was allocated and freed within one cycle, or before the first, is not seen).
// Every Worker has its own heap; the figures sum them.

const PAUSE = /p=([0-9.]+)ms \(max/g;
const START = /\[GC<([0-9a-fx]+)>: START \S+ ([0-9]+)kb => (\w+)/;
const END_SIZE = /=> ([0-9]+)kb, p=[0-9.]+ms \(max [0-9.]+\), cycle/;
const HEAP = /\[GC<([0-9a-fx]+)>/;

export interface GcSummary {
  collections: number;
  fullCollections: number;
  pauses: number;
  pauseMsTotal: number;
  pauseMsMax: number;
  pauseMsP99: number;
  allocatedBytes: number;
  /** Distinct heaps seen (one per thread running JavaScript). */
  heaps: number;
}

/** A point in the log: summary(since) counts only what came after it. */
export interface GcMark {
  pauses: number;
  collections: number;
  fullCollections: number;
  allocatedBytes: number;
}

export class GcLog {
  private readonly pausesMs: number[] = [];
  private collections = 0;
  private fullCollections = 0;
  private allocatedBytes = 0;
  private readonly heaps = new Set<string>();
  private readonly heapEndKb = new Map<string, number>();
  private openHeap: string | null = null;

  /** Feeds one stderr line; returns false when it is not a GC line (for the caller to keep). */
  feed(line: string): boolean {
    let gcLine = line === "GC END!" || line.startsWith("Requesting GC") || line.startsWith("Full GC");
    const heapMatch = HEAP.exec(line);
    if (heapMatch) {
      gcLine = true;
      this.heaps.add(heapMatch[1]);
    }
    const start = START.exec(line);
    if (start) {
      const heap = start[1];
      const sizeKb = Number(start[2]);
      this.collections++;
      if (start[3] === "FullCollection") this.fullCollections++;
      const endKb = this.heapEndKb.get(heap);
      if (endKb !== undefined && sizeKb > endKb) this.allocatedBytes += (sizeKb - endKb) * 1024;
      this.openHeap = heap;
    }
    const end = END_SIZE.exec(line);
    if (end) {
      gcLine = true;
      const heap = heapMatch?.[1] ?? this.openHeap;
      if (heap !== null) this.heapEndKb.set(heap, Number(end[1]));
    }
    for (const match of line.matchAll(PAUSE)) {
      gcLine = true;
      this.pausesMs.push(Number(match[1]));
    }
    return gcLine;
  }

  mark(): GcMark {
    return {
      pauses: this.pausesMs.length,
      collections: this.collections,
      fullCollections: this.fullCollections,
      allocatedBytes: this.allocatedBytes,
    };
  }

  summary(since: GcMark = { pauses: 0, collections: 0, fullCollections: 0, allocatedBytes: 0 }): GcSummary {
    const sorted = Float64Array.from(this.pausesMs.slice(since.pauses)).sort();
    const total = sorted.reduce((sum, each) => sum + each, 0);
    return {
      collections: this.collections - since.collections,
      fullCollections: this.fullCollections - since.fullCollections,
      pauses: sorted.length,
      pauseMsTotal: total,
      pauseMsMax: sorted.length === 0 ? 0 : sorted[sorted.length - 1],
      pauseMsP99:
        sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)],
      allocatedBytes: this.allocatedBytes - since.allocatedBytes,
      heaps: this.heaps.size,
    };
  }
}
