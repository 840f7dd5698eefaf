// parseTransaction: the one call the hot path makes per packet — wire parse, Agave's sanitize rules and
// the compute budget / fee, all into a reusable ParsedTransaction, allocating nothing.

import { readComputeBudget } from "./compute-budget.ts";
import { TX_OK } from "./errors.ts";
import { parseTransactionWire } from "./parse-wire.ts";
import type { ParsedTransaction } from "./parsed-transaction.ts";
import { sanitizeTransaction } from "./sanitize.ts";

/**
 * Parses and checks the transaction in bytes[offset, offset+length) (bytes may be a view over a shared
 * packet pool). Returns 0 on success or a tx error code; on error `out.errorCode` is the code and
 * `out.errorOffset` the byte offset relative to `offset` where it was found.
 */
export function parseTransaction(
  bytes: Uint8Array,
  offset: number,
  length: number,
  out: ParsedTransaction,
): number {
  const wireCode = parseTransactionWire(bytes, offset, length, out);
  if (wireCode !== TX_OK) return wireCode;
  const sanitizeCode = sanitizeTransaction(out);
  if (sanitizeCode !== TX_OK) return sanitizeCode;
  return readComputeBudget(out);
}

/**
 * Wire parse only (no sanitize, no compute budget) of a transaction that starts at bytes[0]; the verify
 * stage calls sanitizeTransaction itself afterwards.
 */
export function parseTransactionFrame(bytes: Uint8Array, length: number, out: ParsedTransaction): number {
  return parseTransactionWire(bytes, 0, length, out);
}
