// Test worker: the producing end of a ring. "sequence" pushes 0..count-1 in reserve/publish
// batches; "pool" allocates pool slots, writes a patterned packet into each and pushes
// (slot, sequence), getting slots back through a release ring. Waits, never drops.
import {
  attachDoorbell,
  attachPacketPool,
  attachRing,
  type DoorbellDescriptor,
  type PacketPoolDescriptor,
  type RingDescriptor,
  SlotAllocator,
  SOURCE_KIND_UDP,
  waitForFreeSlots,
} from "../../../src/ring/index.ts";

export interface ProducerRequest {
  mode: "sequence" | "pool";
  ring: RingDescriptor;
  dataDoorbell: DoorbellDescriptor;
  spaceDoorbell: DoorbellDescriptor;
  count: number;
  batchMax: number;
  pool?: PacketPoolDescriptor;
  releaseRing?: RingDescriptor;
}

declare const self: Worker;

function patternByte(sequence: number, index: number): number {
  return (sequence * 31 + index) & 0xff;
}

self.onmessage = (event: MessageEvent<ProducerRequest>) => {
  const request = event.data;
  const ring = attachRing(request.ring);
  const dataDoorbell = attachDoorbell(request.dataDoorbell);
  const spaceDoorbell = attachDoorbell(request.spaceDoorbell);
  let parks = 0;
  if (request.mode === "sequence") {
    let sequence = 0;
    while (sequence < request.count) {
      let reserved = ring.reserve(Math.min(request.batchMax, request.count - sequence));
      if (reserved === 0) {
        parks++;
        waitForFreeSlots(ring, spaceDoorbell, 1, { spinIterations: 64, parkTimeoutMs: 5 });
        continue;
      }
      for (let offset = 0; offset < reserved; offset++) ring.writeWord(offset, 0, sequence + offset);
      ring.publish(reserved);
      sequence += reserved;
      dataDoorbell.ring();
      reserved = 0;
    }
  } else {
    const pool = attachPacketPool(request.pool!);
    const allocator = new SlotAllocator(pool, [attachRing(request.releaseRing!)], { drainBelowFree: 4 });
    const packet = new Uint8Array(1232);
    for (let sequence = 0; sequence < request.count; sequence++) {
      let slot = allocator.alloc();
      while (slot === -1) {
        const seen = spaceDoorbell.sequence();
        slot = allocator.alloc();
        if (slot === -1) {
          parks++;
          spaceDoorbell.wait(seen, 5);
        }
      }
      const length = 1 + (sequence % 1232);
      for (let index = 0; index < length; index++) packet[index] = patternByte(sequence, index);
      pool.writePacket(
        slot,
        packet.subarray(0, length),
        SOURCE_KIND_UDP,
        0x7f000001,
        sequence,
        pool.clock.nowNs(),
      );
      while (!ring.tryPush(slot, sequence)) {
        parks++;
        waitForFreeSlots(ring, spaceDoorbell, 1, { spinIterations: 64, parkTimeoutMs: 5 });
      }
      dataDoorbell.ring();
    }
  }
  postMessage({ done: true, parks });
};
