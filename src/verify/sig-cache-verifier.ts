// CachedBatchVerifier: a BatchSignatureVerifier (the verify stage's interface) that answers signatures
// found in a SignatureCache without verifying them, sends every other signature to the inner strict
// verifier in ONE batch call, and enters only the VALID verdicts into the cache. Each signature's
// message hash (Solana's BLAKE3 message hash) is computed at most once per distinct message of the
// batch — consecutive entries with the same message range share it, as a multi-signature transaction's
// signatures do — and only when needed: for a signature the cache may hold, or for one that just
// verified valid. All batch state is preallocated; verifyBatch allocates nothing.

import { OutriderError } from "../errors.ts";
import { MAX_SIGNATURES_PER_PACKET } from "../tx/limits.ts";
import { messageHashInto } from "../tx/message-hash.ts";
import { assertBatchInBounds } from "./ed25519-verifier.ts";
import { SIG_CACHE_CONFIG_INVALID, SIG_CACHE_HASH_BYTES, type SignatureCache } from "./sig-cache.ts";

/** The verify stage's batch limit: 64 packets × the most signatures a packet can carry. */
export const CACHED_VERIFIER_DEFAULT_BATCH_SIGNATURES = 64 * MAX_SIGNATURES_PER_PACKET;

/** Anything with the verify stage's verifyBatch shape (Ed25519Verifier returns a count; the stage ignores it). */
export interface InnerBatchVerifier {
  verifyBatch(
    bytes: Uint8Array,
    signatureOffsets: Uint32Array,
    publicKeyOffsets: Uint32Array,
    messageOffsets: Uint32Array,
    messageLengths: Uint32Array,
    count: number,
    results: Uint8Array,
  ): unknown;
}

export interface CachedVerifierCounters {
  /** Signatures answered from the cache. */
  signaturesHit: number;
  /** Signatures sent to the inner verifier. */
  signaturesVerified: number;
  /** Message hashes computed. */
  messagesHashed: number;
  /** Calls made to the inner verifier (at most one per verifyBatch). */
  innerCalls: number;
}

/** Bytes of batch scratch a CachedBatchVerifier of this batch size preallocates. */
export function cachedVerifierScratchBytes(batchSignaturesMax: number): number {
  return batchSignaturesMax * (4 + 1 + SIG_CACHE_HASH_BYTES + 4 + 4 * 4 + 1) + SIG_CACHE_HASH_BYTES;
}

const HASH_NOT_READY = 0;
const HASH_READY = 1;

export class CachedBatchVerifier {
  readonly counters: CachedVerifierCounters = {
    signaturesHit: 0,
    signaturesVerified: 0,
    messagesHashed: 0,
    innerCalls: 0,
  };
  readonly batchSignaturesMax: number;
  private readonly inner: InnerBatchVerifier;
  private readonly cache: SignatureCache;
  /** Per batch entry: index of its message's hash slot. */
  private readonly hashSlotOf: Int32Array;
  private readonly hashState: Uint8Array;
  private readonly hashes: Uint8Array;
  private readonly missIndex: Int32Array;
  private readonly missSignatureOffsets: Uint32Array;
  private readonly missPublicKeyOffsets: Uint32Array;
  private readonly missMessageOffsets: Uint32Array;
  private readonly missMessageLengths: Uint32Array;
  private readonly missResults: Uint8Array;

  /**
   * "every-valid": each signature that verifies valid is entered (hashing its message).
   * "on-request": nothing is entered by verifyBatch; the caller enters verdicts with remember() for
   * the transactions likely to come again — the verify stage does so for transactions the bank did
   * not include, the ones a bot retries — so the common path pays no hash and no insert.
   */
  readonly admission: "every-valid" | "on-request";
  private readonly rememberHash = new Uint8Array(SIG_CACHE_HASH_BYTES);

  constructor(
    inner: InnerBatchVerifier,
    cache: SignatureCache,
    batchSignaturesMax = CACHED_VERIFIER_DEFAULT_BATCH_SIGNATURES,
    admission: "every-valid" | "on-request" = "every-valid",
  ) {
    this.admission = admission;
    if (!Number.isInteger(batchSignaturesMax) || batchSignaturesMax < 1 || batchSignaturesMax > 1 << 16) {
      throw new OutriderError(
        SIG_CACHE_CONFIG_INVALID,
        "SIG_CACHE_CONFIG_INVALID",
        `cached verifier batchSignaturesMax must be an integer in [1, 65536], got ${batchSignaturesMax}`,
        { batchSignaturesMax },
      );
    }
    this.inner = inner;
    this.cache = cache;
    this.batchSignaturesMax = batchSignaturesMax;
    this.hashSlotOf = new Int32Array(batchSignaturesMax);
    this.hashState = new Uint8Array(batchSignaturesMax);
    this.hashes = new Uint8Array(batchSignaturesMax * SIG_CACHE_HASH_BYTES);
    this.missIndex = new Int32Array(batchSignaturesMax);
    this.missSignatureOffsets = new Uint32Array(batchSignaturesMax);
    this.missPublicKeyOffsets = new Uint32Array(batchSignaturesMax);
    this.missMessageOffsets = new Uint32Array(batchSignaturesMax);
    this.missMessageLengths = new Uint32Array(batchSignaturesMax);
    this.missResults = new Uint8Array(batchSignaturesMax);
  }

  /** Bytes of the preallocated batch scratch (the cache reports its own). */
  get bytesHeld(): number {
    return cachedVerifierScratchBytes(this.batchSignaturesMax);
  }

  private ensureHash(
    bytes: Uint8Array,
    messageOffsets: Uint32Array,
    messageLengths: Uint32Array,
    entry: number,
  ) {
    const slot = this.hashSlotOf[entry];
    if (this.hashState[slot] === HASH_READY) return slot;
    messageHashInto(
      bytes,
      messageOffsets[entry],
      messageLengths[entry],
      this.hashes,
      slot * SIG_CACHE_HASH_BYTES,
    );
    this.hashState[slot] = HASH_READY;
    this.counters.messagesHashed++;
    return slot;
  }

  /**
   * Same contract as Ed25519Verifier.verifyBatch: results[i] = 1 when signature i is valid, else 0;
   * returns the number valid. Throws (4401/4402, as the strict verifiers do) before any verdict when the
   * batch description is malformed, and SIG_CACHE_CONFIG_INVALID when count exceeds batchSignaturesMax.
   */
  verifyBatch(
    bytes: Uint8Array,
    signatureOffsets: Uint32Array,
    publicKeyOffsets: Uint32Array,
    messageOffsets: Uint32Array,
    messageLengths: Uint32Array,
    count: number,
    results: Uint8Array,
  ): number {
    assertBatchInBounds(
      bytes,
      signatureOffsets,
      publicKeyOffsets,
      messageOffsets,
      messageLengths,
      count,
      results,
    );
    if (count > this.batchSignaturesMax) {
      throw new OutriderError(
        SIG_CACHE_CONFIG_INVALID,
        "SIG_CACHE_CONFIG_INVALID",
        `cached verifier batch of ${count} signatures exceeds its batchSignaturesMax ${this.batchSignaturesMax}`,
        { count, batchSignaturesMax: this.batchSignaturesMax },
      );
    }
    const cache = this.cache;
    // Pass 1: share one hash slot among consecutive entries over the same message range.
    let slots = 0;
    for (let entry = 0; entry < count; entry++) {
      if (
        entry > 0 &&
        messageOffsets[entry] === messageOffsets[entry - 1] &&
        messageLengths[entry] === messageLengths[entry - 1]
      ) {
        this.hashSlotOf[entry] = this.hashSlotOf[entry - 1];
      } else {
        this.hashSlotOf[entry] = slots;
        this.hashState[slots] = HASH_NOT_READY;
        slots++;
      }
    }
    // Pass 2: answer hits; gather misses.
    let missCount = 0;
    let validCount = 0;
    for (let entry = 0; entry < count; entry++) {
      const signatureOffset = signatureOffsets[entry];
      let hit = false;
      if (cache.mayContainSignature(bytes, signatureOffset)) {
        const slot = this.ensureHash(bytes, messageOffsets, messageLengths, entry);
        hit = cache.lookup(
          bytes,
          signatureOffset,
          publicKeyOffsets[entry],
          this.hashes,
          slot * SIG_CACHE_HASH_BYTES,
        );
      } else {
        cache.noteMiss();
      }
      if (hit) {
        results[entry] = 1;
        validCount++;
        continue;
      }
      this.missIndex[missCount] = entry;
      this.missSignatureOffsets[missCount] = signatureOffset;
      this.missPublicKeyOffsets[missCount] = publicKeyOffsets[entry];
      this.missMessageOffsets[missCount] = messageOffsets[entry];
      this.missMessageLengths[missCount] = messageLengths[entry];
      missCount++;
    }
    this.counters.signaturesHit += count - missCount;
    if (missCount === 0) return validCount;
    // Pass 3: one inner call for all misses; enter the valid ones.
    this.missResults.fill(0, 0, missCount);
    this.inner.verifyBatch(
      bytes,
      this.missSignatureOffsets,
      this.missPublicKeyOffsets,
      this.missMessageOffsets,
      this.missMessageLengths,
      missCount,
      this.missResults,
    );
    this.counters.innerCalls++;
    this.counters.signaturesVerified += missCount;
    for (let miss = 0; miss < missCount; miss++) {
      const entry = this.missIndex[miss];
      const valid = this.missResults[miss] === 1;
      results[entry] = valid ? 1 : 0;
      if (!valid) continue;
      validCount++;
      if (this.admission === "on-request") continue;
      const slot = this.ensureHash(bytes, messageOffsets, messageLengths, entry);
      cache.insert(
        bytes,
        signatureOffsets[entry],
        publicKeyOffsets[entry],
        this.hashes,
        slot * SIG_CACHE_HASH_BYTES,
      );
    }
    return validCount;
  }

  /**
   * Enters verdicts the strict verifier already gave: `count` signatures (with their public keys) over
   * ONE message, all of which verified valid over exactly these bytes. Hashes the message once.
   */
  remember(
    bytes: Uint8Array,
    signatureOffsets: Uint32Array,
    publicKeyOffsets: Uint32Array,
    messageOffset: number,
    messageLength: number,
    count: number,
  ): void {
    messageHashInto(bytes, messageOffset, messageLength, this.rememberHash, 0);
    this.counters.messagesHashed++;
    for (let index = 0; index < count; index++) {
      this.cache.insert(bytes, signatureOffsets[index], publicKeyOffsets[index], this.rememberHash, 0);
    }
  }
}
