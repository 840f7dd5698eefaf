// Drivers that run a scheduler through the executor model: the prio-graph planner (batches go to the
// worker it names and run as soon as that worker is free) and the FIFO baseline (src/schedule/
// fifo-batcher.ts), which knows nothing of in-flight locks, so each of its conflict-free batches is
// spread over the k workers (greedy, least loaded first) and the next batch starts only when the
// previous one has finished everywhere.

import type { ModelDriver, ModelSession } from "./executor-model.ts";
import { FifoBatcher } from "./fifo-batcher.ts";
import { PrioGraphPlanner, type PrioGraphPlannerConfig } from "./prio-graph-planner.ts";
import type { Workload } from "./workload-model.ts";

type DriverWorkload = Pick<
  Workload,
  "count" | "keyBytes" | "lockStart" | "lockOffset" | "lockWritable" | "costUnits" | "priority"
>;

export class PrioGraphModelDriver implements ModelDriver {
  readonly planner: PrioGraphPlanner;

  constructor(workload: DriverWorkload, config: PrioGraphPlannerConfig) {
    this.planner = new PrioGraphPlanner(workload.keyBytes, config);
    for (let tx = 0; tx < workload.count; tx++) {
      const start = workload.lockStart[tx];
      const end = workload.lockStart[tx + 1];
      const outcome = this.planner.enqueue(
        tx,
        workload.priority[tx],
        workload.costUnits[tx],
        workload.lockOffset.subarray(start, end),
        workload.lockWritable.subarray(start, end),
        end - start,
      );
      if (outcome !== 0) throw new Error(`model driver: enqueue of ${tx} refused (${outcome})`);
    }
  }

  plan(session: ModelSession): void {
    const planner = this.planner;
    const batches = planner.schedule();
    for (let batch = 0; batch < batches; batch++) {
      const start = planner.outputStart[batch];
      session.dispatch(
        planner.outputWorker[batch],
        planner.outputBatchId[batch],
        planner.outputSlots.subarray(start, start + planner.outputSize[batch]),
        planner.outputSize[batch],
      );
    }
  }

  complete(token: number): void {
    this.planner.completeBatch(token);
  }

  newSlot(): boolean {
    if (this.planner.pending === 0) return false;
    this.planner.beginSlot();
    return true;
  }

  remaining(): number {
    return this.planner.pending;
  }
}

export class FifoModelDriver implements ModelDriver {
  readonly batcher: FifoBatcher;
  private readonly workers: number;
  private readonly costUnits: Int32Array;
  private readonly batch = new Int32Array(64);
  private readonly perWorker: Int32Array[];
  private readonly perWorkerCount: Int32Array;
  private readonly load: Float64Array;
  private running = 0;
  private token = 0;

  constructor(workload: DriverWorkload & Pick<Workload, "computeUnits">, workers: number) {
    this.batcher = new FifoBatcher(workload.keyBytes, Math.max(1, workload.count));
    this.workers = workers;
    this.costUnits = workload.computeUnits;
    this.perWorker = Array.from({ length: workers }, () => new Int32Array(64));
    this.perWorkerCount = new Int32Array(workers);
    this.load = new Float64Array(workers);
    for (let tx = 0; tx < workload.count; tx++) {
      const start = workload.lockStart[tx];
      const end = workload.lockStart[tx + 1];
      this.batcher.enqueue(
        tx,
        workload.lockOffset.subarray(start, end),
        workload.lockWritable.subarray(start, end),
        end - start,
      );
    }
  }

  plan(session: ModelSession): void {
    if (this.running > 0 || this.batcher.pending === 0) return;
    const size = this.batcher.nextBatch(this.batch, 64);
    this.perWorkerCount.fill(0);
    this.load.fill(0);
    for (let index = 0; index < size; index++) {
      let worker = 0;
      for (let candidate = 1; candidate < this.workers; candidate++)
        if (this.load[candidate] < this.load[worker]) worker = candidate;
      const tx = this.batch[index];
      this.perWorker[worker][this.perWorkerCount[worker]++] = tx;
      this.load[worker] += this.costUnits[tx];
    }
    for (let worker = 0; worker < this.workers; worker++) {
      if (this.perWorkerCount[worker] === 0) continue;
      session.dispatch(worker, this.token++, this.perWorker[worker], this.perWorkerCount[worker]);
      this.running++;
    }
  }

  complete(_token: number): void {
    this.running--;
  }

  newSlot(): boolean {
    return false;
  }

  remaining(): number {
    return this.batcher.pending;
  }
}
