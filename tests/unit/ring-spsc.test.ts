// SpscRing in one thread: fast-check drives random interleavings of single pushes, batched
// reserve/publish, and batched reads against a plain-array model (FIFO, no loss, no
// duplication, full/empty boundaries, index and 32-bit counter wrap-around); plus the
// descriptor round trip and every misuse error.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  attachRing,
  createRing,
  RING_CAPACITY_INVALID,
  RING_DESCRIPTOR_INVALID,
  RING_PUBLISH_EXCEEDS_RESERVED,
  RING_READ_OUTSIDE_AVAILABLE,
  RING_RELEASE_EXCEEDS_AVAILABLE,
  RING_WORDS_PER_ENTRY_INVALID,
  RING_WRITE_OUTSIDE_RESERVED,
} from "../../src/ring/index.ts";
import { expectCode } from "../helpers/expect-code.ts";

type Command =
  | { kind: "push"; count: number }
  | { kind: "batch"; count: number; publishFraction: number }
  | { kind: "pop"; count: number };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant("push" as const), count: fc.integer({ min: 1, max: 20 }) }),
  fc.record({
    kind: fc.constant("batch" as const),
    count: fc.integer({ min: 0, max: 20 }),
    publishFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  fc.record({ kind: fc.constant("pop" as const), count: fc.integer({ min: 0, max: 20 }) }),
);

describe("SpscRing (single thread, model-based)", () => {
  test("random push/reserve/pop interleavings match a FIFO model", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(2, 4, 8, 16),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(0, 2 ** 31 - 5, -3, 2 ** 32 - 7),
        fc.array(commandArb, { maxLength: 120 }),
        (capacity, wordsPerEntry, startIndex, commands) => {
          const ring = attachRing(createRing(capacity, wordsPerEntry, { name: "test_ring", startIndex }));
          const model: number[] = [];
          let nextSequence = 1;
          const wordOf = (sequence: number, word: number) => (sequence * 7 + word) >>> 0;
          for (const command of commands) {
            if (command.kind === "push") {
              for (let index = 0; index < command.count; index++) {
                const sequence = nextSequence;
                const accepted = ring.tryPush(
                  wordOf(sequence, 0),
                  wordOf(sequence, 1),
                  wordOf(sequence, 2),
                  wordOf(sequence, 3),
                );
                expect(accepted).toBe(model.length < capacity);
                if (accepted) {
                  model.push(sequence);
                  nextSequence++;
                }
              }
            } else if (command.kind === "batch") {
              const reserved = ring.reserve(command.count);
              expect(reserved).toBe(Math.min(command.count, capacity - model.length));
              const publishCount = Math.floor(reserved * command.publishFraction);
              for (let offset = 0; offset < reserved; offset++) {
                for (let word = 0; word < wordsPerEntry; word++) {
                  ring.writeWord(offset, word, wordOf(nextSequence + offset, word));
                }
              }
              ring.publish(publishCount);
              for (let offset = 0; offset < publishCount; offset++) model.push(nextSequence++);
            } else {
              const available = ring.available();
              expect(available).toBe(model.length);
              const readCount = Math.min(command.count, available);
              for (let offset = 0; offset < readCount; offset++) {
                for (let word = 0; word < wordsPerEntry; word++) {
                  expect(ring.readWord(offset, word)).toBe(wordOf(model[offset], word));
                }
              }
              ring.release(readCount);
              model.splice(0, readCount);
            }
            expect(ring.depth()).toBe(model.length);
            expect(ring.freeSlots()).toBe(capacity - model.length);
          }
          // Drain: everything pushed comes out once, in order.
          const available = ring.available();
          expect(available).toBe(model.length);
          for (let offset = 0; offset < available; offset++) {
            expect(ring.readWord(offset, 0)).toBe(wordOf(model[offset], 0));
          }
          ring.release(available);
          expect(ring.available()).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("full ring rejects pushes and accepts again after release", () => {
    const ring = attachRing(createRing(4, 1, { name: "full_ring" }));
    for (let value = 0; value < 4; value++) expect(ring.tryPush(value)).toBe(true);
    expect(ring.tryPush(99)).toBe(false);
    expect(ring.reserve(3)).toBe(0);
    expect(ring.available()).toBe(4);
    ring.release(1);
    expect(ring.tryPush(4)).toBe(true);
    expect(ring.available()).toBe(4);
    expect([0, 1, 2, 3].map((offset) => ring.readWord(offset, 0))).toEqual([1, 2, 3, 4]);
  });

  test("words are unsigned 32-bit", () => {
    const ring = attachRing(createRing(2, 2));
    ring.tryPush(0xffffffff, -1);
    ring.available();
    expect(ring.readWord(0, 0)).toBe(0xffffffff);
    expect(ring.readWord(0, 1)).toBe(0xffffffff);
  });

  test("descriptor is structured-cloneable and re-attaches to the same memory", () => {
    const descriptor = createRing(8, 4, { name: "ingress_verify" });
    const clone = structuredClone(descriptor);
    expect(clone.buffer).toBeInstanceOf(SharedArrayBuffer);
    const producer = attachRing(descriptor);
    const consumer = attachRing(clone);
    producer.tryPush(1, 2, 3, 4);
    expect(consumer.available()).toBe(1);
    expect(consumer.readWord(0, 3)).toBe(4);
    consumer.release(1);
    expect(producer.freeSlots()).toBe(8);
  });

  test("bad parameters and misuse raise specific codes", () => {
    expectCode(() => createRing(3, 1), RING_CAPACITY_INVALID);
    expectCode(() => createRing(1, 1), RING_CAPACITY_INVALID);
    expectCode(() => createRing(2 ** 25, 1), RING_CAPACITY_INVALID);
    expectCode(() => createRing(8, 0), RING_WORDS_PER_ENTRY_INVALID);
    expectCode(() => createRing(8, 17), RING_WORDS_PER_ENTRY_INVALID);
    expectCode(() => createRing(8, 1.5), RING_WORDS_PER_ENTRY_INVALID);
    const descriptor = createRing(8, 2);
    expectCode(() => attachRing({ ...descriptor, capacity: 16 }), RING_DESCRIPTOR_INVALID);
    expectCode(
      () => attachRing({ ...descriptor, buffer: new SharedArrayBuffer(8) }),
      RING_DESCRIPTOR_INVALID,
    );
    expectCode(() => attachRing(null as never), RING_DESCRIPTOR_INVALID);
    expectCode(() => attachRing({ kind: "x" } as never), RING_DESCRIPTOR_INVALID);
    const ring = attachRing(descriptor);
    expectCode(() => ring.writeWord(0, 0, 1), RING_WRITE_OUTSIDE_RESERVED);
    ring.reserve(2);
    expectCode(() => ring.writeWord(0, 2, 1), RING_WRITE_OUTSIDE_RESERVED);
    expectCode(() => ring.writeWord(2, 0, 1), RING_WRITE_OUTSIDE_RESERVED);
    expectCode(() => ring.publish(3), RING_PUBLISH_EXCEEDS_RESERVED);
    expectCode(() => ring.publish(-1), RING_PUBLISH_EXCEEDS_RESERVED);
    expectCode(() => ring.readWord(0, 0), RING_READ_OUTSIDE_AVAILABLE);
    expectCode(() => ring.release(1), RING_RELEASE_EXCEEDS_AVAILABLE);
  });
});
