// Entry point of the strict ed25519 verifiers: createVerifier() picks the native libsodium batch
// verifier when liboutrider.so is loaded, else the node:crypto fallback, and says which and why.
import { defaultNativeLibrary, type NativeLibrary } from "../native/library.ts";
import { FallbackEd25519Verifier } from "./ed25519-fallback.ts";
import { NativeEd25519Verifier } from "./ed25519-native.ts";
import type { Ed25519Verifier, Ed25519VerifierKind } from "./ed25519-verifier.ts";

export {
  ED25519_BATCH_INVALID,
  ED25519_BATCH_OUT_OF_BOUNDS,
  ED25519_INPUT_LENGTH,
  ED25519_NATIVE_FAILED,
  ED25519_NATIVE_UNAVAILABLE,
} from "./ed25519-errors.ts";
export { FallbackEd25519Verifier } from "./ed25519-fallback.ts";
export { NativeEd25519Verifier } from "./ed25519-native.ts";
export {
  createEd25519BatchOffsets,
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  type Ed25519BatchOffsets,
  type Ed25519Verifier,
  type Ed25519VerifierKind,
} from "./ed25519-verifier.ts";

export interface VerifierChoice {
  verifier: Ed25519Verifier;
  kind: Ed25519VerifierKind;
  /** Why the fallback was chosen (absent for the native verifier). */
  reason?: string;
}

export interface CreateVerifierOptions {
  /** "auto" (default): native when available. "fallback": always node:crypto. "native": throw if absent. */
  prefer?: "auto" | "native" | "fallback";
  library?: NativeLibrary;
}

export function createVerifier(options: CreateVerifierOptions = {}): VerifierChoice {
  const library = options.library ?? defaultNativeLibrary;
  const prefer = options.prefer ?? "auto";
  if (prefer === "fallback") {
    return {
      verifier: new FallbackEd25519Verifier(),
      kind: "fallback-node-crypto",
      reason: "fallback requested",
    };
  }
  if (library.available || prefer === "native") {
    return { verifier: new NativeEd25519Verifier(library), kind: "native-libsodium" };
  }
  return {
    verifier: new FallbackEd25519Verifier(),
    kind: "fallback-node-crypto",
    reason: `native library unavailable: ${library.reason}`,
  };
}
