// The adaptive ingress stage over a real packet pool and real rings, with real signed transfers whose
// priority fees differ: idle hand-off is immediate; under overload the high-fee packets and a quiet
// second sender get through while a flooding sender only loses its own packets (the baseline FIFO of
// the same size, in the same scenario, loses both); unparsable packets are passed on for verify to
// reject; the detector turns a backlog into big batches and the window follows the drain rate.
import { describe, expect, test } from "bun:test";
import { Keypair } from "@solana/web3.js";
import {
  type AdaptiveIngressConfig,
  AdaptiveIngressStage,
  DEFAULT_ADAPTIVE_INGRESS_CONFIG,
} from "../../src/ingress/adaptive-ingress-stage.ts";
import { CONGESTION_CONGESTED, CONGESTION_IDLE } from "../../src/ingress/congestion.ts";
import type { IngressIntake } from "../../src/ingress/ingress-intake.ts";
import {
  INGRESS_ACCEPTED,
  INGRESS_DROP_PRIORITY_EVICTED,
  INGRESS_DROP_PRIORITY_REFUSED,
  INGRESS_DROP_SHARE_EVICTED,
  INGRESS_DROP_SHARE_REFUSED,
  IngressStage,
} from "../../src/ingress/ingress-stage.ts";
import { udpSourceKey } from "../../src/ingress/source-key.ts";
import { priorityDecadeIndex } from "../../src/metrics/labels.ts";
import { tryPush6 } from "../../src/pipeline/ring-io.ts";
import { attachDoorbell, createDoorbell } from "../../src/ring/doorbell.ts";
import { attachPacketPool, createPacketPool, SOURCE_KIND_UDP } from "../../src/ring/packet-pool.ts";
import { SlotAllocator } from "../../src/ring/slot-allocator.ts";
import { attachRing, createRing } from "../../src/ring/spsc-ring.ts";
import { FeeTransferFactory } from "../helpers/fee-transfers.ts";

const BLOCKHASH = Keypair.generate().publicKey.toBase58();
const payer = Keypair.generate();
const to = Keypair.generate().publicKey;
const LOW = new FeeTransferFactory({
  payer,
  to,
  blockhash: BLOCKHASH,
  microLamportsPerComputeUnit: 1,
  computeUnitLimit: 1_000,
});
const NORMAL = new FeeTransferFactory({
  payer,
  to,
  blockhash: BLOCKHASH,
  microLamportsPerComputeUnit: 50_000,
  computeUnitLimit: 1_000,
});
const HIGH = new FeeTransferFactory({
  payer,
  to,
  blockhash: BLOCKHASH,
  microLamportsPerComputeUnit: 1_000_000_000,
  computeUnitLimit: 1_000,
});
const SOURCE_FLOOD = udpSourceKey("10.0.0.1");
const SOURCE_QUIET = udpSourceKey("10.0.0.2");

function harness(kind: "adaptive" | "fifo", config: Partial<AdaptiveIngressConfig> = {}) {
  const pool = attachPacketPool(createPacketPool(1024));
  const output = attachRing(createRing(1024, 4, { name: "ingress_verify#0" }));
  const outcomes = attachRing(createRing(1024, 6, { name: "verify_ingress#0" }));
  const deps = {
    pool,
    allocator: new SlotAllocator(pool, []),
    outputs: [output],
    verifyDoorbells: [attachDoorbell(createDoorbell("work:verify#0"))],
    outcomeRings: [outcomes],
  };
  const label = new Map<number, string>();
  const evicted: string[] = [];
  const adaptive =
    kind === "adaptive"
      ? new AdaptiveIngressStage({
          ...deps,
          config: { ...DEFAULT_ADAPTIVE_INGRESS_CONFIG, ...config },
          onEvicted: (slot) => evicted.push(label.get(slot)!),
        })
      : null;
  const stage: IngressIntake =
    adaptive ?? new IngressStage({ ...deps, queuePacketsMax: config.bufferPacketsMax ?? 64 });
  const slotOut = new Int32Array(1);
  const delivered: string[] = [];
  let nowNs = 0;
  return {
    pool,
    output,
    adaptive,
    stage,
    delivered,
    evicted,
    /** Offers a packet; remembers what it was by its slot. */
    offer(wire: Uint8Array, source: number, what: string): number {
      const code = stage.accept(wire, SOURCE_KIND_UDP, source, 0, slotOut);
      if (code === INGRESS_ACCEPTED) label.set(slotOut[0], what);
      return code;
    },
    /** The downstream finishes up to `count` packets (oldest first); then ingress takes outcomes, ticks, flushes. */
    drain(count: number, tickNs = 5e6): void {
      const available = Math.min(output.available(), count);
      for (let entry = 0; entry < available; entry++) {
        const slot = output.readWord(entry, 0);
        delivered.push(label.get(slot)!);
        expect(tryPush6(outcomes, slot, 0, 1, 0, 0, 0)).toBe(true);
      }
      output.release(available);
      stage.drainOutcomes(() => {});
      nowNs += tickNs;
      adaptive?.tick(nowNs);
      stage.flush();
    },
  };
}

describe("adaptive ingress stage", () => {
  test("idle: a packet is handed on at once, in the accept call", () => {
    const run = harness("adaptive");
    expect(run.adaptive!.batchPackets).toBe(1);
    expect(run.offer(NORMAL.make(1), SOURCE_QUIET, "q")).toBe(INGRESS_ACCEPTED);
    expect(run.output.available()).toBe(1);
    expect(run.stage.queued).toBe(0);
  });

  test("overload: high fees and a quiet sender get through; the flood loses only its own packets (baseline FIFO loses all three)", () => {
    const scenario = (kind: "adaptive" | "fifo") => {
      const run = harness(kind, {
        bufferPacketsMax: 64,
        windowPacketsMin: 16,
        windowPacketsMax: 16,
        handoffBatchPacketsMax: 8,
      });
      const refused = { flood: 0, quiet: 0, high: 0 };
      let amount = 1;
      for (let round = 0; round < 60; round++) {
        for (let index = 0; index < 40; index++)
          if (run.offer(LOW.make(amount++), SOURCE_FLOOD, "flood") !== INGRESS_ACCEPTED) refused.flood++;
        if (run.offer(NORMAL.make(amount++), SOURCE_QUIET, "quiet") !== INGRESS_ACCEPTED) refused.quiet++;
        if (round % 6 === 0 && run.offer(HIGH.make(amount++), SOURCE_FLOOD, "high") !== INGRESS_ACCEPTED)
          refused.high++;
        run.drain(16);
      }
      for (let round = 0; round < 200 && run.stage.inFlight > 0; round++) run.drain(16);
      const count = (list: string[], what: string) => list.filter((entry) => entry === what).length;
      return {
        run,
        lost: {
          flood: refused.flood + count(run.evicted, "flood"),
          quiet: refused.quiet + count(run.evicted, "quiet"),
          high: refused.high + count(run.evicted, "high"),
        },
        delivered: { quiet: count(run.delivered, "quiet"), high: count(run.delivered, "high") },
      };
    };
    const adaptive = scenario("adaptive");
    expect(adaptive.lost.quiet).toBe(0);
    expect(adaptive.lost.high).toBe(0);
    expect(adaptive.delivered).toEqual({ quiet: 60, high: 10 });
    expect(adaptive.lost.flood).toBeGreaterThan(1000); // it really was overloaded: 2,400 offered, 16 per round drain
    const dropped = adaptive.run.stage.counters.dropped;
    // Every drop is the flood's, counted under a reason: by fair share while the quiet sender holds
    // packets too, as the lowest priority while the flood is alone in the buffer.
    const share = dropped[INGRESS_DROP_SHARE_EVICTED] + dropped[INGRESS_DROP_SHARE_REFUSED];
    const priority = dropped[INGRESS_DROP_PRIORITY_EVICTED] + dropped[INGRESS_DROP_PRIORITY_REFUSED];
    expect(share + priority).toBe(adaptive.lost.flood);
    expect(share).toBeGreaterThan(0);
    expect(adaptive.run.stage.inFlight).toBe(0);
    // The same scenario through the baseline FIFO of the same size.
    const fifo = scenario("fifo");
    expect(fifo.lost.quiet).toBeGreaterThan(10);
    expect(fifo.lost.high).toBeGreaterThan(0);
  });

  test("one sender alone, over capacity: the lowest priority goes, never a higher one", () => {
    const run = harness("adaptive", { bufferPacketsMax: 32, windowPacketsMin: 1, windowPacketsMax: 1 });
    run.offer(NORMAL.make(1), SOURCE_FLOOD, "first"); // handed on at once (idle)
    for (let index = 0; index < 32; index++) run.offer(NORMAL.make(100 + index), SOURCE_FLOOD, "normal");
    expect(run.offer(LOW.make(2), SOURCE_FLOOD, "low")).toBe(INGRESS_DROP_PRIORITY_REFUSED);
    expect(run.offer(HIGH.make(3), SOURCE_FLOOD, "high")).toBe(INGRESS_ACCEPTED);
    expect(run.evicted).toEqual(["normal"]);
    expect(run.stage.counters.dropped[INGRESS_DROP_PRIORITY_EVICTED]).toBe(1);
    run.drain(1);
    expect(run.delivered).toEqual(["first"]);
    run.drain(1);
    expect(run.delivered).toEqual(["first", "high"]);
  });

  test("a packet that does not parse is kept at priority 0 and handed on (verify rejects it with its code)", () => {
    const run = harness("adaptive");
    expect(run.offer(new Uint8Array([1, 2, 3, 4, 5]), SOURCE_QUIET, "garbage")).toBe(INGRESS_ACCEPTED);
    expect(run.adaptive!.decadeOf(0)).toBe(priorityDecadeIndex(0));
    run.drain(1);
    expect(run.delivered).toEqual(["garbage"]);
    expect(run.stage.counters.dropped.reduce((sum, value) => sum + value, 0)).toBe(0);
  });

  test("the detector: a growing backlog means congested and whole batches; drained and quiet means idle again", () => {
    const run = harness("adaptive", {
      bufferPacketsMax: 512,
      windowPacketsMin: 128,
      windowPacketsMax: 128,
      handoffBatchPacketsMax: 32,
    });
    const adaptive = run.adaptive!;
    let amount = 1;
    for (let round = 0; round < 20; round++) {
      for (let index = 0; index < 60; index++) run.offer(NORMAL.make(amount++), SOURCE_QUIET, "n");
      run.drain(20);
    }
    expect(adaptive.congestion.state).toBe(CONGESTION_CONGESTED);
    expect(adaptive.batchPackets).toBe(32);
    // Under congestion only whole batches move: with room for 31 nothing does, with room for 32 one batch.
    const room = adaptive.windowPackets - adaptive.downstream;
    expect(room).toBeLessThan(32);
    const before = run.output.available();
    run.drain(31 - room);
    expect(run.output.available()).toBe(before - (31 - room));
    run.drain(1);
    expect(run.output.available()).toBe(before - (31 - room) - 1 + 32);
    for (let round = 0; round < 400 && run.stage.inFlight > 0; round++) run.drain(128);
    for (let round = 0; round < 40; round++) run.drain(0);
    expect(run.stage.inFlight).toBe(0);
    expect(adaptive.congestion.state).toBe(CONGESTION_IDLE);
    expect(adaptive.batchPackets).toBe(1);
  });

  test("the downstream window follows the measured drain rate, within its bounds", () => {
    const run = harness("adaptive", {
      bufferPacketsMax: 900,
      windowPacketsMin: 10,
      windowPacketsMax: 100,
      downstreamDelayMs: 50,
    });
    let amount = 1;
    // 12 packets finished per 5 ms tick = 2,400/s → window 2,400 × 0.05 = 120 → capped at 100.
    for (let round = 0; round < 60; round++) {
      for (let index = 0; index < 12; index++) run.offer(NORMAL.make(amount++), SOURCE_QUIET, "n");
      run.drain(12);
    }
    expect(run.adaptive!.windowPackets).toBe(100);
    // 2 per tick = 400/s → 20.
    for (let round = 0; round < 80; round++) {
      for (let index = 0; index < 2; index++) run.offer(NORMAL.make(amount++), SOURCE_QUIET, "n");
      run.drain(2);
    }
    expect(Math.abs(run.adaptive!.windowPackets - 20)).toBeLessThanOrEqual(2);
  });
});
