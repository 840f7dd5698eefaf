// Stable error codes of the trading account cache and its trace tools (6100–6199, bank/accounts domain).
import { ERROR_DOMAINS, type ErrorContext, OutriderError } from "../errors.ts";

const BASE = ERROR_DOMAINS.bank + 100;

export const ACCOUNT_ERRORS = {
  /** A cache option (capacity, entry bound, fraction) is out of range. */
  CACHE_BAD_OPTION: BASE + 1,
  /** An address slice is not 32 bytes long inside its buffer. */
  ADDRESS_BAD_LENGTH: BASE + 2,
  /** An account data length is not an integer in 0..10 MiB. */
  DATA_BYTES_INVALID: BASE + 3,
  /** A slot is not a non-negative safe integer. */
  SLOT_INVALID: BASE + 4,
  /** A trace file line is not `<base58 address> [size]`. */
  TRACE_BAD_LINE: BASE + 10,
  /** A trace file is larger than the simulator accepts. */
  TRACE_TOO_LARGE: BASE + 11,
  /** A trace file cannot be read. */
  TRACE_UNREADABLE: BASE + 12,
  /** The trace recorder was used after close(). */
  TRACE_RECORDER_CLOSED: BASE + 13,
} as const;

export type AccountErrorName = keyof typeof ACCOUNT_ERRORS;

export function accountError(
  name: AccountErrorName,
  message: string,
  context: ErrorContext = {},
): OutriderError {
  return new OutriderError(ACCOUNT_ERRORS[name], name, message, context);
}
