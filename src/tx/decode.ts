// Decoding to a plain object (allocation allowed: CLI, tests, tooling): a ParsedTransaction's offsets
// turned into base58 strings and index arrays, in the DecodedTransaction shape.
import { base58Encode } from "./base58.ts";
import { LAMPORTS_PER_SIGNATURE, MAX_COMPUTE_UNIT_LIMIT } from "./compute-budget.ts";
import type { DecodedTransaction } from "./decoded-transaction.ts";
import { txErrorToOutriderError } from "./errors.ts";
import { PUBKEY_BYTES, SIGNATURE_BYTES } from "./limits.ts";
import { parseTransaction } from "./parse.ts";
import { ParsedTransaction, VERSION_V0 } from "./parsed-transaction.ts";

const U64_MAX = (1n << 64n) - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A bigint as a JSON number when exact, else as a decimal string. */
export function jsonInteger(value: bigint): number | string {
  return value <= MAX_SAFE ? Number(value) : value.toString();
}

function indexList(bytes: Uint8Array, offset: number, count: number): number[] {
  return Array.from(bytes.subarray(offset, offset + count));
}

/** Turns a successfully parsed transaction into its DecodedTransaction object. Never throws for one. */
export function decodeParsedTransaction(parsed: ParsedTransaction): DecodedTransaction {
  const bytes = parsed.bytes;
  const signatures: string[] = [];
  for (let index = 0; index < parsed.signatureCount; index++) {
    signatures.push(base58Encode(bytes, parsed.signatureOffset(index), SIGNATURE_BYTES));
  }
  const staticKeys: string[] = [];
  for (let index = 0; index < parsed.staticKeyCount; index++) {
    staticKeys.push(base58Encode(bytes, parsed.staticKeyOffset(index), PUBKEY_BYTES));
  }
  const price = parsed.computeUnitPriceBigInt();
  const limit = BigInt(Math.min(parsed.computeUnitLimit, MAX_COMPUTE_UNIT_LIMIT));
  let priorityLamports = (price * limit + 999_999n) / 1_000_000n;
  if (priorityLamports > U64_MAX) priorityLamports = U64_MAX;
  const baseLamports = BigInt(parsed.feeSignatureCount) * BigInt(LAMPORTS_PER_SIGNATURE);
  let totalLamports = baseLamports + priorityLamports;
  if (totalLamports > U64_MAX) totalLamports = U64_MAX;

  return {
    signatures,
    version: parsed.version === VERSION_V0 ? 0 : "legacy",
    header: {
      numRequiredSignatures: parsed.numRequiredSignatures,
      numReadonlySignedAccounts: parsed.numReadonlySigned,
      numReadonlyUnsignedAccounts: parsed.numReadonlyUnsigned,
    },
    accountKeys: staticKeys.map((pubkey, index) => ({
      pubkey,
      signer: parsed.isSigner(index),
      writable: parsed.isWritable(index),
    })),
    recentBlockhash: base58Encode(bytes, parsed.recentBlockhashOffset, PUBKEY_BYTES),
    instructions: Array.from({ length: parsed.instructionCount }, (_, instruction) => ({
      programId: staticKeys[parsed.programIdIndex(instruction)],
      accounts: indexList(
        bytes,
        parsed.instructionAccountsOffset(instruction),
        parsed.instructionAccountsCount(instruction),
      ),
      data: base58Encode(
        bytes,
        parsed.instructionDataOffset(instruction),
        parsed.instructionDataLength(instruction),
      ),
    })),
    addressTableLookups: Array.from({ length: parsed.lookupCount }, (_, lookup) => ({
      accountKey: base58Encode(bytes, parsed.lookupTableKeyOffset(lookup), PUBKEY_BYTES),
      writableIndexes: indexList(
        bytes,
        parsed.lookupWritableIndexesOffset(lookup),
        parsed.lookupWritableIndexesCount(lookup),
      ),
      readonlyIndexes: indexList(
        bytes,
        parsed.lookupReadonlyIndexesOffset(lookup),
        parsed.lookupReadonlyIndexesCount(lookup),
      ),
    })),
    computeBudget: {
      unitLimit: parsed.computeUnitLimitRequested >= 0 ? parsed.computeUnitLimitRequested : null,
      unitPrice: parsed.computeUnitPriceRequested ? jsonInteger(price) : null,
      heapFrameBytes: parsed.heapFrameBytesRequested >= 0 ? parsed.heapFrameBytesRequested : null,
      loadedAccountsDataSizeLimit:
        parsed.loadedAccountsDataSizeLimitRequested >= 0 ? parsed.loadedAccountsDataSizeLimitRequested : null,
      requestedComputeUnits: parsed.computeUnitLimit,
    },
    fee: {
      signatures: parsed.feeSignatureCount,
      baseLamports: Number(baseLamports),
      priorityLamports: jsonInteger(priorityLamports),
      totalLamports: jsonInteger(totalLamports),
    },
  };
}

/**
 * Parses, checks and decodes one transaction (the whole of `bytes` by default).
 * Throws an OutriderError (2xxx code, context.offset) when it is malformed.
 */
export function decodeTransaction(
  bytes: Uint8Array,
  offset = 0,
  length = bytes.length - offset,
): DecodedTransaction {
  const parsed = new ParsedTransaction();
  const code = parseTransaction(bytes, offset, length, parsed);
  if (code !== 0) throw txErrorToOutriderError(code, parsed.errorOffset);
  return decodeParsedTransaction(parsed);
}
