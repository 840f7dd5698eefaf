// The verify stage (baseline): for each packet from ingress, parse and sanitize it,
// check its blockhash is in the valid window, reject a signature already seen, and
// verify every signature under Solana's strict rules — all signatures of a batch of
// packets in one verifier call. Passing transactions go on to schedule; every
// rejection goes back to ingress with its outcome code. No allocation per packet.
//
// Under --enable-trading-cache the stage is given a template cache (sanitize + compute budget answered
// per transaction shape; each passing transaction's template id and cost estimate travel on to schedule
// in its ring entry as the lock-prediction hint) and a cached verifier (signature verdicts already
// proven valid are not verified again). Neither changes a verdict. With a prefetch hint ring, each
// passing transaction's accounts are offered to the bank tile (the prefetchHints hook).
import type { ChainState } from "../pipeline/chain-state.ts";
import {
  OUTCOME_DROP_BAD_SIGNATURE,
  OUTCOME_DROP_DUPLICATE,
  OUTCOME_DROP_EXPIRED_BLOCKHASH,
  OUTCOME_DROP_PARSE,
  OUTCOME_DROP_SANITIZE,
  OUTCOME_SLOT_RETURNED,
} from "../pipeline/outcomes.ts";
import { tryPush6 } from "../pipeline/ring-io.ts";
import type { Doorbell } from "../ring/doorbell.ts";
import type { PacketPool } from "../ring/packet-pool.ts";
import { waitForFreeSlots } from "../ring/poller.ts";
import type { SpscRing } from "../ring/spsc-ring.ts";
import { INGRESS_ENTRY_RETURNED } from "../topology.ts";
import { TX_HEADER_ACCOUNTS_OUT_OF_RANGE } from "../tx/errors.ts";
import { MAX_SIGNATURES_PER_PACKET } from "../tx/limits.ts";
import { parseTransactionFrame } from "../tx/parse.ts";
import { ParsedTransaction } from "../tx/parsed-transaction.ts";
import { sanitizeTransaction } from "../tx/sanitize.ts";
import type { SignatureDedup } from "./dedup.ts";
import type { Ed25519Verifier } from "./ed25519-verifier.ts";
import type { CachedBatchVerifier } from "./sig-cache-verifier.ts";
import type { TemplateCache } from "./template-cache.ts";
import { LockHint } from "./template-lock-hint.ts";

/** Packets taken from the input ring per step. */
export const VERIFY_BATCH_PACKETS_MAX = 64;
const SIGNATURES_PER_BATCH_MAX = VERIFY_BATCH_PACKETS_MAX * MAX_SIGNATURES_PER_PACKET;

/** The verifier the stage needs: Ed25519Verifier's batch entry point (strict, native or fallback, cached or not). */
export type BatchSignatureVerifier = Pick<Ed25519Verifier, "verifyBatch">;

export interface VerifyCounters {
  received: number;
  passed: number;
  dropped: Record<
    "parse_error" | "sanitize_error" | "expired_blockhash" | "duplicate" | "bad_signature",
    number
  >;
  signaturesVerified: number;
  signaturesValid: number;
  /** Transactions handed back after the bank did not include them: forgotten by dedup. */
  returned: number;
  outputBackpressure: number;
}

export interface VerifyStageDeps {
  pool: PacketPool;
  input: SpscRing;
  /** To schedule. */
  output: SpscRing;
  /** Rejections, back to ingress; its capacity covers the whole pool, so it never fills. */
  outcomes: SpscRing;
  chain: ChainState;
  verifier: BatchSignatureVerifier;
  dedup: SignatureDedup;
  /** Under --enable-trading-cache: replaces sanitize + compute budget and yields the template hint. */
  templates?: TemplateCache;
  /** Under --enable-trading-cache: remembers the verdicts of returned transactions, for their retry. */
  verdicts?: Pick<CachedBatchVerifier, "remember">;
  /** Rung after publishing to `output` / `outcomes`. */
  scheduleDoorbell: Doorbell;
  ingressDoorbell: Doorbell;
  /** Rung by schedule when it frees space in `output`. */
  outputSpaceDoorbell: Doorbell;
  /** Rung by this stage after releasing input entries (ingress may wait on it). */
  inputSpaceDoorbell: Doorbell;
  /** Called once per packet with the outcome (0 = passed) and the stage latency; for metrics. */
  onPacket?: (outcome: number, latencySeconds: number) => void;
  /**
   * Under --enable-trading-cache with a prefetch hint ring: handed each transaction that passed (its
   * wire, in the pool) just before it goes on to schedule, to offer the accounts it locks to the bank
   * tile (src/accounts/transaction-prefetch-hints.ts). Must not block.
   */
  prefetchHints?: { offerTransaction(bytes: Uint8Array, length: number): number };
}

const PENDING = -1;

export class VerifyStage {
  readonly counters: VerifyCounters = {
    received: 0,
    passed: 0,
    dropped: { parse_error: 0, sanitize_error: 0, expired_blockhash: 0, duplicate: 0, bad_signature: 0 },
    signaturesVerified: 0,
    signaturesValid: 0,
    returned: 0,
    outputBackpressure: 0,
  };
  private readonly deps: VerifyStageDeps;
  private readonly parsed = new ParsedTransaction();
  private readonly slots = new Int32Array(VERIFY_BATCH_PACKETS_MAX);
  private readonly lengths = new Int32Array(VERIFY_BATCH_PACKETS_MAX);
  private readonly outcome = new Int32Array(VERIFY_BATCH_PACKETS_MAX);
  private readonly detail = new Int32Array(VERIFY_BATCH_PACKETS_MAX);
  private readonly firstSignature = new Int32Array(VERIFY_BATCH_PACKETS_MAX);
  private readonly signatureCount = new Int32Array(VERIFY_BATCH_PACKETS_MAX);
  private readonly lastValidBlockHeight = new Int32Array(VERIFY_BATCH_PACKETS_MAX);
  /** Per packet: the template's cost estimate and low id word (0 without a template), for schedule. */
  private readonly costUnits = new Int32Array(VERIFY_BATCH_PACKETS_MAX);
  private readonly templateId = new Int32Array(VERIFY_BATCH_PACKETS_MAX);
  private readonly lockHint = new LockHint();
  /** A returned transaction's signatures (separate from the batch being gathered). */
  private readonly returnedSignatureOffsets = new Uint32Array(MAX_SIGNATURES_PER_PACKET);
  private readonly returnedPublicKeyOffsets = new Uint32Array(MAX_SIGNATURES_PER_PACKET);
  private readonly signatureOffsets = new Uint32Array(SIGNATURES_PER_BATCH_MAX);
  private readonly publicKeyOffsets = new Uint32Array(SIGNATURES_PER_BATCH_MAX);
  private readonly messageOffsets = new Uint32Array(SIGNATURES_PER_BATCH_MAX);
  private readonly messageLengths = new Uint32Array(SIGNATURES_PER_BATCH_MAX);
  private readonly results = new Uint8Array(SIGNATURES_PER_BATCH_MAX);
  private readonly chainSnapshot = { slot: 0, blockHeight: 0, confirmedSlot: 0, finalizedSlot: 0 };

  constructor(deps: VerifyStageDeps) {
    this.deps = deps;
  }

  /** Processes one batch of the packets available on the input ring; returns how many it took. */
  step(): number {
    const { input, pool, chain, dedup } = this.deps;
    const available = input.available();
    if (available === 0) return 0;
    const packetCount = Math.min(available, VERIFY_BATCH_PACKETS_MAX);
    const blockHeight = chain.snapshot(this.chainSnapshot).blockHeight;
    const parsed = this.parsed;
    let signatureTotal = 0;

    for (let packet = 0; packet < packetCount; packet++) {
      const slot = input.readWord(packet, 0);
      const length = input.readWord(packet, 1);
      this.slots[packet] = slot;
      this.lengths[packet] = length;
      this.outcome[packet] = PENDING;
      this.detail[packet] = 0;
      const bytes = pool.slotBytes(slot);
      if (input.readWord(packet, 3) === INGRESS_ENTRY_RETURNED) {
        this.takeBack(packet, slot, bytes, length);
        continue;
      }
      let code = parseTransactionFrame(bytes, length, parsed);
      if (code !== 0) {
        this.reject(packet, OUTCOME_DROP_PARSE, code);
        continue;
      }
      this.costUnits[packet] = 0;
      this.templateId[packet] = 0;
      const templates = this.deps.templates;
      code = templates === undefined ? sanitizeTransaction(parsed) : templates.check(parsed);
      if (code !== 0) {
        this.reject(packet, OUTCOME_DROP_SANITIZE, code);
        continue;
      }
      const lastValid = chain.lastValidBlockHeight(bytes, parsed.recentBlockhashOffset);
      if (lastValid < 0 || lastValid < blockHeight) {
        this.reject(packet, OUTCOME_DROP_EXPIRED_BLOCKHASH, 0);
        continue;
      }
      this.lastValidBlockHeight[packet] = lastValid;
      if (templates?.fillLockHint(parsed, this.lockHint)) {
        this.costUnits[packet] = this.lockHint.costUnits;
        this.templateId[packet] = this.lockHint.templateIdLo;
      }
      // Only signatures that verified are ever entered, so a hit here is a transaction that ran or will run.
      if (dedup.has(bytes, parsed.signatureOffset(0), blockHeight)) {
        this.reject(packet, OUTCOME_DROP_DUPLICATE, 0);
        continue;
      }
      const count = parsed.signatureCount;
      if (count > MAX_SIGNATURES_PER_PACKET || parsed.numRequiredSignatures !== count) {
        this.reject(packet, OUTCOME_DROP_SANITIZE, TX_HEADER_ACCOUNTS_OUT_OF_RANGE);
        continue;
      }
      const base = pool.slotOffset(slot);
      this.firstSignature[packet] = signatureTotal;
      this.signatureCount[packet] = count;
      for (let index = 0; index < count; index++) {
        this.signatureOffsets[signatureTotal] = base + parsed.signatureOffset(index);
        this.publicKeyOffsets[signatureTotal] = base + parsed.staticKeyOffset(index);
        this.messageOffsets[signatureTotal] = base + parsed.messageOffset;
        this.messageLengths[signatureTotal] = parsed.messageLength;
        signatureTotal++;
      }
    }

    if (signatureTotal > 0) {
      this.counters.signaturesValid += this.deps.verifier.verifyBatch(
        pool.bytes,
        this.signatureOffsets,
        this.publicKeyOffsets,
        this.messageOffsets,
        this.messageLengths,
        signatureTotal,
        this.results,
      );
      this.counters.signaturesVerified += signatureTotal;
    }

    for (let packet = 0; packet < packetCount; packet++) {
      if (this.outcome[packet] !== PENDING) continue;
      const first = this.firstSignature[packet];
      let valid = true;
      for (let index = 0; index < this.signatureCount[packet]; index++) {
        if (this.results[first + index] !== 1) valid = false;
      }
      if (!valid) {
        this.reject(packet, OUTCOME_DROP_BAD_SIGNATURE, 0);
        continue;
      }
      const signatureOffset = this.signatureOffsets[first];
      // A second copy within this same batch is caught here.
      if (!dedup.insert(pool.bytes, signatureOffset, this.lastValidBlockHeight[packet], blockHeight)) {
        this.reject(packet, OUTCOME_DROP_DUPLICATE, 0);
        continue;
      }
      this.outcome[packet] = 0;
    }

    this.forward(packetCount);
    input.release(packetCount);
    this.deps.inputSpaceDoorbell.ring();
    this.counters.received += packetCount;
    return packetCount;
  }

  /**
   * A transaction that verified, reached the bank and was not included: forget its signature so a retry
   * can run, and (trading cache) remember its verdicts so the retry is not verified again. The slot
   * still holds exactly the bytes that verified; ingress kept it for this.
   */
  private takeBack(packet: number, slot: number, bytes: Uint8Array, length: number): void {
    const parsed = this.parsed;
    this.reject(packet, OUTCOME_SLOT_RETURNED, 0);
    this.counters.returned++;
    if (parseTransactionFrame(bytes, length, parsed) !== 0) return;
    this.deps.dedup.forget(bytes, parsed.signatureOffset(0));
    const verdicts = this.deps.verdicts;
    const count = parsed.signatureCount;
    if (verdicts === undefined || count > MAX_SIGNATURES_PER_PACKET) return;
    const base = this.deps.pool.slotOffset(slot);
    for (let index = 0; index < count; index++) {
      this.returnedSignatureOffsets[index] = base + parsed.signatureOffset(index);
      this.returnedPublicKeyOffsets[index] = base + parsed.staticKeyOffset(index);
    }
    verdicts.remember(
      this.deps.pool.bytes,
      this.returnedSignatureOffsets,
      this.returnedPublicKeyOffsets,
      base + parsed.messageOffset,
      parsed.messageLength,
      count,
    );
  }

  private reject(packet: number, outcomeCode: number, detailCode: number): void {
    this.outcome[packet] = outcomeCode;
    this.detail[packet] = detailCode;
  }

  private forward(packetCount: number): void {
    const { output, outcomes, pool } = this.deps;
    let passed = 0;
    let rejected = 0;
    const nowNs = pool.clock.nowNs();
    for (let packet = 0; packet < packetCount; packet++) {
      const slot = this.slots[packet];
      const outcomeCode = this.outcome[packet];
      if (outcomeCode === 0) {
        if (output.freeSlots() === 0) {
          if (passed > 0) {
            this.deps.scheduleDoorbell.ring();
            passed = 0;
          }
          this.counters.outputBackpressure++;
          while (waitForFreeSlots(output, this.deps.outputSpaceDoorbell, 1) < 1) {
            // Back-pressure: schedule is behind; keep waiting (bounded parks re-check).
          }
        }
        this.deps.prefetchHints?.offerTransaction(pool.slotBytes(slot), this.lengths[packet]);
        output.tryPush(slot, this.lengths[packet], this.costUnits[packet], this.templateId[packet]);
        passed++;
        this.counters.passed++;
      } else {
        if (!tryPush6(outcomes, slot, outcomeCode, 0, 0, 0, this.detail[packet])) {
          throw new Error(
            `verify: outcome ring full (capacity ${outcomes.capacity}) — a slot was returned twice`,
          );
        }
        rejected++;
        if (outcomeCode === OUTCOME_SLOT_RETURNED) continue; // not a packet of this pass: no metrics
        this.countDrop(outcomeCode);
      }
      this.deps.onPacket?.(outcomeCode, (nowNs - pool.arrivalNs[slot]) / 1e9);
    }
    if (passed > 0) this.deps.scheduleDoorbell.ring();
    if (rejected > 0) this.deps.ingressDoorbell.ring();
  }

  private countDrop(outcomeCode: number): void {
    const dropped = this.counters.dropped;
    if (outcomeCode === OUTCOME_DROP_PARSE) dropped.parse_error++;
    else if (outcomeCode === OUTCOME_DROP_SANITIZE) dropped.sanitize_error++;
    else if (outcomeCode === OUTCOME_DROP_EXPIRED_BLOCKHASH) dropped.expired_blockhash++;
    else if (outcomeCode === OUTCOME_DROP_DUPLICATE) dropped.duplicate++;
    else if (outcomeCode === OUTCOME_DROP_BAD_SIGNATURE) dropped.bad_signature++;
  }
}
