// The window climber: plain hill climbing without an LRU estimate, a jump toward an LRU-like window when
// the shadow LRU leads, and the undo (with backoff) when the sample after a jump does not gain.
import { describe, expect, test } from "bun:test";
import {
  CLIMBER_STEP_FRACTION,
  RECENCY_LEAD_MIN,
  WINDOW_FRACTION_MAX,
  WindowClimber,
} from "../../src/accounts/window-climber.ts";

describe("WindowClimber", () => {
  test("without an LRU estimate it hill-climbs: keeps direction while the hit ratio rises", () => {
    const climber = new WindowClimber(0.01, 1000);
    expect(climber.recordSample(500, 1000)).toBe(true);
    expect(climber.windowFraction).toBeCloseTo(0.01 + CLIMBER_STEP_FRACTION, 10);
    climber.recordSample(520, 1000);
    expect(climber.windowFraction).toBeGreaterThan(0.01 + CLIMBER_STEP_FRACTION);
    expect(climber.recencyLeads).toBe(0);
  });

  test("LRU leading by 5 points or more takes the window to the max; a smaller lead goes half way", () => {
    const big = new WindowClimber(0.01, 1000);
    expect(big.recordSample(300, 1000, 0.7)).toBe(true);
    expect(big.windowFraction).toBe(WINDOW_FRACTION_MAX);
    const small = new WindowClimber(0.01, 1000);
    small.recordSample(300, 1000, 0.3 + RECENCY_LEAD_MIN + 0.01);
    expect(small.windowFraction).toBeCloseTo(0.01 + (WINDOW_FRACTION_MAX - 0.01) / 2, 10);
    const none = new WindowClimber(0.01, 1000);
    none.recordSample(300, 1000, 0.3 + RECENCY_LEAD_MIN / 2);
    expect(none.recencyLeads).toBe(0);
  });

  test("a jump that does not gain is undone, and LRU's lead is ignored for a while (longer each time)", () => {
    const climber = new WindowClimber(0.05, 1000);
    climber.recordSample(600, 1000, 0.9); // jump
    expect(climber.windowFraction).toBe(WINDOW_FRACTION_MAX);
    climber.recordSample(550, 1000, 0.9); // no gain: back to 0.05
    expect(climber.windowFraction).toBe(0.05);
    expect(climber.recencyMovesUndone).toBe(1);
    climber.recordSample(550, 1000, 0.9); // cooling down (1 sample): plain climbing
    expect(climber.windowFraction).toBeLessThan(0.2);
    climber.recordSample(550, 1000, 0.9); // trusted again: jump
    expect(climber.windowFraction).toBe(WINDOW_FRACTION_MAX);
    climber.recordSample(500, 1000, 0.9); // undone again: now 2 samples of cooldown
    expect(climber.recencyMovesUndone).toBe(2);
    climber.recordSample(500, 1000, 0.9);
    climber.recordSample(500, 1000, 0.9);
    expect(climber.windowFraction).toBeLessThan(0.5);
    climber.recordSample(500, 1000, 0.9);
    expect(climber.windowFraction).toBe(WINDOW_FRACTION_MAX);
  });

  test("a check across a workload shift (LRU's own ratio moved ≥ 5 points) keeps the move", () => {
    const climber = new WindowClimber(0.01, 1000);
    climber.recordSample(790, 1000, 0.815); // LRU leads by 2.5 points: half way up
    const moved = climber.windowFraction;
    expect(moved).toBeGreaterThan(0.4);
    // The hot set moved during the check: both fell, the lead grew, but LRU fell by 7.5 points.
    climber.recordSample(570, 1000, 0.74);
    expect(climber.recencyMovesUndone).toBe(0);
    expect(climber.windowFraction).toBe(WINDOW_FRACTION_MAX); // judged afresh: LRU leads by 17 points
  });

  test("a jump that gains is kept", () => {
    const climber = new WindowClimber(0.01, 1000);
    climber.recordSample(300, 1000, 0.7);
    climber.recordSample(650, 1000, 0.7);
    expect(climber.windowFraction).toBe(WINDOW_FRACTION_MAX);
    expect(climber.recencyMovesUndone).toBe(0);
  });
});
