// Fallback ed25519 verifier for hosts without the native library: node:crypto (BoringSSL in Bun) plus
// the explicit checks that turn its verdicts into Agave's verify_strict ones. node:crypto alone is
// cofactorless and compares R byte for byte, but accepts small-order A and R (165 of the 914 CCTV
// vectors). Checks, in order: S < L; A and R not small-order (all 14 encodings); A and R canonical
// (y < p) — the last also makes this path agree with libsodium, which refuses non-canonical A.
import { createPublicKey, verify as cryptoVerify, type KeyObject } from "node:crypto";
import { isCanonicalScalar } from "./ed25519-scalar.ts";
import {
  assertBatchInBounds,
  assertSingleInputLengths,
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  type Ed25519Verifier,
} from "./ed25519-verifier.ts";
import { isCanonicalYEncoding, isSmallOrderEncoding } from "./small-order.ts";

/** DER SubjectPublicKeyInfo header for an Ed25519 key (RFC 8410); the 32 key bytes follow. */
const ED25519_SPKI_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

export class FallbackEd25519Verifier implements Ed25519Verifier {
  readonly kind = "fallback-node-crypto" as const;
  /** Reused DER buffer: prefix fixed, key bytes overwritten per signature. */
  private readonly spkiDer = new Uint8Array(ED25519_SPKI_PREFIX.length + ED25519_PUBLIC_KEY_BYTES);

  constructor() {
    this.spkiDer.set(ED25519_SPKI_PREFIX);
  }

  /** The strict verdict for one signature; the three parts may live in the same buffer or in different ones. */
  private verifyParts(
    signatureBytes: Uint8Array,
    signatureOffset: number,
    publicKeyBytes: Uint8Array,
    publicKeyOffset: number,
    messageBytes: Uint8Array,
    messageOffset: number,
    messageLength: number,
  ): boolean {
    // R is the first half of the signature, S the second.
    if (!isCanonicalScalar(signatureBytes, signatureOffset + 32)) return false;
    if (
      isSmallOrderEncoding(publicKeyBytes, publicKeyOffset) ||
      isSmallOrderEncoding(signatureBytes, signatureOffset)
    ) {
      return false;
    }
    if (
      !isCanonicalYEncoding(publicKeyBytes, publicKeyOffset) ||
      !isCanonicalYEncoding(signatureBytes, signatureOffset)
    ) {
      return false;
    }
    const keyStart = ED25519_SPKI_PREFIX.length;
    for (let index = 0; index < ED25519_PUBLIC_KEY_BYTES; index++) {
      this.spkiDer[keyStart + index] = publicKeyBytes[publicKeyOffset + index];
    }
    let publicKey: KeyObject;
    try {
      publicKey = createPublicKey({ key: this.spkiDer as Buffer, format: "der", type: "spki" });
    } catch {
      return false; // not a point on the curve
    }
    try {
      return cryptoVerify(
        null,
        messageBytes.subarray(messageOffset, messageOffset + messageLength),
        publicKey,
        signatureBytes.subarray(signatureOffset, signatureOffset + ED25519_SIGNATURE_BYTES),
      );
    } catch {
      return false;
    }
  }

  verifyBatch(
    buffer: Uint8Array,
    signatureOffsets: Uint32Array,
    publicKeyOffsets: Uint32Array,
    messageOffsets: Uint32Array,
    messageLengths: Uint32Array,
    count: number,
    results: Uint8Array,
  ): number {
    assertBatchInBounds(
      buffer,
      signatureOffsets,
      publicKeyOffsets,
      messageOffsets,
      messageLengths,
      count,
      results,
    );
    let validCount = 0;
    for (let index = 0; index < count; index++) {
      const valid = this.verifyParts(
        buffer,
        signatureOffsets[index],
        buffer,
        publicKeyOffsets[index],
        buffer,
        messageOffsets[index],
        messageLengths[index],
      );
      results[index] = valid ? 1 : 0;
      if (valid) validCount++;
    }
    return validCount;
  }

  verify(signature: Uint8Array, publicKey: Uint8Array, message: Uint8Array): boolean {
    assertSingleInputLengths(signature, publicKey);
    return this.verifyParts(signature, 0, publicKey, 0, message, 0, message.length);
  }
}
