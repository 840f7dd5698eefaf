// Stable 2xxx codes for every reason a transaction is rejected while parsing, sanitizing or reading its
// compute budget, with a one-line description each, and the conversion to OutriderError for reporting.
import { ERROR_DOMAINS, OutriderError } from "../errors.ts";

const BASE = ERROR_DOMAINS.tx;

export const TX_OK = 0;
export const TX_BAD_BOUNDS = BASE + 1;
export const TX_TOO_LARGE = BASE + 2;
export const TX_TRUNCATED = BASE + 3;
export const TX_TRAILING_BYTES = BASE + 4;
export const TX_COMPACT_U16_NON_MINIMAL = BASE + 5;
export const TX_COMPACT_U16_OVERFLOW = BASE + 6;
export const TX_UNSUPPORTED_VERSION = BASE + 7;
export const TX_HEADER_ACCOUNTS_OUT_OF_RANGE = BASE + 8;
export const TX_NO_WRITABLE_FEE_PAYER = BASE + 9;
export const TX_EMPTY_ADDRESS_TABLE_LOOKUP = BASE + 10;
export const TX_TOO_MANY_ACCOUNT_KEYS = BASE + 11;
export const TX_PROGRAM_ID_OUT_OF_RANGE = BASE + 12;
export const TX_PROGRAM_ID_IS_FEE_PAYER = BASE + 13;
export const TX_ACCOUNT_INDEX_OUT_OF_RANGE = BASE + 14;
export const TX_SIGNATURE_COUNT_MISMATCH = BASE + 15;
export const TX_TOO_MANY_ACCOUNT_LOCKS = BASE + 16;
export const TX_DUPLICATE_ACCOUNT_KEY = BASE + 17;
export const TX_COMPUTE_BUDGET_INVALID_DATA = BASE + 18;
export const TX_COMPUTE_BUDGET_DUPLICATE = BASE + 19;
export const TX_COMPUTE_BUDGET_INVALID_HEAP_FRAME = BASE + 20;
export const TX_COMPUTE_BUDGET_ZERO_LOADED_ACCOUNTS_DATA_SIZE = BASE + 21;
export const TX_INPUT_INVALID_ENCODING = BASE + 22;
export const TX_ENCODE_INVALID_FIELD = BASE + 23;

export interface TxErrorInfo {
  name: string;
  description: string;
}

/** code → stable name → one-line description. The docs table in docs/tx-decode.md mirrors this. */
export const TX_ERROR_TABLE: ReadonlyMap<number, TxErrorInfo> = new Map([
  [TX_BAD_BOUNDS, info("TX_BAD_BOUNDS", "offset/length do not lie inside the given byte buffer")],
  [TX_TOO_LARGE, info("TX_TOO_LARGE", "transaction is longer than the 1232-byte packet limit")],
  [TX_TRUNCATED, info("TX_TRUNCATED", "transaction ends before the field that starts at the offset")],
  [TX_TRAILING_BYTES, info("TX_TRAILING_BYTES", "bytes remain after the end of the message")],
  [
    TX_COMPACT_U16_NON_MINIMAL,
    info("TX_COMPACT_U16_NON_MINIMAL", "compact-u16 length has a redundant zero byte"),
  ],
  [TX_COMPACT_U16_OVERFLOW, info("TX_COMPACT_U16_OVERFLOW", "compact-u16 length exceeds 0xffff or 3 bytes")],
  [TX_UNSUPPORTED_VERSION, info("TX_UNSUPPORTED_VERSION", "versioned message with a version other than 0")],
  [
    TX_HEADER_ACCOUNTS_OUT_OF_RANGE,
    info(
      "TX_HEADER_ACCOUNTS_OUT_OF_RANGE",
      "header counts more signers plus readonly-unsigned keys than keys",
    ),
  ],
  [
    TX_NO_WRITABLE_FEE_PAYER,
    info("TX_NO_WRITABLE_FEE_PAYER", "every signer is readonly: no writable fee payer"),
  ],
  [
    TX_EMPTY_ADDRESS_TABLE_LOOKUP,
    info(
      "TX_EMPTY_ADDRESS_TABLE_LOOKUP",
      "address-table lookup loads no account (no writable or readonly index)",
    ),
  ],
  [
    TX_TOO_MANY_ACCOUNT_KEYS,
    info("TX_TOO_MANY_ACCOUNT_KEYS", "static plus looked-up account keys exceed 256"),
  ],
  [
    TX_PROGRAM_ID_OUT_OF_RANGE,
    info("TX_PROGRAM_ID_OUT_OF_RANGE", "program id index is not a static account key"),
  ],
  [TX_PROGRAM_ID_IS_FEE_PAYER, info("TX_PROGRAM_ID_IS_FEE_PAYER", "program id index is 0, the fee payer")],
  [
    TX_ACCOUNT_INDEX_OUT_OF_RANGE,
    info("TX_ACCOUNT_INDEX_OUT_OF_RANGE", "instruction account index is beyond the message's account keys"),
  ],
  [
    TX_SIGNATURE_COUNT_MISMATCH,
    info("TX_SIGNATURE_COUNT_MISMATCH", "number of signatures differs from header num_required_signatures"),
  ],
  [TX_TOO_MANY_ACCOUNT_LOCKS, info("TX_TOO_MANY_ACCOUNT_LOCKS", "transaction locks more than 64 accounts")],
  [TX_DUPLICATE_ACCOUNT_KEY, info("TX_DUPLICATE_ACCOUNT_KEY", "a static account key appears twice")],
  [
    TX_COMPUTE_BUDGET_INVALID_DATA,
    info("TX_COMPUTE_BUDGET_INVALID_DATA", "compute-budget instruction data does not decode"),
  ],
  [
    TX_COMPUTE_BUDGET_DUPLICATE,
    info("TX_COMPUTE_BUDGET_DUPLICATE", "the same compute-budget instruction appears twice"),
  ],
  [
    TX_COMPUTE_BUDGET_INVALID_HEAP_FRAME,
    info("TX_COMPUTE_BUDGET_INVALID_HEAP_FRAME", "heap frame not a multiple of 1024 in 32 KiB..256 KiB"),
  ],
  [
    TX_COMPUTE_BUDGET_ZERO_LOADED_ACCOUNTS_DATA_SIZE,
    info("TX_COMPUTE_BUDGET_ZERO_LOADED_ACCOUNTS_DATA_SIZE", "loaded-accounts data size limit of 0"),
  ],
  [TX_INPUT_INVALID_ENCODING, info("TX_INPUT_INVALID_ENCODING", "input text is not valid base64 / base58")],
  [
    TX_ENCODE_INVALID_FIELD,
    info("TX_ENCODE_INVALID_FIELD", "a field of the transaction to serialize is invalid"),
  ],
]);

function info(name: string, description: string): TxErrorInfo {
  return { name, description };
}

/** Stable name of a tx error code ("TX_UNKNOWN" for a code not in the table). */
export function txErrorName(code: number): string {
  return TX_ERROR_TABLE.get(code)?.name ?? "TX_UNKNOWN";
}

/** Builds the reportable error for a parse/sanitize result code at a byte offset (allocation allowed here). */
export function txErrorToOutriderError(code: number, offset: number): OutriderError {
  const entry = TX_ERROR_TABLE.get(code);
  const name = entry?.name ?? "TX_UNKNOWN";
  const description = entry?.description ?? `unknown transaction error code ${code}`;
  return new OutriderError(code, name, `${description} (at byte ${offset})`, { offset });
}
