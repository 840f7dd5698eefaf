// The embedded bank: a real SVM (litesvm) behind a one-validator cluster's slot clock. Executes batches of
// raw wire transactions and answers each with the scheduler-bindings ExecutionResponse plus a
// TransactionResult. Keeps its own window of recent blockhashes (litesvm only accepts its latest one, so
// its own check is switched off), its own signature dedup over that window (AlreadyProcessed), block and
// per-account cost limits, and a faucet. Knows nothing of HTTP.

import { createHash, randomBytes } from "node:crypto";
import { type Address, getAddressEncoder, getBase58Encoder } from "@solana/kit";
import { Account, Clock, EpochSchedule, FailedTransactionMetadata, LiteSvm } from "litesvm/dist/internal";
import { isOutriderError } from "../errors.ts";
import { base58Encode } from "../tx/base58.ts";
import {
  BANK_AIRDROP_REJECTED,
  BANK_BATCH_TOO_LARGE,
  BANK_CONFIG_INVALID,
  BANK_TX_UNSUPPORTED_VERSION,
  bankError,
} from "./bank-errors.ts";
import { BlockhashWindow, MAX_PROCESSING_AGE_SLOTS } from "./blockhash-window.ts";
import { Faucet } from "./faucet.ts";
import {
  computeBudgetRequest,
  LAMPORTS_PER_SIGNATURE,
  MAX_BLOCK_UNITS,
  MAX_WRITABLE_ACCOUNT_UNITS,
  transactionCostUnits,
  transactionFee,
} from "./fee-and-cost.ts";
import { lookupWritableAddresses } from "./lookup-writes.ts";
import {
  type ExecutionResponse,
  MAX_TRANSACTIONS_PER_MESSAGE,
  NOT_INCLUDED_REASONS,
  PROCESSED_CODES,
} from "./scheduler-bindings.ts";
import { type SlotTiming, slotLengths } from "./slot-timing.ts";
import {
  notIncludedReasonFor,
  type TransactionErrorJson,
  transactionErrorToJson,
} from "./transaction-error.ts";
import {
  blockhashBytes,
  firstSignatureBytes,
  isStaticKeyWritable,
  staticKeyBytes,
  viewWireTransaction,
  type WireTransactionView,
} from "./wire-view.ts";

/** Slots between a slot's end (confirmed) and its root (finalized) in this one-validator cluster. */
export const FINALIZATION_DEPTH_SLOTS = 32;
export const DEFAULT_SLOT_MS = 400;
export const DEFAULT_SLOTS_PER_EPOCH = 432_000;
export const LOG_LINES_MAX = 200;

export type Commitment = "processed" | "confirmed" | "finalized";

export interface EmbeddedBankConfig {
  /** Slot length; 0 = slots only advance through advanceSlot(). */
  slotMs: number;
  blockhashMaxAgeSlots: number;
  sigverify: boolean;
  faucetLamports: bigint;
  airdropLamportsMax: bigint;
  slotsPerEpoch: number;
  /** Cap on signatures remembered for AlreadyProcessed (they also expire with their blockhash). */
  processedSignaturesMax: number;
  /** "adverse": slots run late, end early or are skipped, from slotTimingSeed (slot-timing.ts). */
  slotTiming: SlotTiming;
  slotTimingSeed: number;
  /**
   * Salt of this bank's blockhash chain (see bootSalt); null (default) = random per start. Fixed only
   * where two banks must run in lockstep on the same signed transactions (tests).
   */
  blockhashSalt: Uint8Array | null;
}

export const DEFAULT_BANK_CONFIG: EmbeddedBankConfig = {
  slotMs: DEFAULT_SLOT_MS,
  blockhashMaxAgeSlots: MAX_PROCESSING_AGE_SLOTS,
  sigverify: true,
  faucetLamports: 500_000_000n * 1_000_000_000n,
  airdropLamportsMax: 1_000_000n * 1_000_000_000n,
  slotsPerEpoch: DEFAULT_SLOTS_PER_EPOCH,
  processedSignaturesMax: 1_000_000,
  slotTiming: "steady",
  slotTimingSeed: 1,
  blockhashSalt: null,
};

/** A batch handed from schedule to bank: raw wire bytes (may be views into a shared buffer). */
export interface TransactionBatch {
  /** Maximum working slot (PackToWorkerMessage.max_working_slot). */
  slot: number;
  transactions: Uint8Array[];
  /**
   * True when every transaction's signatures were already verified upstream (the pipeline's verify
   * stage, as Agave's sigverify stage does before banking): the runtime does not check them again.
   * Precompile instructions (ed25519, secp256k1, secp256r1) still run. Default false.
   */
  signaturesVerified?: boolean;
}

export interface TransactionResult {
  /** Base58 first signature ("" when the bytes are too malformed to hold one). */
  signature: string;
  slot: number;
  included: boolean;
  notIncludedReason: number;
  err: TransactionErrorJson | null;
  feeLamports: bigint;
  computeUnitsConsumed: number;
  costUnits: number;
  logs: string[];
  /** Base58 addresses this transaction could have written (static writable keys), when included. */
  writableAddresses: string[];
  /** Writable accounts it loaded through address lookup tables (resolved from the tables), when included. */
  lookupWritableAddresses: string[];
}

export interface BatchOutcome {
  processedCode: number;
  responses: ExecutionResponse[];
  results: TransactionResult[];
}

export interface AccountSnapshot {
  lamports: bigint;
  data: Uint8Array;
  owner: string;
  executable: boolean;
  rentEpoch: bigint;
}

export interface SimulationOutcome {
  slot: number;
  err: TransactionErrorJson | null;
  logs: string[];
  unitsConsumed: number;
  feeLamports: bigint | null;
  returnData: { programId: string; data: Uint8Array } | null;
  replacementBlockhash: { blockhash: string; lastValidBlockHeight: number } | null;
}

export interface SlotEvent {
  slot: number;
  parent: number;
  confirmedSlot: number;
  root: number;
}

// Signatures, blockhashes and addresses of every executed transaction go to base58 through Outrider's
// own codec (src/tx/base58.ts): @solana/kit's goes through BigInt and costs far more per transaction.
const base58 = { decode: (bytes: Uint8Array): string => base58Encode(bytes) };
const base58Bytes = getBase58Encoder();
const addressDecoder = { decode: (bytes: Uint8Array) => base58Encode(bytes) as Address };
const addressEncoder = getAddressEncoder();

export class EmbeddedBank {
  readonly config: EmbeddedBankConfig;
  readonly genesisHash: string;
  readonly faucet = new Faucet();
  private readonly svm: LiteSvm;
  private readonly window: BlockhashWindow;
  private currentSlot = 1;
  private transactionCount = 0;
  private readonly genesisUnixTimestampSec = Math.floor(Date.now() / 1000);
  /** signature → slot of the blockhash it used (to expire it with that blockhash). */
  private readonly processedSignatures = new Map<string, number>();
  private readonly processedBySlot = new Map<number, string[]>();
  private blockCostUnits = 0;
  private readonly accountCostUnits = new Map<string, number>();
  private readonly slotListeners = new Set<(event: SlotEvent) => void>();
  private clock: ReturnType<typeof setTimeout> | null = null;
  /**
   * litesvm's blockhash chain is the same at every start (a fixed genesis hash, then a hash of the
   * previous one), so a transaction signed before a restart would find its blockhash valid again once
   * the new chain reaches that slot, and execute twice. The bank publishes its own chain instead: each
   * of litesvm's hashes mixed with this start's random salt (litesvm's own check is off).
   */
  private readonly bootSalt: Uint8Array;

  constructor(config: Partial<EmbeddedBankConfig> = {}) {
    this.config = { ...DEFAULT_BANK_CONFIG, ...config };
    this.bootSalt = this.config.blockhashSalt ?? randomBytes(32);
    if (!(this.config.slotMs >= 0) || !(this.config.blockhashMaxAgeSlots >= 1)) {
      throw bankError(
        BANK_CONFIG_INVALID,
        "BANK_CONFIG_INVALID",
        "slotMs must be >= 0, blockhashMaxAgeSlots >= 1",
      );
    }
    this.svm = new LiteSvm();
    this.svm.setBlockhashCheck(false);
    this.svm.setTransactionHistory(0n);
    this.svm.setSigverify(this.config.sigverify);
    const slotsPerEpoch = BigInt(this.config.slotsPerEpoch);
    this.svm.setEpochSchedule(new EpochSchedule(slotsPerEpoch, slotsPerEpoch, false, 0n, 0n));
    this.genesisHash = this.saltedBlockhash();
    this.window = new BlockhashWindow(this.config.blockhashMaxAgeSlots);
    this.window.push(0, this.genesisHash);
    this.svm.setAccount(
      this.faucet.publicKey,
      new Account(this.config.faucetLamports, new Uint8Array(0), new Uint8Array(32), false, 0n),
    );
    this.startSlot(1);
  }

  /** litesvm's current blockhash, salted with this start's random salt (see bootSalt). */
  private saltedBlockhash(): string {
    const digest = createHash("sha256")
      .update(this.bootSalt)
      .update(base58Bytes.encode(this.svm.latestBlockhash()) as Uint8Array)
      .digest();
    return base58.decode(new Uint8Array(digest));
  }

  /** Starts the slot clock (no-op when slotMs is 0). */
  start(): void {
    if (this.clock !== null || this.config.slotMs === 0) return;
    if (this.config.slotTiming === "steady") {
      this.clock = setInterval(() => this.advanceSlot(), this.config.slotMs);
      return;
    }
    const nextLengthMs = slotLengths(this.config.slotTiming, this.config.slotMs, this.config.slotTimingSeed);
    const endSlot = () => {
      this.advanceSlot();
      let lengthMs = nextLengthMs();
      // A skipped slot gets no time at all: it ends as it starts.
      while (lengthMs === 0) {
        this.advanceSlot();
        lengthMs = nextLengthMs();
      }
      this.clock = setTimeout(endSlot, lengthMs);
    };
    this.clock = setTimeout(endSlot, nextLengthMs() || this.config.slotMs);
  }

  stop(): void {
    if (this.clock !== null) clearTimeout(this.clock);
    this.clock = null;
  }

  get slot(): number {
    return this.currentSlot;
  }
  get confirmedSlot(): number {
    return this.currentSlot - 1;
  }
  get finalizedSlot(): number {
    return Math.max(0, this.confirmedSlot - FINALIZATION_DEPTH_SLOTS);
  }
  get processedTransactionCount(): number {
    return this.transactionCount;
  }
  get processedSignatureCount(): number {
    return this.processedSignatures.size;
  }
  get blockhashWindowSize(): number {
    return this.window.size;
  }

  slotAt(commitment: Commitment): number {
    if (commitment === "processed") return this.slot;
    return commitment === "confirmed" ? this.confirmedSlot : this.finalizedSlot;
  }

  /** Block height equals slot: this cluster skips no slots and genesis is height 0. */
  blockHeightAt(commitment: Commitment): number {
    return this.slotAt(commitment);
  }

  onSlot(listener: (event: SlotEvent) => void): () => void {
    this.slotListeners.add(listener);
    return () => this.slotListeners.delete(listener);
  }

  /** Ends the current slot and starts the next one with a new blockhash. */
  advanceSlot(): SlotEvent {
    const parent = this.currentSlot;
    this.startSlot(parent + 1);
    const event = {
      slot: this.currentSlot,
      parent,
      confirmedSlot: this.confirmedSlot,
      root: this.finalizedSlot,
    };
    for (const listener of this.slotListeners) listener(event);
    return event;
  }

  private startSlot(slot: number): void {
    this.currentSlot = slot;
    this.svm.expireBlockhash();
    this.window.push(slot, this.saltedBlockhash());
    const epoch = Math.floor(slot / this.config.slotsPerEpoch);
    const unixTimestampSec = this.genesisUnixTimestampSec + Math.floor((slot * this.config.slotMs) / 1000);
    this.svm.setClock(
      new Clock(
        BigInt(slot),
        BigInt(this.genesisUnixTimestampSec),
        BigInt(epoch),
        BigInt(epoch + 1),
        BigInt(unixTimestampSec),
      ),
    );
    this.blockCostUnits = 0;
    this.accountCostUnits.clear();
    const expiredBlockhashSlot = slot - this.config.blockhashMaxAgeSlots - 1;
    for (const [bucketSlot, signatures] of this.processedBySlot) {
      if (bucketSlot > expiredBlockhashSlot) continue;
      for (const signature of signatures) this.processedSignatures.delete(signature);
      this.processedBySlot.delete(bucketSlot);
    }
  }

  latestBlockhash(commitment: Commitment = "processed"): {
    blockhash: string;
    slot: number;
    lastValidBlockHeight: number;
  } {
    const found = this.window.newestAtOrBefore(this.slotAt(commitment))!;
    return { ...found, lastValidBlockHeight: found.slot + this.config.blockhashMaxAgeSlots };
  }

  isBlockhashValid(blockhash: string): boolean {
    return this.window.slotOf(blockhash, this.currentSlot) !== null;
  }

  /** The whole window of usable blockhashes, oldest first (for publishing to other threads). */
  recentBlockhashes(): { blockhash: string; slot: number; lastValidBlockHeight: number }[] {
    return this.window
      .entries()
      .map((entry) => ({ ...entry, lastValidBlockHeight: entry.slot + this.config.blockhashMaxAgeSlots }));
  }

  lastValidBlockHeightOf(blockhash: string): number | null {
    const slot = this.window.slotOf(blockhash, this.currentSlot);
    return slot === null ? null : slot + this.config.blockhashMaxAgeSlots;
  }

  epochInfo(commitment: Commitment) {
    const absoluteSlot = this.slotAt(commitment);
    const slotsInEpoch = this.config.slotsPerEpoch;
    return {
      absoluteSlot,
      blockHeight: this.blockHeightAt(commitment),
      epoch: Math.floor(absoluteSlot / slotsInEpoch),
      slotIndex: absoluteSlot % slotsInEpoch,
      slotsInEpoch,
      transactionCount: this.transactionCount,
    };
  }

  minimumBalanceForRentExemption(dataLengthBytes: number): bigint {
    return this.svm.minimumBalanceForRentExemption(BigInt(dataLengthBytes));
  }

  /** Fee the runtime would charge for this message (wire bytes of a message, not a transaction). */
  feeForMessage(messageBytes: Uint8Array): bigint | null {
    const [signatureCount] = [messageBytes[0]! & 0x80 ? messageBytes[1]! : messageBytes[0]!];
    const wire = new Uint8Array(1 + 64 * signatureCount + messageBytes.length);
    wire[0] = signatureCount;
    wire.set(messageBytes, 1 + 64 * signatureCount);
    try {
      const view = viewWireTransaction(wire);
      if (!this.isBlockhashValid(base58.decode(blockhashBytes(view)))) return null;
      return transactionFee(view, LAMPORTS_PER_SIGNATURE).totalFeeLamports;
    } catch {
      return null;
    }
  }

  getAccount(address: string): AccountSnapshot | null {
    const account = this.svm.getAccount(addressEncoder.encode(address as never) as Uint8Array);
    if (account === null) return null;
    if (account.lamports() === 0n) return null;
    return {
      lamports: account.lamports(),
      data: account.data(),
      owner: addressDecoder.decode(account.owner()),
      executable: account.executable(),
      rentEpoch: account.rentEpoch(),
    };
  }

  getBalance(address: string): bigint {
    return this.svm.getBalance(addressEncoder.encode(address as never) as Uint8Array) ?? 0n;
  }

  /** Executes a batch as Agave's workers do for a PackToWorkerMessage with the EXECUTE flag. */
  executeBatchWithResults(batch: TransactionBatch): BatchOutcome {
    if (batch.transactions.length > MAX_TRANSACTIONS_PER_MESSAGE) {
      throw bankError(
        BANK_BATCH_TOO_LARGE,
        "BANK_BATCH_TOO_LARGE",
        `batch has ${batch.transactions.length} transactions, more than ${MAX_TRANSACTIONS_PER_MESSAGE}`,
      );
    }
    const responses: ExecutionResponse[] = [];
    const results: TransactionResult[] = [];
    const slotExceeded = this.currentSlot > batch.slot;
    const skipSigverify = batch.signaturesVerified === true && this.config.sigverify;
    if (skipSigverify) this.svm.setSigverify(false);
    try {
      for (const bytes of batch.transactions) {
        const result = slotExceeded
          ? this.notIncluded(this.signatureOrEmpty(bytes), NOT_INCLUDED_REASONS.BANK_NOT_AVAILABLE, null)
          : this.executeOne(bytes);
        results.push(result);
        responses.push({
          not_included_reason: result.notIncludedReason,
          cost_units: result.included ? BigInt(result.costUnits) : 0n,
          fee_payer_balance: result.included ? this.feePayerBalanceOf(bytes) : 0n,
        });
      }
    } finally {
      if (skipSigverify) this.svm.setSigverify(true);
    }
    return {
      processedCode: slotExceeded ? PROCESSED_CODES.MAX_WORKING_SLOT_EXCEEDED : PROCESSED_CODES.PROCESSED,
      responses,
      results,
    };
  }

  executeBatch(batch: TransactionBatch): ExecutionResponse[] {
    return this.executeBatchWithResults(batch).responses;
  }

  /** Sends lamports from the faucet; returns the airdrop transaction's result. */
  airdrop(recipient: string, lamports: bigint): TransactionResult {
    if (lamports <= 0n || lamports > this.config.airdropLamportsMax) {
      throw bankError(
        BANK_AIRDROP_REJECTED,
        "BANK_AIRDROP_REJECTED",
        `airdrop of ${lamports} lamports is outside 1..${this.config.airdropLamportsMax}`,
      );
    }
    const wire = this.faucet.buildAirdrop(recipient, lamports, this.latestBlockhash().blockhash);
    return this.executeBatchWithResults({ slot: this.currentSlot, transactions: [wire] }).results[0]!;
  }

  simulate(
    bytes: Uint8Array,
    options: { sigVerify: boolean; replaceRecentBlockhash: boolean },
  ): SimulationOutcome {
    const view = viewWireTransaction(bytes);
    const base = {
      slot: this.currentSlot,
      logs: [],
      unitsConsumed: 0,
      returnData: null,
      replacementBlockhash: null,
    };
    const signature = base58.decode(firstSignatureBytes(view));
    if (!options.replaceRecentBlockhash && !this.isBlockhashValid(base58.decode(blockhashBytes(view)))) {
      return { ...base, err: "BlockhashNotFound", feeLamports: null };
    }
    if (this.processedSignatures.has(signature))
      return { ...base, err: "AlreadyProcessed", feeLamports: null };
    const previousSigverify = this.svm.getSigverify();
    this.svm.setSigverify(options.sigVerify);
    let outcome: ReturnType<LiteSvm["simulateVersionedTransaction"]>;
    try {
      outcome = this.svm.simulateVersionedTransaction(bytes);
    } finally {
      this.svm.setSigverify(previousSigverify);
    }
    const failed = outcome instanceof FailedTransactionMetadata;
    const meta = outcome.meta();
    const simulatedErr =
      outcome instanceof FailedTransactionMetadata ? transactionErrorToJson(outcome.err()) : null;
    const returnData = meta.returnData();
    const returnBytes = returnData.data();
    const latest = this.latestBlockhash();
    return {
      slot: this.currentSlot,
      err: failed ? simulatedErr : null,
      logs: meta.logs().slice(0, LOG_LINES_MAX),
      unitsConsumed: Number(meta.computeUnitsConsumed()),
      feeLamports: transactionFee(view).totalFeeLamports,
      returnData:
        returnBytes.length > 0
          ? { programId: addressDecoder.decode(returnData.programId()), data: returnBytes }
          : null,
      replacementBlockhash: options.replaceRecentBlockhash
        ? { blockhash: latest.blockhash, lastValidBlockHeight: latest.lastValidBlockHeight }
        : null,
    };
  }

  private signatureOrEmpty(bytes: Uint8Array): string {
    return bytes.length >= 65 && bytes[0]! > 0 ? base58.decode(bytes.subarray(1, 65)) : "";
  }

  private notIncluded(
    signature: string,
    reason: number,
    err: TransactionErrorJson | null,
  ): TransactionResult {
    return {
      signature,
      slot: this.currentSlot,
      included: false,
      notIncludedReason: reason,
      err,
      feeLamports: 0n,
      computeUnitsConsumed: 0,
      costUnits: 0,
      logs: [],
      writableAddresses: [],
      lookupWritableAddresses: [],
    };
  }

  private feePayerBalanceOf(bytes: Uint8Array): bigint {
    const view = viewWireTransaction(bytes);
    return this.svm.getBalance(staticKeyBytes(view, 0)) ?? 0n;
  }

  private executeOne(bytes: Uint8Array): TransactionResult {
    let view: WireTransactionView;
    try {
      view = viewWireTransaction(bytes);
    } catch (error) {
      const unsupported = isOutriderError(error, BANK_TX_UNSUPPORTED_VERSION);
      return this.notIncluded(
        this.signatureOrEmpty(bytes),
        unsupported ? NOT_INCLUDED_REASONS.UNSUPPORTED_VERSION : NOT_INCLUDED_REASONS.SANITIZE_FAILURE,
        unsupported ? "UnsupportedVersion" : "SanitizeFailure",
      );
    }
    const signature = base58.decode(firstSignatureBytes(view));
    const blockhashSlot = this.window.slotOf(base58.decode(blockhashBytes(view)), this.currentSlot);
    if (blockhashSlot === null) {
      return this.notIncluded(signature, NOT_INCLUDED_REASONS.BLOCKHASH_NOT_FOUND, "BlockhashNotFound");
    }
    if (this.processedSignatures.has(signature)) {
      return this.notIncluded(signature, NOT_INCLUDED_REASONS.ALREADY_PROCESSED, "AlreadyProcessed");
    }
    if (this.processedSignatures.size >= this.config.processedSignaturesMax) {
      return this.notIncluded(signature, NOT_INCLUDED_REASONS.BANK_NOT_AVAILABLE, null);
    }
    const estimatedCostUnits = transactionCostUnits(view, computeBudgetRequest(view).computeUnitLimit);
    if (this.blockCostUnits + estimatedCostUnits > MAX_BLOCK_UNITS) {
      return this.notIncluded(
        signature,
        NOT_INCLUDED_REASONS.WOULD_EXCEED_MAX_BLOCK_COST_LIMIT,
        "WouldExceedMaxBlockCostLimit",
      );
    }
    const writableAddresses: string[] = [];
    for (let index = 0; index < view.staticKeyCount; index++) {
      if (isStaticKeyWritable(view, index))
        writableAddresses.push(addressDecoder.decode(staticKeyBytes(view, index)));
    }
    for (const address of writableAddresses) {
      if ((this.accountCostUnits.get(address) ?? 0) + estimatedCostUnits > MAX_WRITABLE_ACCOUNT_UNITS) {
        return this.notIncluded(
          signature,
          NOT_INCLUDED_REASONS.WOULD_EXCEED_MAX_ACCOUNT_COST_LIMIT,
          "WouldExceedMaxAccountCostLimit",
        );
      }
    }
    const feePayer = staticKeyBytes(view, 0);
    const balanceBefore = this.svm.getBalance(feePayer) ?? 0n;
    let outcome: ReturnType<LiteSvm["sendVersionedTransaction"]>;
    try {
      outcome = this.svm.sendVersionedTransaction(bytes);
    } catch {
      return this.notIncluded(signature, NOT_INCLUDED_REASONS.SANITIZE_FAILURE, "SanitizeFailure");
    }
    const failed = outcome instanceof FailedTransactionMetadata;
    const err = outcome instanceof FailedTransactionMetadata ? transactionErrorToJson(outcome.err()) : null;
    const balanceAfter = this.svm.getBalance(feePayer) ?? 0n;
    // A failed transaction is in the block exactly when the runtime charged its fee.
    if (failed && balanceAfter >= balanceBefore)
      return this.notIncluded(signature, notIncludedReasonFor(err!), err);
    const meta = outcome instanceof FailedTransactionMetadata ? outcome.meta() : outcome;
    const computeUnitsConsumed = Number(meta.computeUnitsConsumed());
    const costUnits = transactionCostUnits(view, computeUnitsConsumed);
    this.blockCostUnits += costUnits;
    for (const address of writableAddresses) {
      this.accountCostUnits.set(address, (this.accountCostUnits.get(address) ?? 0) + costUnits);
    }
    this.processedSignatures.set(signature, blockhashSlot);
    let bucket = this.processedBySlot.get(blockhashSlot);
    if (bucket === undefined) {
      bucket = [];
      this.processedBySlot.set(blockhashSlot, bucket);
    }
    bucket.push(signature);
    this.transactionCount += 1;
    return {
      signature,
      slot: this.currentSlot,
      included: true,
      notIncludedReason: NOT_INCLUDED_REASONS.NONE,
      err,
      feeLamports: failed ? balanceBefore - balanceAfter : transactionFee(view).totalFeeLamports,
      computeUnitsConsumed,
      costUnits,
      logs: meta.logs().slice(0, LOG_LINES_MAX),
      writableAddresses,
      lookupWritableAddresses:
        view.lookupWritableCount === 0
          ? []
          : lookupWritableAddresses(bytes, (address) => this.getAccount(address)?.data ?? null),
    };
  }
}
