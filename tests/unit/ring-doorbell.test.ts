// Doorbell and RingPoller: a moved sequence never parks, an idle one times out, ring()
// wakes an async waiter, waiters are counted only while parked, bad input is refused.
import { describe, expect, test } from "bun:test";
import {
  attachDoorbell,
  attachRing,
  createDoorbell,
  createRing,
  DOORBELL_DESCRIPTOR_INVALID,
  DOORBELL_TIMEOUT_INVALID,
  POLLER_RINGS_INVALID,
  RingPoller,
  waitForFreeSlots,
} from "../../src/ring/index.ts";
import { expectCode } from "../helpers/expect-code.ts";

describe("Doorbell", () => {
  test("a sequence that moved after it was read does not park", () => {
    const bell = attachDoorbell(createDoorbell("bell"));
    const seen = bell.sequence();
    bell.ring();
    expect(bell.wait(seen, 1000)).toBe("not-equal");
    expect(bell.waiters()).toBe(0);
  });

  test("an idle doorbell times out and leaves no waiter behind", () => {
    const bell = attachDoorbell(createDoorbell("bell"));
    expect(bell.wait(bell.sequence(), 1)).toBe("timed-out");
    expect(bell.waiters()).toBe(0);
  });

  test("ring() wakes an async waiter that is counted while parked", async () => {
    const descriptor = createDoorbell("bell");
    const bell = attachDoorbell(descriptor);
    const waiting = bell.waitAsync(bell.sequence(), 10_000);
    expect(bell.waiters()).toBe(1);
    attachDoorbell(structuredClone(descriptor)).ring();
    expect(await waiting).toBe("ok");
    expect(bell.waiters()).toBe(0);
  });

  test("bad descriptors and timeouts are refused", () => {
    expectCode(() => attachDoorbell({ kind: "nope" } as never), DOORBELL_DESCRIPTOR_INVALID);
    expectCode(
      () => attachDoorbell({ ...createDoorbell(), buffer: new SharedArrayBuffer(4) }),
      DOORBELL_DESCRIPTOR_INVALID,
    );
    const bell = attachDoorbell(createDoorbell());
    expectCode(() => bell.wait(0, -1), DOORBELL_TIMEOUT_INVALID);
    expectCode(() => bell.wait(0, Number.NaN), DOORBELL_TIMEOUT_INVALID);
    expectCode(() => bell.wait(0, 3_600_000), DOORBELL_TIMEOUT_INVALID);
  });
});

describe("RingPoller", () => {
  test("returns the total available over its rings, or 0 after a timed-out park", async () => {
    const rings = [attachRing(createRing(4, 1)), attachRing(createRing(4, 1))];
    const bell = attachDoorbell(createDoorbell());
    const poller = new RingPoller(rings, bell, { spinIterations: 2, parkTimeoutMs: 1 });
    expect(poller.waitForWork()).toBe(0);
    expect(poller.parkCount).toBe(1);
    rings[0].tryPush(1);
    rings[1].tryPush(2);
    rings[1].tryPush(3);
    bell.ring();
    expect(poller.waitForWork()).toBe(3);
    expect(await poller.waitForWorkAsync()).toBe(3);
    expect(rings[1].readWord(1, 0)).toBe(3);
    expect(poller.parkCount).toBe(1);
  });

  test("waitForFreeSlots reports the free count", () => {
    const ring = attachRing(createRing(2, 1));
    const bell = attachDoorbell(createDoorbell());
    ring.tryPush(1);
    ring.tryPush(2);
    expect(waitForFreeSlots(ring, bell, 1, { spinIterations: 1, parkTimeoutMs: 1 })).toBe(0);
    ring.available();
    ring.release(1);
    expect(waitForFreeSlots(ring, bell, 1)).toBe(1);
  });

  test("needs at least one ring", () => {
    expectCode(() => new RingPoller([], attachDoorbell(createDoorbell())), POLLER_RINGS_INVALID);
  });
});
