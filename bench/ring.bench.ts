// Ring benchmark. Cross-Worker throughput (messages/s between a producer Worker and a
// consumer Worker) for 8-byte ring entries and for 1232-byte payloads written into a
// packet-pool slot with only the index in the ring (consumer reads all the bytes), each
// against postMessage as the named baseline, measured in the same run. mitata does not
// fit a two-thread measurement, so these use their own timed loop (median of REPEATS
// runs, time from the producer's first message to the consumer's last); mitata measures
// the single-thread cost of a ring push/read batch against a plain JS array queue.
// Usage: bun bench/ring.bench.ts [--json FILE]
import { bench, run } from "mitata";
import {
  attachPacketPool,
  attachRing,
  createDoorbell,
  createPacketPool,
  createReleaseRing,
  createRing,
} from "../src/ring/index.ts";
import { benchJsonFile, writeBenchJson } from "./json-output.ts";
import type { BenchSetup } from "./ring-consumer.worker.ts";

const REPEATS = 3;
const RING_CAPACITY = 1024;
const COUNTS: Record<BenchSetup["mode"], number> = {
  ring8: 4_000_000,
  pool1232: 400_000,
  post8: 200_000,
  post1232: 100_000,
};

interface Outcome {
  messages: number;
  seconds: number;
  messagesPerSecond: number;
}

function reply(worker: Worker, type: string): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const onMessage = (event: MessageEvent) => {
      if (event.data.type !== type) return;
      worker.removeEventListener("message", onMessage);
      resolve(event.data);
    };
    worker.addEventListener("message", onMessage);
    worker.addEventListener("error", (event) => reject(new Error(event.message)), { once: true });
  });
}

async function runOnce(mode: BenchSetup["mode"]): Promise<Outcome> {
  const count = COUNTS[mode];
  const producerSetup: BenchSetup = { mode, count };
  const consumerSetup: BenchSetup = { mode, count };
  const transfer: { producer: MessagePort[]; consumer: MessagePort[] } = { producer: [], consumer: [] };
  if (mode === "ring8" || mode === "pool1232") {
    const shared = {
      ring: createRing(RING_CAPACITY, mode === "ring8" ? 2 : 1, { name: "producer_consumer" }),
      dataDoorbell: createDoorbell("data"),
      spaceDoorbell: createDoorbell("space"),
    };
    if (mode === "pool1232") {
      const pool = createPacketPool(2048);
      Object.assign(shared, { pool, releaseRing: createReleaseRing(attachPacketPool(pool)) });
    }
    Object.assign(producerSetup, shared);
    Object.assign(consumerSetup, shared);
  } else {
    const channel = new MessageChannel();
    producerSetup.port = channel.port1;
    consumerSetup.port = channel.port2;
    transfer.producer.push(channel.port1);
    transfer.consumer.push(channel.port2);
  }
  const consumer = new Worker(new URL("./ring-consumer.worker.ts", import.meta.url).href);
  const producer = new Worker(new URL("./ring-producer.worker.ts", import.meta.url).href);
  try {
    const ready = Promise.all([reply(consumer, "ready"), reply(producer, "ready")]);
    consumer.postMessage({ type: "setup", setup: consumerSetup }, transfer.consumer);
    producer.postMessage({ type: "setup", setup: producerSetup }, transfer.producer);
    await ready;
    const done = reply(consumer, "done");
    const started = reply(producer, "started");
    consumer.postMessage({ type: "go" });
    producer.postMessage({ type: "go" });
    const [{ startMs }, { endMs, received }] = await Promise.all([started, done]);
    if (received !== count) throw new Error(`${mode}: consumer saw ${received} of ${count}`);
    const seconds = (endMs - startMs) / 1000;
    return { messages: count, seconds, messagesPerSecond: count / seconds };
  } finally {
    consumer.terminate();
    producer.terminate();
  }
}

async function measure(mode: BenchSetup["mode"]): Promise<Outcome> {
  const outcomes: Outcome[] = [];
  for (let repeat = 0; repeat < REPEATS; repeat++) outcomes.push(await runOnce(mode));
  outcomes.sort((a, b) => a.messagesPerSecond - b.messagesPerSecond);
  return outcomes[Math.floor(outcomes.length / 2)];
}

benchJsonFile(); // a missing file name fails now, not after minutes of measuring

const crossWorker: Record<string, Outcome> = {};
for (const mode of ["post8", "ring8", "post1232", "pool1232"] as const)
  crossWorker[mode] = await measure(mode);
const ratios = {
  ring8_vs_postMessage8: crossWorker.ring8.messagesPerSecond / crossWorker.post8.messagesPerSecond,
  pool1232_vs_postMessage1232:
    crossWorker.pool1232.messagesPerSecond / crossWorker.post1232.messagesPerSecond,
};

// Single thread: push a batch of 32 entries and read it back, ring vs a JS array queue.
const BATCH = 32;
const ring = attachRing(createRing(RING_CAPACITY, 2));
const arrayQueue: number[] = [];
let sink = 0;
bench("ring: reserve/write/publish 32 × 8 B, read + release", () => {
  const reserved = ring.reserve(BATCH);
  for (let offset = 0; offset < reserved; offset++) {
    ring.writeWord(offset, 0, offset);
    ring.writeWord(offset, 1, 7);
  }
  ring.publish(reserved);
  const available = ring.available();
  for (let offset = 0; offset < available; offset++)
    sink += ring.readWord(offset, 0) + ring.readWord(offset, 1);
  ring.release(available);
});
bench("baseline: JS array push/shift 32 × 2 numbers", () => {
  for (let offset = 0; offset < BATCH; offset++) arrayQueue.push(offset, 7);
  while (arrayQueue.length > 0) sink += arrayQueue.shift()! + arrayQueue.shift()!;
});
const mitataResult = await run({ format: "quiet" });
const singleThread = mitataResult.benchmarks.map((entry) => ({
  name: entry.alias,
  nsPerBatchAvg: entry.runs[0].stats!.avg,
  nsPerBatchP50: entry.runs[0].stats!.p50,
}));

const table = [
  ["scenario", "messages", "seconds", "messages/s"],
  ...(
    [
      ["postMessage 8 B (baseline)", crossWorker.post8],
      ["ring 8 B entries", crossWorker.ring8],
      ["postMessage 1232 B (baseline)", crossWorker.post1232],
      ["pool slot 1232 B + ring index", crossWorker.pool1232],
    ] as const
  ).map(([name, outcome]) => [
    name,
    String(outcome.messages),
    outcome.seconds.toFixed(3),
    `${(outcome.messagesPerSecond / 1e6).toFixed(2)} M`,
  ]),
];
console.log("cross-Worker throughput (own timed loop, median of 3):");
for (const row of table)
  console.log(`  ${row[0].padEnd(32)}${row[1].padStart(10)}${row[2].padStart(10)}${row[3].padStart(12)}`);
console.log(`  ratio ring 8 B / postMessage 8 B:           ${ratios.ring8_vs_postMessage8.toFixed(1)}×`);
console.log(
  `  ratio pool 1232 B / postMessage 1232 B:     ${ratios.pool1232_vs_postMessage1232.toFixed(1)}×`,
);
console.log("single thread (mitata, per batch of 32):");
for (const entry of singleThread)
  console.log(`  ${entry.name.padEnd(56)}${entry.nsPerBatchAvg.toFixed(0).padStart(8)} ns`);
console.log(
  `  ratio array / ring: ${(singleThread[1].nsPerBatchAvg / singleThread[0].nsPerBatchAvg).toFixed(2)}× (sink ${sink & 1})`,
);

writeBenchJson({
  bench: "ring",
  ringCapacity: RING_CAPACITY,
  crossWorker: {
    method: "own timed loop, median of 3, producer first message to consumer last",
    baseline: "postMessage",
    ...crossWorker,
  },
  ratios,
  singleThread: { baseline: "JS array push/shift", results: singleThread },
});
