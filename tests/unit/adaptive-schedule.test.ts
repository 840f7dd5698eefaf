// The adaptive schedule stage over real rings and a real packet pool, fed wire transactions (raw
// encoder) with random account locks, payers and priority fees, answered by a simulated bank that runs
// k lanes at once and finishes them in random order (each lane in its own order). A checker watches
// every batch the bank receives: never two conflicting transactions in one batch, never a batch that
// conflicts with work still in flight on another lane, every transaction answered exactly once; with a
// small planner, the lowest priority is dropped on capacity and reported to ingress. Conflicts are
// judged from the generating spec, not from the stage's own parse.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { ChainState, createChainState } from "../../src/pipeline/chain-state.ts";
import { OUTCOME_DROP_ON_CAPACITY } from "../../src/pipeline/outcomes.ts";
import { tryPush6 } from "../../src/pipeline/ring-io.ts";
import { attachDoorbell, createDoorbell } from "../../src/ring/doorbell.ts";
import { attachPacketPool, createPacketPool, SOURCE_KIND_UDP } from "../../src/ring/packet-pool.ts";
import { attachRing, createRing } from "../../src/ring/spsc-ring.ts";
import {
  AdaptiveScheduleStage,
  SCHEDULE_BANK_LANE_SHIFT,
} from "../../src/schedule/adaptive-schedule-stage.ts";
import { SCHEDULE_BANK_FLAG_END_OF_BATCH } from "../../src/topology.ts";
import { COMPUTE_BUDGET_PROGRAM_ID } from "../../src/tx/program-ids.ts";
import { rawKey, rawTransaction } from "../helpers/tx-build.ts";

const POOL_ACCOUNTS = 8;
const PROGRAM = rawKey(60);

interface Spec {
  payer: number;
  locks: [number, boolean][];
  microLamportsPerComputeUnit: number;
  computeUnitLimit: number;
}

function u64(value: number): number[] {
  const bytes: number[] = [];
  let rest = BigInt(value);
  for (let index = 0; index < 8; index++) {
    bytes.push(Number(rest & 0xffn));
    rest >>= 8n;
  }
  return bytes;
}

/** payer (signer, writable), writable pool accounts, readonly pool accounts, compute budget, program. */
function encode(spec: Spec, salt: number): Uint8Array {
  const writable = spec.locks.filter(([, write]) => write).map(([account]) => rawKey(account));
  const readonly = spec.locks.filter(([, write]) => !write).map(([account]) => rawKey(account));
  const payer = rawKey(40 + spec.payer);
  const keys = [payer, ...writable, ...readonly, COMPUTE_BUDGET_PROGRAM_ID, PROGRAM];
  const budget = keys.length - 2;
  const limit = spec.computeUnitLimit;
  return rawTransaction({
    header: [1, 0, readonly.length + 2],
    keys,
    blockhash: new Uint8Array(32).fill(salt & 0xff),
    instructions: [
      { programIdIndex: budget, accounts: [], data: [2, limit & 0xff, (limit >> 8) & 0xff, limit >> 16, 0] },
      { programIdIndex: budget, accounts: [], data: [3, ...u64(spec.microLamportsPerComputeUnit)] },
      {
        programIdIndex: keys.length - 1,
        accounts: keys.map((_, index) => index).slice(0, -2),
        data: [salt & 0xff, salt >> 8],
      },
    ],
  });
}

function conflicts(a: Spec, b: Spec): boolean {
  if (a.payer === b.payer) return true;
  for (const [accountA, writeA] of a.locks)
    for (const [accountB, writeB] of b.locks) if (accountA === accountB && (writeA || writeB)) return true;
  return false;
}

const specArbitrary = fc.record({
  payer: fc.integer({ min: 0, max: 11 }),
  locks: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: POOL_ACCOUNTS - 1 }), fc.boolean()), {
    maxLength: 4,
    selector: ([account]) => account,
  }),
  microLamportsPerComputeUnit: fc.integer({ min: 0, max: 1_000_000 }),
  computeUnitLimit: fc.integer({ min: 1_000, max: 400_000 }),
});

function run(
  specs: Spec[],
  options: {
    lanes: number;
    pendingMax: number;
    batchMax: number;
    chunk: number;
    blockUnits: number;
    seed: number;
    inFlight?: number;
  },
) {
  const pool = attachPacketPool(createPacketPool(512));
  const input = attachRing(createRing(1024, 4, { name: "verify_schedule#0" }));
  const toBank = attachRing(createRing(4096, 4, { name: "schedule_bank" }));
  const fromBank = attachRing(createRing(512, 6, { name: "bank_schedule" }));
  const toIngress = attachRing(createRing(512, 6, { name: "schedule_ingress" }));
  const chainDescriptor = createChainState();
  const chain = new ChainState(chainDescriptor);
  let chainSlot = 1;
  chain.publish({ slot: chainSlot, blockHeight: chainSlot, confirmedSlot: 0, finalizedSlot: 0 });
  const doorbell = () => attachDoorbell(createDoorbell("test"));
  const stage = new AdaptiveScheduleStage({
    pool,
    chain,
    inputs: [input],
    toBank,
    fromBank,
    toIngress,
    bankDoorbell: doorbell(),
    ingressDoorbell: doorbell(),
    inputSpaceDoorbells: [doorbell()],
    config: {
      lanes: options.lanes,
      batchesInFlightPerLane: options.inFlight ?? 1,
      pendingTransactionsMax: options.pendingMax,
      batchTransactionsMax: options.batchMax,
      // The per-account write limit is checked against the block's; keep it at the block's size here.
      blockComputeUnitsMax: options.blockUnits,
      accountWriteComputeUnitsMax: options.blockUnits,
    },
  });
  let random = options.seed >>> 0 || 1;
  const next = () => {
    random ^= random << 13;
    random ^= random >>> 17;
    random ^= random << 5;
    return (random >>> 0) / 2 ** 32;
  };
  const specOfSlot = new Map<number, number>();
  const outcomes = new Map<number, number>();
  const freeSlots = Array.from({ length: 512 }, (_, slot) => 511 - slot);
  const laneQueues: { lane: number; txs: number[] }[][] = Array.from({ length: options.lanes }, () => []);
  let partial: number[] = [];
  let sent = 0;
  const inFlightOnOtherLanes = (lane: number) =>
    laneQueues.flatMap((queue, other) => (other === lane ? [] : queue.flatMap((batch) => batch.txs)));

  const takeBatches = () => {
    const available = toBank.available();
    for (let entry = 0; entry < available; entry++) {
      const slot = toBank.readWord(entry, 0);
      const flags = toBank.readWord(entry, 2);
      partial.push(specOfSlot.get(slot)!);
      if ((flags & SCHEDULE_BANK_FLAG_END_OF_BATCH) === 0) continue;
      const lane = flags >>> SCHEDULE_BANK_LANE_SHIFT;
      expect(lane).toBeLessThan(options.lanes);
      expect(partial.length).toBeLessThanOrEqual(options.batchMax);
      for (let i = 0; i < partial.length; i++)
        for (let j = i + 1; j < partial.length; j++)
          expect(conflicts(specs[partial[i]], specs[partial[j]])).toBe(false);
      for (const other of inFlightOnOtherLanes(lane))
        for (const tx of partial) expect(conflicts(specs[tx], specs[other])).toBe(false);
      laneQueues[lane].push({ lane, txs: partial });
      partial = [];
    }
    toBank.release(available);
  };
  const slotOfSpec = new Map<number, number>();
  const finishOne = () => {
    const busy = laneQueues.map((queue, lane) => (queue.length > 0 ? lane : -1)).filter((lane) => lane >= 0);
    if (busy.length === 0) return false;
    const lane = busy[Math.floor(next() * busy.length)];
    const batch = laneQueues[lane].shift()!;
    for (const tx of batch.txs)
      expect(tryPush6(fromBank, slotOfSpec.get(tx)!, 0, 1, 0, 0, chainSlot)).toBe(true);
    return true;
  };
  const drainOutcomes = () => {
    const available = toIngress.available();
    for (let entry = 0; entry < available; entry++) {
      const slot = toIngress.readWord(entry, 0);
      const tx = specOfSlot.get(slot)!;
      expect(outcomes.has(tx)).toBe(false);
      outcomes.set(tx, toIngress.readWord(entry, 1));
      specOfSlot.delete(slot);
      freeSlots.push(slot);
    }
    toIngress.release(available);
  };

  for (let round = 0; round < 100_000 && outcomes.size < specs.length; round++) {
    // Offer the next chunk of verified transactions.
    const room = Math.min(options.chunk, specs.length - sent, freeSlots.length);
    for (let index = 0; index < room; index++) {
      const tx = sent++;
      const slot = freeSlots.pop()!;
      const wire = encode(specs[tx], tx);
      pool.writePacket(slot, wire, SOURCE_KIND_UDP, 0, 0, 0);
      specOfSlot.set(slot, tx);
      slotOfSpec.set(tx, slot);
      expect(input.tryPush(slot, wire.length, 0, 0)).toBe(true);
    }
    stage.step();
    takeBatches();
    if (next() < 0.5) finishOne();
    if (next() < 0.1) {
      chainSlot++;
      chain.publish({ slot: chainSlot, blockHeight: chainSlot, confirmedSlot: 0, finalizedSlot: 0 });
    }
    stage.step();
    takeBatches();
    drainOutcomes();
  }
  return { stage, outcomes };
}

describe("adaptive schedule stage (prio-graph planner on real rings)", () => {
  test("checker: no batch holds two conflicting transactions or conflicts with another lane's work in flight (property)", () => {
    fc.assert(
      fc.property(
        fc.array(specArbitrary, { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(2_000_000, 60_000_000),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        (specs, lanes, batchMax, chunk, blockUnits, seed) => {
          const { stage, outcomes } = run(specs, {
            lanes,
            pendingMax: 512,
            batchMax,
            chunk,
            blockUnits,
            seed,
          });
          expect(outcomes.size).toBe(specs.length);
          for (const code of outcomes.values()) expect(code).toBe(0);
          expect(stage.pending).toBe(0);
          expect(stage.counters.scheduled).toBe(specs.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  test("a full planner drops the lowest priority on capacity and tells ingress (Agave's dropped_on_capacity)", () => {
    // 40 transactions on one hot account arrive at once into a planner holding 64 (in flight included):
    // a stream of 200 at rising fees keeps it full, so the cheapest are dropped.
    const specs: Spec[] = Array.from({ length: 200 }, (_, index) => ({
      payer: index % 12,
      locks: [[0, true]],
      microLamportsPerComputeUnit: 1 + ((index * 7919) % 1000),
      computeUnitLimit: 10_000,
    }));
    const { stage, outcomes } = run(specs, {
      lanes: 2,
      pendingMax: 64,
      batchMax: 4,
      chunk: 40,
      blockUnits: 60_000_000,
      seed: 7,
    });
    expect(outcomes.size).toBe(200);
    const dropped = [...outcomes].filter(([, code]) => code === OUTCOME_DROP_ON_CAPACITY).map(([tx]) => tx);
    expect(dropped.length).toBeGreaterThan(0);
    expect(stage.planner.counters.droppedOnCapacity).toBe(dropped.length);
    // Dropped ones are cheap: their mean fee is below the mean of those executed.
    const fee = (txs: number[]) =>
      txs.reduce((sum, tx) => sum + specs[tx].microLamportsPerComputeUnit, 0) / Math.max(1, txs.length);
    const executed = [...outcomes].filter(([, code]) => code === 0).map(([tx]) => tx);
    expect(fee(dropped)).toBeLessThan(fee(executed));
  });
});
