// The pipeline's topology: every stage (tile) and every ring between them, named
// `<producer>_<consumer>`, with its depth and entry layout. Reading this file top to
// bottom is reading the data flow:
//
//   ingress ──ingress_verify[i]──► verify[i] ──verify_schedule[i]──► schedule ──schedule_bank──► bank
//      ▲                              │                                 ▲   │                       │
//      └──────── verify_ingress[i] ───┘                                 │   └── schedule_ingress ──►┤ ingress
//                (rejections)                                           └────── bank_schedule ──────┘
//                                                                      (ExecutionResponse per transaction)
//
// Packet bytes live once in the shared packet pool (src/ring/packet-pool.ts); rings carry
// slot indices and small fixed descriptors. Terminal rings back to ingress (which owns the
// pool's allocator and the signature-status store) have a capacity of at least the pool's
// slot count, so a stage can never block on returning a slot.

export type StageName = "ingress" | "verify" | "schedule" | "bank";

export interface StagePlan {
  name: StageName;
  /** Instances of the stage; only verify has more than one. */
  count: number;
  /** Worker entry file (relative to src/), bundled into the binary as an extra entrypoint. */
  worker: string;
}

export interface RingPlan {
  /** `<producer>_<consumer>`, with `#i` for the i-th of a per-worker ring. */
  name: string;
  producer: StageName;
  consumer: StageName;
  /** Entries; a power of two. */
  depth: number;
  wordsPerEntry: number;
  /** What one entry's words hold, in order. */
  entry: readonly string[];
  /** Index of the verify worker this ring belongs to, when per-worker. */
  verifyIndex?: number;
}

/** ingress → verify: a received packet (kind 0), or a returned one (kind 1, INGRESS_ENTRY_RETURNED). */
export const INGRESS_VERIFY_ENTRY = ["slot", "length", "sourceKind", "kind"] as const;
/** ingress_verify entry kind: a new packet to verify. */
export const INGRESS_ENTRY_PACKET = 0;
/**
 * ingress_verify entry kind: a transaction that verified but the bank did not include, handed back so
 * verify forgets its signature in dedup (a retry may run) and, with the trading cache, remembers its
 * verdicts (the retry is not verified again). Verify answers OUTCOME_SLOT_RETURNED.
 */
export const INGRESS_ENTRY_RETURNED = 1;
/**
 * verify → schedule: a verified transaction, with its template's cost estimate (compute units) and the
 * low word of its template id — both 0 when the template cache is off or the shape is not cacheable.
 */
export const VERIFY_SCHEDULE_ENTRY = ["slot", "length", "costUnits", "templateId"] as const;
/** schedule → bank: one transaction of a PackToWorkerMessage batch; the last carries the end flag. */
export const SCHEDULE_BANK_ENTRY = ["slot", "batchId", "flags", "batchSize"] as const;
/** bank → schedule: an ExecutionResponse (Agave scheduler bindings). */
export const BANK_SCHEDULE_ENTRY = [
  "slot",
  "notIncludedReason",
  "costUnits",
  "feePayerBalanceLow32",
  "feePayerBalanceHigh32",
  "executedSlot",
] as const;
/** verify/schedule → ingress: a transaction's terminal outcome; ingress records it and frees the slot. */
export const OUTCOME_ENTRY = [
  "slot",
  "outcomeCode",
  "executedSlot",
  "reserved",
  "costUnits",
  "detailCode",
] as const;

export const SCHEDULE_BANK_FLAG_END_OF_BATCH = 1;

export const STAGE_WORKERS: Record<StageName, string> = {
  ingress: "ingress/ingress.worker.ts",
  verify: "verify/verify.worker.ts",
  schedule: "schedule/schedule.worker.ts",
  bank: "bank/bank.worker.ts",
};

export interface TopologyOptions {
  verifyWorkers: number;
  poolPackets: number;
  /** Depth of the forward rings (packets in flight between two stages). */
  forwardRingDepth?: number;
}

function powerOfTwoAtLeast(value: number): number {
  let power = 2;
  while (power < value) power *= 2;
  return power;
}

export const FORWARD_RING_DEPTH_DEFAULT = 4096;
export const VERIFY_WORKERS_MAX = 16;

export function planTopology(options: TopologyOptions): { stages: StagePlan[]; rings: RingPlan[] } {
  const { verifyWorkers, poolPackets } = options;
  if (!(Number.isInteger(verifyWorkers) && verifyWorkers >= 1 && verifyWorkers <= VERIFY_WORKERS_MAX)) {
    throw new RangeError(`verifyWorkers must be 1..${VERIFY_WORKERS_MAX}, got ${verifyWorkers}`);
  }
  const forwardDepth = options.forwardRingDepth ?? FORWARD_RING_DEPTH_DEFAULT;
  const terminalDepth = powerOfTwoAtLeast(poolPackets);
  const stages: StagePlan[] = [
    { name: "ingress", count: 1, worker: STAGE_WORKERS.ingress },
    { name: "verify", count: verifyWorkers, worker: STAGE_WORKERS.verify },
    { name: "schedule", count: 1, worker: STAGE_WORKERS.schedule },
    { name: "bank", count: 1, worker: STAGE_WORKERS.bank },
  ];
  const rings: RingPlan[] = [];
  for (let index = 0; index < verifyWorkers; index++) {
    rings.push({
      name: `ingress_verify#${index}`,
      producer: "ingress",
      consumer: "verify",
      depth: forwardDepth,
      wordsPerEntry: INGRESS_VERIFY_ENTRY.length,
      entry: INGRESS_VERIFY_ENTRY,
      verifyIndex: index,
    });
    rings.push({
      name: `verify_schedule#${index}`,
      producer: "verify",
      consumer: "schedule",
      depth: forwardDepth,
      wordsPerEntry: VERIFY_SCHEDULE_ENTRY.length,
      entry: VERIFY_SCHEDULE_ENTRY,
      verifyIndex: index,
    });
    rings.push({
      name: `verify_ingress#${index}`,
      producer: "verify",
      consumer: "ingress",
      depth: terminalDepth,
      wordsPerEntry: OUTCOME_ENTRY.length,
      entry: OUTCOME_ENTRY,
      verifyIndex: index,
    });
  }
  rings.push({
    name: "schedule_bank",
    producer: "schedule",
    consumer: "bank",
    depth: forwardDepth,
    wordsPerEntry: SCHEDULE_BANK_ENTRY.length,
    entry: SCHEDULE_BANK_ENTRY,
  });
  rings.push({
    name: "bank_schedule",
    producer: "bank",
    consumer: "schedule",
    depth: terminalDepth,
    wordsPerEntry: BANK_SCHEDULE_ENTRY.length,
    entry: BANK_SCHEDULE_ENTRY,
  });
  rings.push({
    name: "schedule_ingress",
    producer: "schedule",
    consumer: "ingress",
    depth: terminalDepth,
    wordsPerEntry: OUTCOME_ENTRY.length,
    entry: OUTCOME_ENTRY,
  });
  return { stages, rings };
}

/** Verify workers when the configuration says 0 (automatic): cores − 1, at least 1. */
export function automaticVerifyWorkers(coreCount: number): number {
  return Math.max(1, Math.min(VERIFY_WORKERS_MAX, coreCount - 1));
}
