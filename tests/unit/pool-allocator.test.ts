// PacketPool and SlotAllocator: fast-check runs random alloc / local free / release-ring
// return / drain sequences against a model (a slot is never handed out twice, every slot
// comes back, exhaustion returns -1); double free and out-of-range are detected; packet
// bytes and metadata round-trip; descriptors are validated.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  attachPacketPool,
  attachRing,
  createPacketPool,
  createReleaseRing,
  createRing,
  PACKET_BYTES_MAX,
  POOL_DESCRIPTOR_INVALID,
  POOL_DOUBLE_FREE,
  POOL_PACKET_LENGTH_INVALID,
  POOL_RELEASE_RING_FULL,
  POOL_RELEASE_RING_INVALID,
  POOL_SLOT_COUNT_INVALID,
  POOL_SLOT_OUT_OF_RANGE,
  SlotAllocator,
  SlotReleaser,
  SOURCE_KIND_RPC,
  SOURCE_KIND_UDP,
} from "../../src/ring/index.ts";
import { expectCode } from "../helpers/expect-code.ts";

type Step =
  | { kind: "alloc"; count: number }
  | { kind: "freeLocal"; pick: number }
  | { kind: "release"; releaser: number; pick: number }
  | { kind: "flush"; releaser: number }
  | { kind: "drain" };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("alloc" as const), count: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant("freeLocal" as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant("release" as const),
    releaser: fc.integer({ min: 0, max: 1 }),
    pick: fc.nat(),
  }),
  fc.record({ kind: fc.constant("flush" as const), releaser: fc.integer({ min: 0, max: 1 }) }),
  fc.record({ kind: fc.constant("drain" as const) }),
);

describe("SlotAllocator", () => {
  test("never hands out a slot twice; every slot comes back (model-based)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(stepArb, { maxLength: 150 }),
        (slotCount, steps) => {
          const pool = attachPacketPool(createPacketPool(slotCount));
          const rings = [0, 1].map((index) =>
            attachRing(createReleaseRing(pool, { name: `stage${index}_ingress` })),
          );
          const allocator = new SlotAllocator(pool, rings, { drainBelowFree: 2 });
          const releasers = rings.map((ring) => new SlotReleaser(ring));
          const handedOut = new Set<number>(); // held by some stage
          const pending = [new Set<number>(), new Set<number>()]; // queued in a releaser, not flushed
          const published = [new Set<number>(), new Set<number>()]; // flushed, not yet drained
          for (const step of steps) {
            if (step.kind === "alloc") {
              for (let index = 0; index < step.count; index++) {
                const drains = allocator.freeCount() < 2; // drainBelowFree
                const slot = allocator.alloc();
                if (drains) for (const set of published) set.clear();
                if (slot === -1) {
                  expect(allocator.freeCount()).toBe(0);
                  expect(handedOut.size + pending[0].size + pending[1].size).toBe(slotCount);
                  continue;
                }
                expect(slot).toBeGreaterThanOrEqual(0);
                expect(slot).toBeLessThan(slotCount);
                expect(handedOut.has(slot)).toBe(false);
                expect(pending[0].has(slot) || pending[1].has(slot)).toBe(false);
                expect(published[0].has(slot) || published[1].has(slot)).toBe(false);
                handedOut.add(slot);
              }
            } else if (step.kind === "freeLocal" || step.kind === "release") {
              if (handedOut.size === 0) continue;
              const slot = [...handedOut][step.pick % handedOut.size];
              handedOut.delete(slot);
              if (step.kind === "freeLocal") allocator.free(slot);
              else {
                releasers[step.releaser].release(slot);
                pending[step.releaser].add(slot);
              }
            } else if (step.kind === "flush") {
              releasers[step.releaser].flush();
              for (const slot of pending[step.releaser]) published[step.releaser].add(slot);
              pending[step.releaser].clear();
            } else {
              expect(allocator.drainReleases()).toBe(published[0].size + published[1].size);
              for (const set of published) set.clear();
            }
            expect(rings[0].depth() + rings[1].depth()).toBe(published[0].size + published[1].size);
            expect(allocator.inUseCount()).toBe(
              handedOut.size + pending[0].size + pending[1].size + published[0].size + published[1].size,
            );
          }
          // Return everything; then the whole pool is allocatable again, each slot once.
          for (const slot of handedOut) allocator.free(slot);
          for (const releaser of releasers) releaser.flush();
          allocator.drainReleases();
          expect(allocator.freeCount()).toBe(slotCount);
          const seen = new Set<number>();
          for (let index = 0; index < slotCount; index++) seen.add(allocator.alloc());
          expect(seen.size).toBe(slotCount);
          expect(allocator.alloc()).toBe(-1);
        },
      ),
      { numRuns: 200 },
    );
  });

  test("exhaustion returns -1, and alloc drains release rings when running low", () => {
    const pool = attachPacketPool(createPacketPool(4));
    const ring = attachRing(createReleaseRing(pool));
    const allocator = new SlotAllocator(pool, [ring]);
    expect([0, 1, 2, 3].map(() => allocator.alloc())).toEqual([0, 1, 2, 3]);
    expect(allocator.alloc()).toBe(-1);
    const releaser = new SlotReleaser(ring);
    releaser.release(2);
    expect(allocator.alloc()).toBe(-1); // not flushed yet: invisible
    releaser.flush();
    expect(allocator.alloc()).toBe(2);
  });

  test("double free and out-of-range are detected, locally and through a release ring", () => {
    const pool = attachPacketPool(createPacketPool(8));
    const ring = attachRing(createReleaseRing(pool));
    const allocator = new SlotAllocator(pool, [ring]);
    const slot = allocator.alloc();
    expectCode(() => allocator.free(slot + 1), POOL_DOUBLE_FREE); // never handed out
    allocator.free(slot);
    expectCode(() => allocator.free(slot), POOL_DOUBLE_FREE);
    expectCode(() => allocator.free(8), POOL_SLOT_OUT_OF_RANGE);
    expectCode(() => allocator.free(-1), POOL_SLOT_OUT_OF_RANGE);
    expectCode(() => allocator.free(1.5), POOL_SLOT_OUT_OF_RANGE);

    const again = allocator.alloc();
    const releaser = new SlotReleaser(ring);
    releaser.release(again);
    releaser.release(again);
    releaser.flush();
    expectCode(() => allocator.drainReleases(), POOL_DOUBLE_FREE);
    expect(ring.depth()).toBe(0); // the ring stays consistent after the error
    releaser.release(99);
    releaser.flush();
    expectCode(() => allocator.drainReleases(), POOL_SLOT_OUT_OF_RANGE);
  });

  test("a release ring can only overflow through repeated releases", () => {
    const pool = attachPacketPool(createPacketPool(2));
    const releaser = new SlotReleaser(attachRing(createReleaseRing(pool)));
    releaser.release(0);
    releaser.release(1);
    expectCode(() => releaser.release(0), POOL_RELEASE_RING_FULL);
  });

  test("release rings smaller than the pool are refused", () => {
    const pool = attachPacketPool(createPacketPool(16));
    expectCode(() => new SlotAllocator(pool, [attachRing(createRing(8, 1))]), POOL_RELEASE_RING_INVALID);
  });
});

describe("PacketPool", () => {
  test("packet bytes and metadata round-trip through a second attachment", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: PACKET_BYTES_MAX }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom(SOURCE_KIND_UDP, SOURCE_KIND_RPC),
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 0xffffffff }),
        (packet, slot, sourceKind, sourceId, requestId) => {
          const descriptor = createPacketPool(7);
          const writer = attachPacketPool(descriptor);
          writer.slotBytes((slot + 1) % 7).fill(0xee); // neighbour must stay untouched
          writer.writePacket(slot, packet, sourceKind, sourceId, requestId, 12345.5);
          const reader = attachPacketPool(structuredClone(descriptor));
          expect(reader.lengths[slot]).toBe(packet.length);
          expect([...reader.packetView(slot)]).toEqual([...packet]);
          expect(reader.sourceKinds[slot]).toBe(sourceKind);
          expect(reader.sourceIds[slot]).toBe(sourceId);
          expect(reader.requestIds[slot]).toBe(requestId);
          expect(reader.arrivalNs[slot]).toBe(12345.5);
          if (slot !== (slot + 1) % 7) expect(reader.slotBytes((slot + 1) % 7)[0]).toBe(0xee);
        },
      ),
      { numRuns: 100 },
    );
  });

  test("slotBytes views are reused, and the shared clock advances", () => {
    const pool = attachPacketPool(createPacketPool(3));
    expect(pool.slotBytes(1)).toBe(pool.slotBytes(1));
    expect(pool.slotBytes(1).length).toBe(PACKET_BYTES_MAX);
    const first = pool.clock.nowNs();
    expect(first).toBeGreaterThanOrEqual(0);
    expect(pool.clock.nowNs()).toBeGreaterThanOrEqual(first);
  });

  test("bad sizes, slots and descriptors raise specific codes", () => {
    expectCode(() => createPacketPool(0), POOL_SLOT_COUNT_INVALID);
    expectCode(() => createPacketPool(2 ** 21), POOL_SLOT_COUNT_INVALID);
    expectCode(() => createPacketPool(2.5), POOL_SLOT_COUNT_INVALID);
    const descriptor = createPacketPool(4);
    const pool = attachPacketPool(descriptor);
    expectCode(
      () => pool.writePacket(0, new Uint8Array(0), SOURCE_KIND_UDP, 0, 0, 0),
      POOL_PACKET_LENGTH_INVALID,
    );
    expectCode(
      () => pool.writePacket(0, new Uint8Array(PACKET_BYTES_MAX + 1), SOURCE_KIND_UDP, 0, 0, 0),
      POOL_PACKET_LENGTH_INVALID,
    );
    expectCode(
      () => pool.writePacket(4, new Uint8Array(1), SOURCE_KIND_UDP, 0, 0, 0),
      POOL_SLOT_OUT_OF_RANGE,
    );
    expectCode(() => pool.slotBytes(-1), POOL_SLOT_OUT_OF_RANGE);
    expectCode(() => attachPacketPool({ ...descriptor, slotCount: 5 }), POOL_DESCRIPTOR_INVALID);
    expectCode(
      () => attachPacketPool({ ...descriptor, buffer: new SharedArrayBuffer(64) }),
      POOL_DESCRIPTOR_INVALID,
    );
    expectCode(() => attachPacketPool(undefined as never), POOL_DESCRIPTOR_INVALID);
  });
});
