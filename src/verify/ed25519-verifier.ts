// The Ed25519Verifier contract shared by the native (libsodium) and fallback (node:crypto) verifiers,
// and the batch description both take: one buffer (e.g. the shared packet pool) plus, per signature,
// the offsets of its 64-byte signature, 32-byte public key and message. Verdicts follow Agave's
// ed25519 verify_strict. Batch arrays are preallocated by the caller and reused; nothing here
// allocates per signature.
import { OutriderError } from "../errors.ts";
import {
  ED25519_BATCH_INVALID,
  ED25519_BATCH_OUT_OF_BOUNDS,
  ED25519_INPUT_LENGTH,
} from "./ed25519-errors.ts";

export const ED25519_SIGNATURE_BYTES = 64;
export const ED25519_PUBLIC_KEY_BYTES = 32;

export type Ed25519VerifierKind = "native-libsodium" | "fallback-node-crypto";

/** Preallocated offset arrays into one buffer; entry i describes signature i. Lengths ≥ the batch count. */
export interface Ed25519BatchOffsets {
  signatureOffsets: Uint32Array;
  publicKeyOffsets: Uint32Array;
  messageOffsets: Uint32Array;
  messageLengths: Uint32Array;
}

export interface Ed25519Verifier {
  readonly kind: Ed25519VerifierKind;
  /**
   * Verifies signatures 0..count-1 of the batch; writes results[i] = 1 (valid) or 0 (invalid) and
   * returns how many are valid. Throws OutriderError (4401/4402) only when the batch description is
   * malformed (count too large, a range outside the buffer), before verifying anything.
   */
  verifyBatch(
    buffer: Uint8Array,
    signatureOffsets: Uint32Array,
    publicKeyOffsets: Uint32Array,
    messageOffsets: Uint32Array,
    messageLengths: Uint32Array,
    count: number,
    results: Uint8Array,
  ): number;
  /** One signature. Throws OutriderError 4403 unless signature is 64 bytes and publicKey 32. */
  verify(signature: Uint8Array, publicKey: Uint8Array, message: Uint8Array): boolean;
}

/** Preallocated batch arrays for up to capacity signatures. */
export function createEd25519BatchOffsets(capacity: number): Ed25519BatchOffsets {
  if (!Number.isInteger(capacity) || capacity < 0) {
    throw new OutriderError(
      ED25519_BATCH_INVALID,
      "ED25519_BATCH_INVALID",
      `batch capacity ${capacity} invalid`,
    );
  }
  return {
    signatureOffsets: new Uint32Array(capacity),
    publicKeyOffsets: new Uint32Array(capacity),
    messageOffsets: new Uint32Array(capacity),
    messageLengths: new Uint32Array(capacity),
  };
}

/** Checks count against the arrays and every range against the buffer; throws before any verdict. */
export function assertBatchInBounds(
  buffer: Uint8Array,
  signatureOffsets: Uint32Array,
  publicKeyOffsets: Uint32Array,
  messageOffsets: Uint32Array,
  messageLengths: Uint32Array,
  count: number,
  results: Uint8Array,
): void {
  const capacity = Math.min(
    signatureOffsets.length,
    publicKeyOffsets.length,
    messageOffsets.length,
    messageLengths.length,
    results.length,
  );
  if (!Number.isInteger(count) || count < 0 || count > capacity) {
    throw new OutriderError(
      ED25519_BATCH_INVALID,
      "ED25519_BATCH_INVALID",
      `batch count ${count} must be an integer in [0, ${capacity}] (the shortest offset/result array)`,
      { count, capacity },
    );
  }
  const bufferBytes = buffer.length;
  for (let index = 0; index < count; index++) {
    const signatureEnd = signatureOffsets[index] + ED25519_SIGNATURE_BYTES;
    const publicKeyEnd = publicKeyOffsets[index] + ED25519_PUBLIC_KEY_BYTES;
    const messageEnd = messageOffsets[index] + messageLengths[index];
    if (signatureEnd > bufferBytes || publicKeyEnd > bufferBytes || messageEnd > bufferBytes) {
      throw new OutriderError(
        ED25519_BATCH_OUT_OF_BOUNDS,
        "ED25519_BATCH_OUT_OF_BOUNDS",
        `batch entry ${index} reaches past the ${bufferBytes}-byte buffer`,
        { index, bufferBytes, signatureEnd, publicKeyEnd, messageEnd },
      );
    }
  }
}

export function assertSingleInputLengths(signature: Uint8Array, publicKey: Uint8Array): void {
  if (signature.length !== ED25519_SIGNATURE_BYTES || publicKey.length !== ED25519_PUBLIC_KEY_BYTES) {
    throw new OutriderError(
      ED25519_INPUT_LENGTH,
      "ED25519_INPUT_LENGTH",
      `ed25519 needs a 64-byte signature and a 32-byte public key, got ${signature.length} and ${publicKey.length}`,
      { signatureBytes: signature.length, publicKeyBytes: publicKey.length },
    );
  }
}
