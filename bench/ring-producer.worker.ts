// Bench worker: the producing end of one cross-Worker throughput run (see ring.bench.ts).
// "ring8": 8-byte entries (2 words) in reserve/publish batches; "pool1232": a 1232-byte
// payload written into a pool slot, its index pushed; "post8" / "post1232": the
// postMessage baseline (a number, or a 1232-byte Uint8Array copied by structured clone).
import {
  attachDoorbell,
  attachPacketPool,
  attachRing,
  PACKET_BYTES_MAX,
  SlotAllocator,
  waitForFreeSlots,
} from "../src/ring/index.ts";
import type { BenchSetup } from "./ring-consumer.worker.ts";

declare const self: Worker;
const BATCH_MAX = 32;
let setup: BenchSetup;

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

function runRing8(): void {
  const ring = attachRing(setup.ring!);
  const data = attachDoorbell(setup.dataDoorbell!);
  const space = attachDoorbell(setup.spaceDoorbell!);
  let sequence = 0;
  while (sequence < setup.count) {
    const wanted = Math.min(BATCH_MAX, setup.count - sequence);
    const reserved = ring.reserve(wanted);
    if (reserved === 0) {
      waitForFreeSlots(ring, space, 1, { spinIterations: 128, parkTimeoutMs: 1 });
      continue;
    }
    for (let offset = 0; offset < reserved; offset++) {
      ring.writeWord(offset, 0, sequence + offset);
      ring.writeWord(offset, 1, 0x5a5a5a5a);
    }
    ring.publish(reserved);
    data.ring();
    sequence += reserved;
  }
}

function runPool1232(): void {
  const ring = attachRing(setup.ring!);
  const data = attachDoorbell(setup.dataDoorbell!);
  const space = attachDoorbell(setup.spaceDoorbell!);
  const pool = attachPacketPool(setup.pool!);
  const allocator = new SlotAllocator(pool, [attachRing(setup.releaseRing!)]);
  const template = new Uint8Array(PACKET_BYTES_MAX).map((_, index) => index & 0xff);
  let sequence = 0;
  while (sequence < setup.count) {
    const wanted = Math.min(BATCH_MAX, setup.count - sequence);
    const reserved = ring.reserve(wanted);
    if (reserved === 0) {
      waitForFreeSlots(ring, space, 1, { spinIterations: 128, parkTimeoutMs: 1 });
      continue;
    }
    let written = 0;
    while (written < reserved) {
      const slot = allocator.alloc();
      if (slot === -1) break;
      pool.bytes.set(template, slot * PACKET_BYTES_MAX);
      pool.words[slot * (PACKET_BYTES_MAX / 4)] = sequence + written;
      pool.lengths[slot] = PACKET_BYTES_MAX;
      ring.writeWord(written++, 0, slot);
    }
    if (written === 0) {
      const seen = space.sequence();
      if (allocator.drainReleases() === 0) space.wait(seen, 1);
      continue;
    }
    ring.publish(written);
    data.ring();
    sequence += written;
  }
}

function runPost(port: MessagePort, bytes: number): void {
  if (bytes === 8) {
    for (let sequence = 0; sequence < setup.count; sequence++) port.postMessage(sequence);
    return;
  }
  const template = new Uint8Array(PACKET_BYTES_MAX).map((_, index) => index & 0xff);
  for (let sequence = 0; sequence < setup.count; sequence++) {
    template[0] = sequence & 0xff;
    port.postMessage(template);
  }
}

self.onmessage = (event: MessageEvent) => {
  if (event.data.type === "setup") {
    setup = event.data.setup;
    postMessage({ type: "ready" });
    return;
  }
  const startMs = nowMs();
  postMessage({ type: "started", startMs });
  if (setup.mode === "ring8") runRing8();
  else if (setup.mode === "pool1232") runPool1232();
  else runPost(setup.port!, setup.mode === "post8" ? 8 : 1232);
  postMessage({ type: "produced" });
};
