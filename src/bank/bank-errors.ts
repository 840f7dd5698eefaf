// Error codes of the bank domain (6xxx) and the JSON-RPC domain (8xxx) raised by src/bank and src/server.
// Codes are stable: never reuse or renumber; append new ones.
import { ERROR_DOMAINS, type ErrorContext, OutriderError } from "../errors.ts";

export const BANK_TX_MALFORMED = ERROR_DOMAINS.bank + 1;
export const BANK_TX_TOO_LARGE = ERROR_DOMAINS.bank + 2;
export const BANK_TX_UNSUPPORTED_VERSION = ERROR_DOMAINS.bank + 3;
export const BANK_BATCH_TOO_LARGE = ERROR_DOMAINS.bank + 4;
export const BANK_AIRDROP_REJECTED = ERROR_DOMAINS.bank + 5;
export const BANK_CONFIG_INVALID = ERROR_DOMAINS.bank + 6;

export const RPC_SERVER_BIND_FAILED = ERROR_DOMAINS.rpc + 1;

export function bankError(code: number, codeName: string, message: string, context: ErrorContext = {}) {
  return new OutriderError(code, codeName, message, context);
}
