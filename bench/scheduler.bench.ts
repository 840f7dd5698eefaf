import { bench, do_not_optimize, run } from "mitata";
import { PriorityBuffer } from "../src/ingress/priority-buffer.ts";
import { FifoBatcher } from "../src/schedule/fifo-batcher.ts";
import { PrioGraphPlanner } from "../src/schedule/prio-graph-planner.ts";
import { generateWorkload } from "../src/schedule/workload-model.ts";
import { writeBenchJson } from "./json-output.ts";

const TRANSACTIONS = 2_000;
const workload = generateWorkload({ transactions: TRANSACTIONS, seed: 7 });
const lockOffsets = Array.from({ length: TRANSACTIONS }, (_, tx) =>
  workload.lockOffset.subarray(workload.lockStart[tx], workload.lockStart[tx + 1]),
);
const lockWritable = Array.from({ length: TRANSACTIONS }, (_, tx) =>
  workload.lockWritable.subarray(workload.lockStart[tx], workload.lockStart[tx + 1]),
);

const planner = new PrioGraphPlanner(workload.keyBytes, {
  workers: 4,
  pendingMax: TRANSACTIONS,
  batchTransactionsMax: 64,
  inFlightBatchesPerWorkerMax: 2,
  blockComputeUnitsMax: 2 ** 50,
  accountWriteComputeUnitsMax: 2 ** 50,
});
const fifo = new FifoBatcher(workload.keyBytes, TRANSACTIONS);
const fifoOut = new Int32Array(64);
const buffer = new PriorityBuffer({ countMax: 512, bytesMax: 512 * 600 });

/** Enqueue all, then schedule / complete (oldest batch first) until everything ran. */
function runPlanner(): number {
  for (let tx = 0; tx < TRANSACTIONS; tx++)
    planner.enqueue(
      tx,
      workload.priority[tx],
      workload.costUnits[tx],
      lockOffsets[tx],
      lockWritable[tx],
      lockOffsets[tx].length,
    );
  let sent = 0;
  const inFlight: number[] = [];
  while (planner.pending > 0 || inFlight.length > 0) {
    const batches = planner.schedule();
    for (let batch = 0; batch < batches; batch++) {
      inFlight.push(planner.outputBatchId[batch]);
      sent += planner.outputSize[batch];
    }
    const done = inFlight.shift();
    if (done === undefined) throw new Error("planner stuck");
    planner.completeBatch(done);
  }
  return sent;
}

function runFifo(): number {
  for (let tx = 0; tx < TRANSACTIONS; tx++)
    fifo.enqueue(tx, lockOffsets[tx], lockWritable[tx], lockOffsets[tx].length);
  let sent = 0;
  while (fifo.pending > 0) sent += fifo.nextBatch(fifoOut, 64);
  return sent;
}

function runBuffer(): number {
  let total = 0;
  for (let tx = 0; tx < TRANSACTIONS; tx++) {
    buffer.push(tx, workload.priority[tx], workload.packetBytes[tx], workload.sourceId[tx]);
    if ((tx & 1) === 1) total += buffer.popMax();
  }
  while (buffer.count > 0) total += buffer.popMax();
  return total;
}

if (runPlanner() !== TRANSACTIONS || runFifo() !== TRANSACTIONS) throw new Error("bench: transactions lost");

const NAMES = {
  prio: `prio-graph planner (k=4) enqueue+schedule+complete ×${TRANSACTIONS}`,
  fifo: `FIFO batcher enqueue+nextBatch ×${TRANSACTIONS}`,
  buffer: `priority buffer push (+pop every 2nd, drain) ×${TRANSACTIONS}`,
};
bench(NAMES.prio, () => do_not_optimize(runPlanner()));
bench(NAMES.fifo, () => do_not_optimize(runFifo()));
bench(NAMES.buffer, () => do_not_optimize(runBuffer()));

const result = await run({ format: "quiet" });
const avgNs = new Map<string, number>();
for (const benchmark of result.benchmarks) avgNs.set(benchmark.alias, benchmark.runs[0].stats!.avg);
const prioNsPerTx = avgNs.get(NAMES.prio)! / TRANSACTIONS;
const fifoNsPerTx = avgNs.get(NAMES.fifo)! / TRANSACTIONS;
const bufferNsPerPacket = avgNs.get(NAMES.buffer)! / TRANSACTIONS;
const summary = {
  transactions: TRANSACTIONS,
  workload: "seeded trading mix, seed 7 (src/schedule/workload-model.ts)",
  scheduleNsPerTx: { prioGraph: prioNsPerTx, fifoBatcher: fifoNsPerTx },
  prioGraphCostVsFifo: prioNsPerTx / fifoNsPerTx,
  prioGraphGoalNsPerTx: 1000,
  priorityBufferNsPerPacket: bufferNsPerPacket,
};
console.log("| benchmark | ns per transaction |");
console.log("|---|---|");
console.log(`| ${NAMES.prio} | ${prioNsPerTx.toFixed(0)} |`);
console.log(`| ${NAMES.fifo} | ${fifoNsPerTx.toFixed(0)} |`);
console.log(`| ${NAMES.buffer} | ${bufferNsPerPacket.toFixed(0)} |`);
console.log(`prio-graph ÷ FIFO batcher cost per transaction: ${summary.prioGraphCostVsFifo.toFixed(2)}×`);
writeBenchJson(summary);
