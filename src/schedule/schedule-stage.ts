// The schedule stage (baseline): takes verified transactions from every verify worker in
// arrival order, records their account locks, cuts conflict-free FIFO batches of at most
// `batch_transactions_max` for the bank (a PackToWorkerMessage as ring entries), and
// passes each ExecutionResponse coming back from the bank on to ingress as the
// transaction's terminal outcome. No allocation per transaction.
//
// Address-lookup-table accounts are locked by their table (writable if any index is):
// conservative for two transactions using the same table; two different tables resolving
// to the same account are not detected until lookups are resolved against the bank's
// accounts (the batching issue). The embedded bank executes a batch in order, so this
// cannot change results, only parallelism.
import type { Doorbell } from "../ring/doorbell.ts";
import type { PacketPool } from "../ring/packet-pool.ts";
import type { SpscRing } from "../ring/spsc-ring.ts";
import { SCHEDULE_BANK_FLAG_END_OF_BATCH } from "../topology.ts";
import { parseTransactionFrame } from "../tx/parse.ts";
import { ParsedTransaction } from "../tx/parsed-transaction.ts";
import { type BankResponseListener, relayBankResponses } from "./bank-responses.ts";
import { FifoBatcher, LOCKS_PER_TRANSACTION_MAX } from "./fifo-batcher.ts";

/**
 * The account locks of a parsed transaction whose bytes start at `base` of the shared pool bytes:
 * static keys (writable as the header says), then one lock per address-lookup table (writable if any
 * of its indexes is). Writes offsets of 32-byte keys and writable flags; returns how many.
 */
export function collectLocks(
  parsed: ParsedTransaction,
  base: number,
  offsets: Int32Array,
  writable: Uint8Array,
): number {
  let lockCount = 0;
  for (let key = 0; key < parsed.staticKeyCount && lockCount < LOCKS_PER_TRANSACTION_MAX; key++) {
    offsets[lockCount] = base + parsed.staticKeyOffset(key);
    writable[lockCount] = parsed.isWritable(key) ? 1 : 0;
    lockCount++;
  }
  for (let lookup = 0; lookup < parsed.lookupCount && lockCount < LOCKS_PER_TRANSACTION_MAX; lookup++) {
    offsets[lockCount] = base + parsed.lookupKeyOffset[lookup];
    writable[lockCount] = parsed.lookupWritableCount[lookup] > 0 ? 1 : 0;
    lockCount++;
  }
  return lockCount;
}

export interface ScheduleStageDeps {
  pool: PacketPool;
  /** verify_schedule#i, one per verify worker. */
  inputs: SpscRing[];
  toBank: SpscRing;
  fromBank: SpscRing;
  toIngress: SpscRing;
  batchTransactionsMax: number;
  pendingMax: number;
  bankDoorbell: Doorbell;
  ingressDoorbell: Doorbell;
  /** space:verify#i, rung after releasing entries of inputs[i]. */
  inputSpaceDoorbells: Doorbell[];
  onBatch?: (size: number) => void;
  onResponse?: (notIncludedReason: number, costUnits: number) => void;
}

export interface ScheduleCounters {
  received: number;
  scheduled: number;
  batches: number;
  responses: number;
  /** Transactions whose bytes no longer parsed (cannot happen after verify; counted, still executed). */
  unparsable: number;
}

export class ScheduleStage {
  readonly counters: ScheduleCounters = {
    received: 0,
    scheduled: 0,
    batches: 0,
    responses: 0,
    unparsable: 0,
  };
  private readonly deps: ScheduleStageDeps;
  private readonly batcher: FifoBatcher;
  private readonly parsed = new ParsedTransaction();
  private readonly lockOffsets = new Int32Array(LOCKS_PER_TRANSACTION_MAX);
  private readonly lockWritable = new Uint8Array(LOCKS_PER_TRANSACTION_MAX);
  private readonly batch = new Int32Array(64);
  private batchId = 0;
  private nextInput = 0;

  constructor(deps: ScheduleStageDeps) {
    this.deps = deps;
    this.batcher = new FifoBatcher(deps.pool.bytes, deps.pendingMax);
  }

  get pending(): number {
    return this.batcher.pending;
  }

  /** One round: responses back, intake from verify, batches out. Returns the work done. */
  step(): number {
    return this.forwardResponses() + this.intake() + this.cutBatches();
  }

  private forwardResponses(): number {
    const { fromBank, toIngress, ingressDoorbell } = this.deps;
    const count = relayBankResponses(fromBank, toIngress, ingressDoorbell, this.onBankResponse);
    this.counters.responses += count;
    return count;
  }

  private readonly onBankResponse: BankResponseListener = (_slot, reason, costUnits) =>
    this.deps.onResponse?.(reason, costUnits);

  /** Takes verified transactions round-robin over the verify rings, in their order, while there is room. */
  private intake(): number {
    const { inputs, pool } = this.deps;
    let taken = 0;
    for (let turn = 0; turn < inputs.length; turn++) {
      const ringIndex = (this.nextInput + turn) % inputs.length;
      const input = inputs[ringIndex];
      const available = input.available();
      let used = 0;
      while (used < available && !this.batcher.full) {
        const slot = input.readWord(used, 0);
        const length = input.readWord(used, 1);
        this.enqueue(pool, slot, length);
        used++;
      }
      if (used > 0) {
        input.release(used);
        this.deps.inputSpaceDoorbells[ringIndex].ring();
        taken += used;
      }
    }
    this.nextInput = (this.nextInput + 1) % inputs.length;
    this.counters.received += taken;
    return taken;
  }

  private enqueue(pool: PacketPool, slot: number, length: number): void {
    const parsed = this.parsed;
    let lockCount = 0;
    if (parseTransactionFrame(pool.slotBytes(slot), length, parsed) === 0) {
      lockCount = collectLocks(parsed, pool.slotOffset(slot), this.lockOffsets, this.lockWritable);
    } else {
      this.counters.unparsable++;
    }
    if (!this.batcher.enqueue(slot, this.lockOffsets, this.lockWritable, lockCount)) {
      throw new Error("schedule: batcher full after a fullness check");
    }
  }

  private cutBatches(): number {
    const { toBank } = this.deps;
    let scheduled = 0;
    const batchMax = this.deps.batchTransactionsMax;
    while (this.batcher.pending > 0 && toBank.freeSlots() >= batchMax) {
      const size = this.batcher.nextBatch(this.batch, batchMax);
      if (size === 0) break;
      const batchId = this.batchId++ >>> 0;
      const reserved = toBank.reserve(size);
      if (reserved < size) throw new Error("schedule: ring space vanished between check and reserve");
      for (let entry = 0; entry < size; entry++) {
        toBank.writeWord(entry, 0, this.batch[entry]);
        toBank.writeWord(entry, 1, batchId);
        toBank.writeWord(entry, 2, entry === size - 1 ? SCHEDULE_BANK_FLAG_END_OF_BATCH : 0);
        toBank.writeWord(entry, 3, size);
      }
      toBank.publish(size);
      this.deps.bankDoorbell.ring();
      this.counters.batches++;
      this.counters.scheduled += size;
      scheduled += size;
      this.deps.onBatch?.(size);
    }
    return scheduled;
  }
}
