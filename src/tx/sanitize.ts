// The checks Agave applies to a parsed transaction before it is accepted, in Agave's order:
// solana-message Message::sanitize / v0::Message::sanitize, VersionedTransaction::sanitize_signatures,
// then validate_account_locks (MAX_TX_ACCOUNT_LOCKS, duplicate keys). Each failure has its own code
// and the offset of the offending byte. Allocates nothing.
import {
  TX_ACCOUNT_INDEX_OUT_OF_RANGE,
  TX_DUPLICATE_ACCOUNT_KEY,
  TX_EMPTY_ADDRESS_TABLE_LOOKUP,
  TX_HEADER_ACCOUNTS_OUT_OF_RANGE,
  TX_NO_WRITABLE_FEE_PAYER,
  TX_OK,
  TX_PROGRAM_ID_IS_FEE_PAYER,
  TX_PROGRAM_ID_OUT_OF_RANGE,
  TX_SIGNATURE_COUNT_MISMATCH,
  TX_TOO_MANY_ACCOUNT_KEYS,
  TX_TOO_MANY_ACCOUNT_LOCKS,
} from "./errors.ts";
import { MAX_ACCOUNT_KEYS_V0, MAX_TX_ACCOUNT_LOCKS, PUBKEY_BYTES } from "./limits.ts";
import { type ParsedTransaction, VERSION_V0 } from "./parsed-transaction.ts";

function fail(out: ParsedTransaction, code: number, absoluteOffset: number): number {
  out.errorCode = code;
  out.errorOffset = absoluteOffset - out.txOffset;
  return code;
}

/** Applies Agave's sanitize and account-lock rules to a successfully parsed transaction; 0 or a code. */
export function sanitizeTransaction(out: ParsedTransaction): number {
  const bytes = out.bytes;
  const staticKeyCount = out.staticKeyCount;
  const numRequired = out.numRequiredSignatures;

  // Header: signers plus readonly-unsigned keys must fit in the static keys; a writable fee payer must exist.
  if (numRequired + out.numReadonlyUnsigned > staticKeyCount) {
    return fail(out, TX_HEADER_ACCOUNTS_OUT_OF_RANGE, out.headerOffset);
  }
  if (out.numReadonlySigned >= numRequired) return fail(out, TX_NO_WRITABLE_FEE_PAYER, out.headerOffset + 1);

  // Lookups: each must load at least one account; all keys must be addressable by a u8 index.
  if (out.version === VERSION_V0) {
    for (let lookup = 0; lookup < out.lookupCount; lookup++) {
      if (out.lookupWritableCount[lookup] + out.lookupReadonlyCount[lookup] === 0) {
        return fail(out, TX_EMPTY_ADDRESS_TABLE_LOOKUP, out.lookupKeyOffset[lookup]);
      }
    }
    if (out.accountKeyCount > MAX_ACCOUNT_KEYS_V0)
      return fail(out, TX_TOO_MANY_ACCOUNT_KEYS, out.lookupsOffset);
  }

  // Instructions: program ids are static keys other than the fee payer; accounts index any key.
  const accountKeyCount = out.accountKeyCount;
  for (let instruction = 0; instruction < out.instructionCount; instruction++) {
    const programIdIndex = out.ixProgramIdIndex[instruction];
    if (programIdIndex >= staticKeyCount) {
      return fail(out, TX_PROGRAM_ID_OUT_OF_RANGE, out.ixOffset[instruction]);
    }
    if (programIdIndex === 0) return fail(out, TX_PROGRAM_ID_IS_FEE_PAYER, out.ixOffset[instruction]);
    const accountsOffset = out.ixAccountsOffset[instruction];
    const accountsEnd = accountsOffset + out.ixAccountsCount[instruction];
    for (let position = accountsOffset; position < accountsEnd; position++) {
      if (bytes[position] >= accountKeyCount) return fail(out, TX_ACCOUNT_INDEX_OUT_OF_RANGE, position);
    }
  }

  // Signatures: exactly one per required signer (the header check already bounds them by the keys).
  if (out.signatureCount !== numRequired) return fail(out, TX_SIGNATURE_COUNT_MISMATCH, out.txOffset);

  // Account locks: at most 64 keys in all, and no static key twice (looked-up keys need the tables).
  if (accountKeyCount > MAX_TX_ACCOUNT_LOCKS) {
    const where = staticKeyCount > MAX_TX_ACCOUNT_LOCKS ? out.staticKeysOffset : out.lookupsOffset;
    return fail(out, TX_TOO_MANY_ACCOUNT_LOCKS, where);
  }
  const keysOffset = out.staticKeysOffset;
  for (let later = 1; later < staticKeyCount; later++) {
    const laterOffset = keysOffset + later * PUBKEY_BYTES;
    for (let earlier = 0; earlier < later; earlier++) {
      const earlierOffset = keysOffset + earlier * PUBKEY_BYTES;
      let byteIndex = 0;
      while (
        byteIndex < PUBKEY_BYTES &&
        bytes[earlierOffset + byteIndex] === bytes[laterOffset + byteIndex]
      ) {
        byteIndex++;
      }
      if (byteIndex === PUBKEY_BYTES) return fail(out, TX_DUPLICATE_ACCOUNT_KEY, laterOffset);
    }
  }
  return TX_OK;
}
