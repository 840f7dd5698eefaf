// Bench worker: the consuming end of one cross-Worker throughput run (see ring.bench.ts).
// Reads every entry; for 1232-byte payloads it sums all 308 words of the packet (the
// same work for the ring + pool and for the postMessage baseline), then reports the
// absolute time the last message was done.
import {
  attachDoorbell,
  attachPacketPool,
  attachRing,
  type DoorbellDescriptor,
  PACKET_BYTES_MAX,
  type PacketPoolDescriptor,
  type RingDescriptor,
  RingPoller,
  SlotReleaser,
} from "../src/ring/index.ts";

export interface BenchSetup {
  mode: "ring8" | "pool1232" | "post8" | "post1232";
  count: number;
  ring?: RingDescriptor;
  dataDoorbell?: DoorbellDescriptor;
  spaceDoorbell?: DoorbellDescriptor;
  pool?: PacketPoolDescriptor;
  releaseRing?: RingDescriptor;
  port?: MessagePort;
}

declare const self: Worker;
const BATCH_MAX = 64;
const WORDS_PER_PACKET = PACKET_BYTES_MAX / 4;
let setup: BenchSetup;
let checksum = 0;

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

function finish(received: number): void {
  postMessage({ type: "done", endMs: nowMs(), received, checksum });
}

function runRings(): void {
  const ring = attachRing(setup.ring!);
  const poller = new RingPoller([ring], attachDoorbell(setup.dataDoorbell!), {
    spinIterations: 128,
    parkTimeoutMs: 1,
  });
  const space = attachDoorbell(setup.spaceDoorbell!);
  const pool = setup.pool ? attachPacketPool(setup.pool) : null;
  const releaser = setup.releaseRing ? new SlotReleaser(attachRing(setup.releaseRing)) : null;
  const words = pool?.words;
  let received = 0;
  let lastSequence = -1;
  while (received < setup.count) {
    const available = poller.waitForWork();
    const batch = available < BATCH_MAX ? available : BATCH_MAX;
    for (let offset = 0; offset < batch; offset++) {
      if (words === undefined) {
        const sequence = ring.readWord(offset, 0);
        if (sequence !== lastSequence + 1) throw new Error(`out of order: ${sequence} after ${lastSequence}`);
        lastSequence = sequence;
        checksum = (checksum + ring.readWord(offset, 1)) | 0;
      } else {
        const slot = ring.readWord(offset, 0);
        const base = slot * WORDS_PER_PACKET;
        let sum = 0;
        for (let word = 0; word < WORDS_PER_PACKET; word++) sum = (sum + words[base + word]) | 0;
        checksum = (checksum + sum) | 0;
        releaser!.release(slot);
      }
    }
    ring.release(batch);
    releaser?.flush();
    if (batch > 0) space.ring();
    received += batch;
  }
  finish(received);
}

function runPost(): void {
  let received = 0;
  const port = setup.port!;
  port.addEventListener("message", (event: Event) => {
    const value = (event as MessageEvent).data;
    if (typeof value === "number") checksum = (checksum + value) | 0;
    else {
      const words = new Uint32Array(value.buffer, value.byteOffset, WORDS_PER_PACKET);
      let sum = 0;
      for (let word = 0; word < WORDS_PER_PACKET; word++) sum = (sum + words[word]) | 0;
      checksum = (checksum + sum) | 0;
    }
    if (++received === setup.count) finish(received);
  });
  port.start();
}

self.onmessage = (event: MessageEvent) => {
  if (event.data.type === "setup") {
    setup = event.data.setup;
    postMessage({ type: "ready" });
    return;
  }
  if (setup.mode === "post8" || setup.mode === "post1232") runPost();
  else runRings();
};
