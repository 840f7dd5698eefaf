// The embedded bank's adverse slot timing (bank.slot_timing = "adverse"): seeded, with the promised
// shares of late, early and skipped slots, and a real clock that skips (two slots end at once).
import { expect, test } from "bun:test";
import fc from "fast-check";
import { EmbeddedBank } from "../../src/bank/embedded-bank.ts";
import { ADVERSE_SLOT_SHARES, slotLengths } from "../../src/bank/slot-timing.ts";

test("steady slots all last slot_ms; adverse ones are seeded and in range", () => {
  fc.assert(
    fc.property(fc.integer({ min: 10, max: 2000 }), fc.nat(), (slotMs, seed) => {
      const steady = slotLengths("steady", slotMs, seed);
      for (let index = 0; index < 20; index++) expect(steady()).toBe(slotMs);
      const a = slotLengths("adverse", slotMs, seed);
      const b = slotLengths("adverse", slotMs, seed);
      for (let index = 0; index < 50; index++) {
        const length = a();
        expect(b()).toBe(length);
        expect(
          length === 0 || length === slotMs || (length >= 0.2 * slotMs - 1 && length <= 3 * slotMs + 1),
        ).toBe(true);
      }
    }),
    { numRuns: 50 },
  );
});

test("adverse timing has late, early and skipped slots in the configured shares", () => {
  const next = slotLengths("adverse", 400, 3);
  const counts = { late: 0, early: 0, skipped: 0, normal: 0 };
  const draws = 20_000;
  for (let index = 0; index < draws; index++) {
    const length = next();
    if (length === 0) counts.skipped++;
    else if (length > 400) counts.late++;
    else if (length < 400) counts.early++;
    else counts.normal++;
  }
  expect(Math.abs(counts.late / draws - ADVERSE_SLOT_SHARES.late)).toBeLessThan(0.02);
  expect(Math.abs(counts.early / draws - ADVERSE_SLOT_SHARES.early)).toBeLessThan(0.02);
  expect(Math.abs(counts.skipped / draws - ADVERSE_SLOT_SHARES.skipped)).toBeLessThan(0.02);
});

test("the bank's adverse clock advances and skips slots", async () => {
  const bank = new EmbeddedBank({ slotMs: 10, slotTiming: "adverse", slotTimingSeed: 5 });
  const times: number[] = [];
  bank.onSlot(() => times.push(performance.now()));
  bank.start();
  await Bun.sleep(400);
  bank.stop();
  expect(times.length).toBeGreaterThan(10);
  // A skipped slot ends in the same tick as the one before it.
  const gaps = times.slice(1).map((time, index) => time - times[index]);
  expect(gaps.some((gap) => gap < 1)).toBe(true);
  expect(bank.slot).toBe(1 + times.length);
});
