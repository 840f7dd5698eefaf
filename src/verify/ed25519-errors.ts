// Error codes of the ed25519 verifiers (domain 4xxx of src/errors.ts, block 4400-4419). These are
// caller mistakes (malformed batch descriptions), never verdicts: a bad signature is a 0 result.
import { ERROR_DOMAINS } from "../errors.ts";

/** A batch whose count exceeds its offset arrays or results, or is not a non-negative integer. */
export const ED25519_BATCH_INVALID = ERROR_DOMAINS.verify + 401;
/** A signature, key or message range that lies outside the batch buffer. */
export const ED25519_BATCH_OUT_OF_BOUNDS = ERROR_DOMAINS.verify + 402;
/** verify() given a signature that is not 64 bytes or a public key that is not 32 bytes. */
export const ED25519_INPUT_LENGTH = ERROR_DOMAINS.verify + 403;
/** The native verifier was requested but the native library is not loaded. */
export const ED25519_NATIVE_UNAVAILABLE = ERROR_DOMAINS.verify + 404;
/** The native verifier returned an error code instead of verdicts. */
export const ED25519_NATIVE_FAILED = ERROR_DOMAINS.verify + 405;
