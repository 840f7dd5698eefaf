// Two real Workers over shared memory: a producer pushes 1e5 sequence numbers through a
// small ring (so it fills and wraps many times) and the consumer checks order and
// completeness; then packets go through pool slots with slots recycled via a release ring.
import { afterEach, describe, expect, test } from "bun:test";
import {
  attachPacketPool,
  createDoorbell,
  createPacketPool,
  createReleaseRing,
  createRing,
} from "../../src/ring/index.ts";
import type { ConsumerResult } from "./workers/ring-consumer.ts";

const workers: Worker[] = [];
afterEach(() => {
  for (const worker of workers.splice(0)) worker.terminate();
});

function start(file: string, request: unknown): Promise<unknown> {
  const worker = new Worker(new URL(file, import.meta.url).href);
  workers.push(worker);
  return new Promise((resolve, reject) => {
    worker.onmessage = (event) => resolve(event.data);
    worker.onerror = (event) => reject(new Error(`worker ${file} failed: ${event.message}`));
    worker.postMessage(request);
  });
}

describe("SpscRing between two Workers", () => {
  test("1e5 sequence numbers arrive once each, in order", async () => {
    const count = 100_000;
    const request = {
      mode: "sequence",
      ring: createRing(256, 1, { name: "producer_consumer" }),
      dataDoorbell: createDoorbell("data"),
      spaceDoorbell: createDoorbell("space"),
      count,
      batchMax: 32,
    };
    const [consumed] = (await Promise.all([
      start("./workers/ring-consumer.ts", request),
      start("./workers/ring-producer.ts", request),
    ])) as [ConsumerResult, unknown];
    expect(consumed.firstMismatch).toBeNull();
    expect(consumed.mismatches).toBe(0);
    expect(consumed.received).toBe(count);
  });

  test("packets through pool slots, slots recycled through a release ring", async () => {
    const count = 20_000;
    const poolDescriptor = createPacketPool(64);
    const releaseRing = createReleaseRing(attachPacketPool(poolDescriptor), { name: "consumer_producer" });
    const request = {
      mode: "pool",
      ring: createRing(32, 2, { name: "producer_consumer" }),
      dataDoorbell: createDoorbell("data"),
      spaceDoorbell: createDoorbell("space"),
      count,
      batchMax: 16,
      pool: poolDescriptor,
      releaseRing,
    };
    const [consumed] = (await Promise.all([
      start("./workers/ring-consumer.ts", request),
      start("./workers/ring-producer.ts", request),
    ])) as [ConsumerResult, unknown];
    expect(consumed.firstMismatch).toBeNull();
    expect(consumed.received).toBe(count);
  });
});
