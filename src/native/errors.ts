// Error codes of the native helpers (domain 7xxx of src/errors.ts). Codes never change meaning.
import { ERROR_DOMAINS } from "../errors.ts";

/** A CPU number that is not an integer in [0, CPU_SET_SIZE). */
export const NATIVE_INVALID_CPU = ERROR_DOMAINS.native + 1;
/** An I/O priority class or level outside the kernel's range. */
export const NATIVE_INVALID_IO_PRIORITY = ERROR_DOMAINS.native + 2;
/** A placement request that cannot be planned (bad stage name or instance count). */
export const NATIVE_INVALID_PLACEMENT = ERROR_DOMAINS.native + 3;
/** The native library is required for this operation and is not loaded. */
export const NATIVE_UNAVAILABLE = ERROR_DOMAINS.native + 4;
/** A native call returned an error the caller cannot turn into a verdict. */
export const NATIVE_CALL_FAILED = ERROR_DOMAINS.native + 5;
