// Scheduling cost per transaction, the prio-graph planner against the FIFO batcher in the same run, on
// the seeded trading mix (src/schedule/workload-model.ts, 2,000 transactions, seed 7), in two patterns:
//   queued     every transaction is pending at once (a deep queue), then batches are cut until none is
//              left; the planner completes its oldest batch after each call, as one bank would
//   streaming  32 transactions arrive per round, then one planning call (and one completion); the
//              FIFO batcher cuts one batch per round — the pattern of the live schedule stage
// The planner runs k = 4 with batches of 64 and 2 in flight per worker (the live stage's shape), and with
// the executor-model figure's shape (batches of 2, 2 in flight). Plus the ingress priority buffer's push,
// and what the adaptive schedule stage derives per transaction before the planner sees it (parse +
// sanitize + compute budget, its locks, its cost and priority) over 64 real transactions built with
// @solana/web3.js (32 legacy, 32 v0) — the work a template-based lock prediction could save at most.
// Usage: bun bench/scheduler.bench.ts [--json FILE]
import fc from "fast-check";
import { bench, do_not_optimize, run } from "mitata";
import { PriorityBuffer } from "../src/ingress/priority-buffer.ts";
import { FifoBatcher, LOCKS_PER_TRANSACTION_MAX } from "../src/schedule/fifo-batcher.ts";
import {
  leaderRewardLamports,
  transactionCostUnits,
  transactionPriority,
} from "../src/schedule/prio-graph-cost.ts";
import { PrioGraphPlanner } from "../src/schedule/prio-graph-planner.ts";
import { collectLocks } from "../src/schedule/schedule-stage.ts";
import { generateWorkload } from "../src/schedule/workload-model.ts";
import { ParsedTransaction, parseTransaction } from "../src/tx/index.ts";
import { buildWeb3Legacy, buildWeb3V0, txSpecArbitrary } from "../tests/helpers/tx-build.ts";
import { writeBenchJson } from "./json-output.ts";

const TRANSACTIONS = 2_000;
const ARRIVALS_PER_ROUND = 32;
const workload = generateWorkload({ transactions: TRANSACTIONS, seed: 7 });
const lockOffsets = Array.from({ length: TRANSACTIONS }, (_, tx) =>
  workload.lockOffset.subarray(workload.lockStart[tx], workload.lockStart[tx + 1]),
);
const lockWritable = Array.from({ length: TRANSACTIONS }, (_, tx) =>
  workload.lockWritable.subarray(workload.lockStart[tx], workload.lockStart[tx + 1]),
);

function planner(batchTransactionsMax: number, inFlightBatchesPerWorkerMax: number) {
  return new PrioGraphPlanner(workload.keyBytes, {
    workers: 4,
    pendingMax: TRANSACTIONS,
    batchTransactionsMax,
    inFlightBatchesPerWorkerMax,
    blockComputeUnitsMax: 2 ** 50,
    accountWriteComputeUnitsMax: 2 ** 50,
  });
}
const live = planner(64, 2);
const model = planner(2, 2);
const liveStreaming = planner(64, 2);
const fifo = new FifoBatcher(workload.keyBytes, TRANSACTIONS);
const fifoStreaming = new FifoBatcher(workload.keyBytes, TRANSACTIONS);
const fifoOut = new Int32Array(64);
const buffer = new PriorityBuffer({ countMax: 512, bytesMax: 512 * 600 });
const inFlight: number[] = [];

function enqueue(target: PrioGraphPlanner, tx: number): void {
  if (
    target.enqueue(
      tx,
      workload.priority[tx],
      workload.costUnits[tx],
      lockOffsets[tx],
      lockWritable[tx],
      lockOffsets[tx].length,
    ) !== 0
  )
    throw new Error("bench: enqueue refused");
}

/** One planning call, then the oldest batch in flight completes; returns the transactions sent. */
function planRound(target: PrioGraphPlanner): number {
  let sent = 0;
  const batches = target.schedule();
  for (let batch = 0; batch < batches; batch++) {
    inFlight.push(target.outputBatchId[batch]);
    sent += target.outputSize[batch];
  }
  const done = inFlight.shift();
  if (done !== undefined) target.completeBatch(done);
  return sent;
}

function runQueued(target: PrioGraphPlanner): number {
  for (let tx = 0; tx < TRANSACTIONS; tx++) enqueue(target, tx);
  let sent = 0;
  while (target.pending > 0 || inFlight.length > 0) sent += planRound(target);
  return sent;
}

function runStreaming(target: PrioGraphPlanner): number {
  let sent = 0;
  let next = 0;
  while (next < TRANSACTIONS || target.pending > 0 || inFlight.length > 0) {
    for (let arrived = 0; arrived < ARRIVALS_PER_ROUND && next < TRANSACTIONS; arrived++)
      enqueue(target, next++);
    sent += planRound(target);
  }
  return sent;
}

function runFifoQueued(): number {
  for (let tx = 0; tx < TRANSACTIONS; tx++)
    fifo.enqueue(tx, lockOffsets[tx], lockWritable[tx], lockOffsets[tx].length);
  let sent = 0;
  while (fifo.pending > 0) sent += fifo.nextBatch(fifoOut, 64);
  return sent;
}

function runFifoStreaming(): number {
  let sent = 0;
  let next = 0;
  while (next < TRANSACTIONS || fifoStreaming.pending > 0) {
    for (let arrived = 0; arrived < ARRIVALS_PER_ROUND && next < TRANSACTIONS; arrived++, next++)
      fifoStreaming.enqueue(next, lockOffsets[next], lockWritable[next], lockOffsets[next].length);
    sent += fifoStreaming.nextBatch(fifoOut, 64);
  }
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

for (const check of [
  runQueued(live),
  runQueued(model),
  runStreaming(liveStreaming),
  runFifoQueued(),
  runFifoStreaming(),
])
  if (check !== TRANSACTIONS) throw new Error("bench: transactions lost");

// Real transactions laid out in a packet pool, as the schedule stage reads them.
const REAL_PER_KIND = 32;
const realTransactions: Uint8Array[] = [
  ...fc
    .sample(txSpecArbitrary({ lookups: false }), { numRuns: REAL_PER_KIND, seed: 11 })
    .map((spec) => buildWeb3Legacy(spec).bytes),
  ...fc
    .sample(txSpecArbitrary({ lookups: true }), { numRuns: REAL_PER_KIND, seed: 12 })
    .map((spec) => buildWeb3V0(spec).bytes),
];
const SLOT_BYTES = 1232;
const realPool = new Uint8Array(realTransactions.length * SLOT_BYTES);
const realLengths = Int32Array.from(realTransactions, (bytes) => bytes.length);
realTransactions.forEach((bytes, index) => {
  realPool.set(bytes, index * SLOT_BYTES);
});
const parsed = new ParsedTransaction();
const derivedOffsets = new Int32Array(LOCKS_PER_TRANSACTION_MAX);
const derivedWritable = new Uint8Array(LOCKS_PER_TRANSACTION_MAX);

function runParse(): number {
  let total = 0;
  for (let index = 0; index < realLengths.length; index++)
    total += parseTransaction(realPool, index * SLOT_BYTES, realLengths[index], parsed);
  return total;
}

/** What AdaptiveScheduleStage.enqueue derives before the planner: parse, locks, cost, priority. */
function runDerive(): number {
  let total = 0;
  for (let index = 0; index < realLengths.length; index++) {
    if (parseTransaction(realPool, index * SLOT_BYTES, realLengths[index], parsed) !== 0)
      throw new Error("bench: corpus transaction does not parse");
    total += collectLocks(parsed, index * SLOT_BYTES, derivedOffsets, derivedWritable);
    const costUnits = transactionCostUnits(parsed);
    total += transactionPriority(
      leaderRewardLamports(parsed.baseFeeLamports, parsed.priorityFeeLamports),
      costUnits,
    );
  }
  return total;
}

const NAMES = {
  prioQueued: "prio-graph planner, k=4, batches ≤64, 2 in flight — queued",
  modelQueued: "prio-graph planner, k=4, batches ≤2, 2 in flight — queued",
  fifoQueued: "FIFO batcher, batches ≤64 — queued",
  prioStreaming: "prio-graph planner, k=4, batches ≤64, 2 in flight — streaming",
  fifoStreaming: "FIFO batcher, batches ≤64 — streaming",
  buffer: "priority buffer push (+pop every 2nd, drain)",
  parse: "schedule stage: parse + sanitize + compute budget (64 real transactions)",
  derive: "schedule stage: parse + locks + cost + priority (64 real transactions)",
};
bench(NAMES.prioQueued, () => do_not_optimize(runQueued(live)));
bench(NAMES.modelQueued, () => do_not_optimize(runQueued(model)));
bench(NAMES.fifoQueued, () => do_not_optimize(runFifoQueued()));
bench(NAMES.prioStreaming, () => do_not_optimize(runStreaming(liveStreaming)));
bench(NAMES.fifoStreaming, () => do_not_optimize(runFifoStreaming()));
bench(NAMES.buffer, () => do_not_optimize(runBuffer()));
bench(NAMES.parse, () => do_not_optimize(runParse()));
bench(NAMES.derive, () => do_not_optimize(runDerive()));

const result = await run({ format: "quiet" });
// Mean, median and fastest run per transaction: on a shared machine the mean carries other work's
// interference, the fastest run is the code's own cost.
const nsPerTx = new Map<string, number>();
const medianNsPerTx = new Map<string, number>();
const minNsPerTx = new Map<string, number>();
for (const benchmark of result.benchmarks) {
  const stats = benchmark.runs[0].stats!;
  const perRun =
    benchmark.alias === NAMES.parse || benchmark.alias === NAMES.derive ? realLengths.length : TRANSACTIONS;
  nsPerTx.set(benchmark.alias, stats.avg / perRun);
  medianNsPerTx.set(benchmark.alias, stats.p50 / perRun);
  minNsPerTx.set(benchmark.alias, stats.min / perRun);
}
const ratio = (figures: Map<string, number>, name: string, baseline: string) =>
  figures.get(name)! / figures.get(baseline)!;
const summary = {
  transactions: TRANSACTIONS,
  workload: "seeded trading mix, seed 7 (src/schedule/workload-model.ts)",
  nsPerTransaction: Object.fromEntries(nsPerTx),
  medianNsPerTransaction: Object.fromEntries(medianNsPerTx),
  minNsPerTransaction: Object.fromEntries(minNsPerTx),
  prioGraphVsFifo: {
    queued: ratio(nsPerTx, NAMES.prioQueued, NAMES.fifoQueued),
    streaming: ratio(nsPerTx, NAMES.prioStreaming, NAMES.fifoStreaming),
    queuedMedian: ratio(medianNsPerTx, NAMES.prioQueued, NAMES.fifoQueued),
    streamingMedian: ratio(medianNsPerTx, NAMES.prioStreaming, NAMES.fifoStreaming),
  },
  prioGraphGoalNsPerTx: 1000,
};
console.log("| benchmark | ns per transaction: mean | median | fastest run |");
console.log("|---|---|---|---|");
for (const [name, value] of nsPerTx)
  console.log(
    `| ${name} | ${value.toFixed(0)} | ${medianNsPerTx.get(name)!.toFixed(0)} | ${minNsPerTx.get(name)!.toFixed(0)} |`,
  );
console.log(
  `prio-graph ÷ FIFO batcher per transaction (mean; median): queued ${summary.prioGraphVsFifo.queued.toFixed(2)}×; ` +
    `${summary.prioGraphVsFifo.queuedMedian.toFixed(2)}×, streaming ${summary.prioGraphVsFifo.streaming.toFixed(2)}×; ` +
    `${summary.prioGraphVsFifo.streamingMedian.toFixed(2)}×`,
);
writeBenchJson(summary);
