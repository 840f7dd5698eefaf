// Ceilings for the executor model (executor-model.ts): what an ideal greedy list scheduler reaches on a
// workload — no batches, no lanes, no look-ahead limit, no scheduling delay: whenever one of k workers
// is free it starts, among the transactions whose conflicting predecessors (in the reference order)
// have all finished, the one a rule picks. Two rules:
//   "priority"       the first in the reference order (the highest priority): the best a scheduler that
//                    always runs the highest-priority runnable transaction first can do
//   "critical-path"  the one with the heaviest chain of conflicting successors still to run (its
//                    "bottom level"), which keeps long chains going — not priority order
// The batch efficiency of either uses the model's lower bound, so a planner that keeps priority order
// cannot be expected to beat the "priority" ceiling by much: where it is below 0.95, so is the planner.
import type { ModelWorkload } from "./executor-model.ts";

export type ListRule = "priority" | "critical-path";

export interface ListScheduleResult {
  makespanNs: number;
  lowerBoundNs: number;
  batchEfficiency: number;
}

/** Greedy list schedule of `workload` on `workers` under `rule`; `order` is the reference (priority) order. */
export function listSchedule(
  workload: ModelWorkload,
  workers: number,
  order: Int32Array,
  rule: ListRule,
  nanosecondsPerComputeUnit = 1,
): ListScheduleResult {
  const count = workload.count;
  const rank = new Int32Array(count);
  order.forEach((tx, index) => {
    rank[tx] = index;
  });
  // Dependencies in the reference order: a write waits for the readers since the last write (or the
  // last writer), a read for the last writer.
  const predecessorCount = new Int32Array(count);
  const successors: number[][] = Array.from({ length: count }, () => []);
  const lastWriter = new Int32Array(workload.accountsCount).fill(-1);
  const readersSince: number[][] = Array.from({ length: workload.accountsCount }, () => []);
  const edge = (from: number, to: number) => {
    successors[from].push(to);
    predecessorCount[to]++;
  };
  for (const tx of order) {
    for (let lock = workload.lockStart[tx]; lock < workload.lockStart[tx + 1]; lock++) {
      const account = workload.lockAccount[lock];
      const writer = lastWriter[account];
      if (workload.lockWritable[lock] === 1) {
        const readers = readersSince[account];
        if (readers.length > 0) for (const reader of readers) edge(reader, tx);
        else if (writer >= 0) edge(writer, tx);
        lastWriter[account] = tx;
        readersSince[account] = [];
      } else {
        if (writer >= 0) edge(writer, tx);
        readersSince[account].push(tx);
      }
    }
  }
  const bottomLevel = new Float64Array(count);
  let criticalPath = 0;
  let total = 0;
  for (let index = count - 1; index >= 0; index--) {
    const tx = order[index];
    let heaviest = 0;
    for (const next of successors[tx]) heaviest = Math.max(heaviest, bottomLevel[next]);
    bottomLevel[tx] = heaviest + workload.computeUnits[tx];
    criticalPath = Math.max(criticalPath, bottomLevel[tx]);
    total += workload.computeUnits[tx];
  }
  const better =
    rule === "priority"
      ? (a: number, b: number) => rank[a] < rank[b]
      : (a: number, b: number) =>
          bottomLevel[a] > bottomLevel[b] || (bottomLevel[a] === bottomLevel[b] && rank[a] < rank[b]);
  const ready: number[] = [];
  for (let tx = 0; tx < count; tx++) if (predecessorCount[tx] === 0) ready.push(tx);
  const running = new Int32Array(workers).fill(-1);
  const freeAt = new Float64Array(workers);
  let now = 0;
  let makespan = 0;
  for (let done = 0; done < count; ) {
    for (let worker = 0; worker < workers && ready.length > 0; worker++) {
      if (running[worker] >= 0) continue;
      let best = 0;
      for (let index = 1; index < ready.length; index++) if (better(ready[index], ready[best])) best = index;
      const tx = ready[best];
      ready[best] = ready[ready.length - 1];
      ready.pop();
      running[worker] = tx;
      freeAt[worker] = now + workload.computeUnits[tx];
    }
    let next = -1;
    for (let worker = 0; worker < workers; worker++)
      if (running[worker] >= 0 && (next < 0 || freeAt[worker] < freeAt[next])) next = worker;
    const tx = running[next];
    running[next] = -1;
    now = freeAt[next];
    makespan = Math.max(makespan, now);
    done++;
    for (const successor of successors[tx]) if (--predecessorCount[successor] === 0) ready.push(successor);
  }
  const lowerBound = Math.max(criticalPath, total / workers);
  return {
    makespanNs: makespan * nanosecondsPerComputeUnit,
    lowerBoundNs: lowerBound * nanosecondsPerComputeUnit,
    batchEfficiency: makespan === 0 ? 1 : lowerBound / makespan,
  };
}
