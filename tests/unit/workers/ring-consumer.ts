// Test worker: the consuming end of a ring. Checks that entries arrive complete and in
// order ("sequence"), or that each pool slot holds the packet the producer wrote ("pool"),
// releasing slots back through a release ring. Reports counts and the first mismatch.
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
} from "../../../src/ring/index.ts";

export interface ConsumerRequest {
  mode: "sequence" | "pool";
  ring: RingDescriptor;
  dataDoorbell: DoorbellDescriptor;
  spaceDoorbell: DoorbellDescriptor;
  count: number;
  batchMax: number;
  pool?: PacketPoolDescriptor;
  releaseRing?: RingDescriptor;
}

export interface ConsumerResult {
  received: number;
  mismatches: number;
  firstMismatch: string | null;
  parks: number;
  latencyNsMax: number;
}

declare const self: Worker;

self.onmessage = (event: MessageEvent<ConsumerRequest>) => {
  const request = event.data;
  const ring = attachRing(request.ring);
  const poller = new RingPoller([ring], attachDoorbell(request.dataDoorbell), {
    spinIterations: 64,
    parkTimeoutMs: 5,
  });
  const spaceDoorbell = attachDoorbell(request.spaceDoorbell);
  const pool = request.pool ? attachPacketPool(request.pool) : null;
  const releaser = request.releaseRing ? new SlotReleaser(attachRing(request.releaseRing)) : null;
  const result: ConsumerResult = {
    received: 0,
    mismatches: 0,
    firstMismatch: null,
    parks: 0,
    latencyNsMax: 0,
  };
  const mismatch = (what: string) => {
    result.mismatches++;
    result.firstMismatch ??= what;
  };
  const deadlineMs = performance.now() + 50_000;
  while (result.received < request.count && performance.now() < deadlineMs) {
    const available = poller.waitForWork();
    const batch = Math.min(available, request.batchMax);
    for (let offset = 0; offset < batch; offset++) {
      const expected = result.received + offset;
      if (pool === null) {
        const value = ring.readWord(offset, 0);
        if (value !== expected) mismatch(`entry ${expected}: got ${value}`);
        continue;
      }
      const slot = ring.readWord(offset, 0);
      const sequence = ring.readWord(offset, 1);
      if (sequence !== expected) mismatch(`entry ${expected}: sequence ${sequence}`);
      const length = pool.lengths[slot];
      if (length !== 1 + (sequence % 1232)) mismatch(`entry ${expected}: length ${length}`);
      if (pool.requestIds[slot] !== sequence)
        mismatch(`entry ${expected}: requestId ${pool.requestIds[slot]}`);
      const latencyNs = pool.clock.nowNs() - pool.arrivalNs[slot];
      // Worker time origins agree to well under a millisecond; more would be a clock bug.
      if (latencyNs < -1e6) mismatch(`entry ${expected}: arrival in the future by ${-latencyNs} ns`);
      result.latencyNsMax = Math.max(result.latencyNsMax, latencyNs);
      const start = slot * PACKET_BYTES_MAX;
      for (let index = 0; index < length; index++) {
        if (pool.bytes[start + index] !== ((sequence * 31 + index) & 0xff)) {
          mismatch(`entry ${expected}: byte ${index}`);
          break;
        }
      }
      releaser!.release(slot);
    }
    ring.release(batch);
    releaser?.flush();
    result.received += batch;
    if (batch > 0) spaceDoorbell.ring();
  }
  result.parks = poller.parkCount;
  postMessage(result);
};
