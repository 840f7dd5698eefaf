// Native ed25519 verifier: libsodium's crypto_sign_verify_detached through liboutrider.so, one FFI
// call per batch (the loop runs in C). Works on any Uint8Array, SharedArrayBuffer-backed included.
import { OutriderError } from "../errors.ts";
import { defaultNativeLibrary, type NativeLibrary, type NativeSymbols } from "../native/library.ts";
import { ED25519_NATIVE_FAILED, ED25519_NATIVE_UNAVAILABLE } from "./ed25519-errors.ts";
import { assertBatchInBounds, assertSingleInputLengths, type Ed25519Verifier } from "./ed25519-verifier.ts";

function nativeFailed(rc: number): OutriderError {
  return new OutriderError(
    ED25519_NATIVE_FAILED,
    "ED25519_NATIVE_FAILED",
    `native ed25519 verify returned ${rc}`,
    {
      rc,
    },
  );
}

export class NativeEd25519Verifier implements Ed25519Verifier {
  readonly kind = "native-libsodium" as const;
  private readonly verifyBatchSymbol: NativeSymbols["outrider_ed25519_verify_batch"];
  private readonly verifyOneSymbol: NativeSymbols["outrider_ed25519_verify_one"];

  /** Throws OutriderError 4404 when the native library is not loaded. */
  constructor(library: NativeLibrary = defaultNativeLibrary) {
    if (!library.available) {
      throw new OutriderError(
        ED25519_NATIVE_UNAVAILABLE,
        "ED25519_NATIVE_UNAVAILABLE",
        `native ed25519 unavailable: ${library.reason}`,
      );
    }
    this.verifyBatchSymbol = library.symbols.outrider_ed25519_verify_batch;
    this.verifyOneSymbol = library.symbols.outrider_ed25519_verify_one;
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
    if (count === 0) return 0;
    const validCount = this.verifyBatchSymbol(
      buffer,
      signatureOffsets,
      publicKeyOffsets,
      messageOffsets,
      messageLengths,
      count,
      results,
    );
    if (validCount < 0) throw nativeFailed(validCount);
    return validCount;
  }

  verify(signature: Uint8Array, publicKey: Uint8Array, message: Uint8Array): boolean {
    assertSingleInputLengths(signature, publicKey);
    // bun:ffi cannot take a pointer to an empty view; libsodium accepts NULL with length 0.
    const rc = this.verifyOneSymbol(
      signature,
      publicKey,
      message.length === 0 ? null : message,
      message.length,
    );
    if (rc < 0) throw nativeFailed(rc);
    return rc === 1;
  }
}
