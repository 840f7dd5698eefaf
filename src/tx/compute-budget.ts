// Compute-budget instructions and fees, as current Agave computes them (compute-budget-instruction
// crate, solana-fee): SetComputeUnitLimit / SetComputeUnitPrice / RequestHeapFrame /
// SetLoadedAccountsDataSizeLimit (borsh, trailing bytes allowed; duplicates and bad data rejected),
// the default limit (200,000 CU per non-builtin instruction, 3,000 per builtin, SIMD-0170), the cap
// 1,400,000, the priority fee ceil(price × limit / 10^6) and 5,000 lamports per signature, precompile
// signatures included. Results go into the ParsedTransaction; allocates nothing.
import {
  TX_COMPUTE_BUDGET_DUPLICATE,
  TX_COMPUTE_BUDGET_INVALID_DATA,
  TX_COMPUTE_BUDGET_INVALID_HEAP_FRAME,
  TX_COMPUTE_BUDGET_ZERO_LOADED_ACCOUNTS_DATA_SIZE,
  TX_OK,
} from "./errors.ts";
import type { ParsedTransaction } from "./parsed-transaction.ts";
import {
  COMPUTE_BUDGET_PROGRAM_ID,
  ED25519_PROGRAM_ID,
  isBuiltinProgramKey,
  keyEquals,
  SECP256K1_PROGRAM_ID,
  SECP256R1_PROGRAM_ID,
} from "./program-ids.ts";

export const LAMPORTS_PER_SIGNATURE = 5_000;
export const MICRO_LAMPORTS_PER_LAMPORT = 1_000_000;
export const DEFAULT_INSTRUCTION_COMPUTE_UNIT_LIMIT = 200_000;
export const MAX_BUILTIN_ALLOCATION_COMPUTE_UNIT_LIMIT = 3_000;
export const MAX_COMPUTE_UNIT_LIMIT = 1_400_000;
export const MIN_HEAP_FRAME_BYTES = 32 * 1024;
export const MAX_HEAP_FRAME_BYTES = 256 * 1024;
export const HEAP_FRAME_GRANULARITY_BYTES = 1024;
export const MAX_LOADED_ACCOUNTS_DATA_SIZE_BYTES = 64 * 1024 * 1024;
/** u64::MAX as the nearest double (2^64); fees saturate there, as in Agave. */
export const U64_MAX_NUMBER = 2 ** 64;

// ComputeBudgetInstruction borsh discriminants.
export const CB_REQUEST_HEAP_FRAME = 1;
export const CB_SET_COMPUTE_UNIT_LIMIT = 2;
export const CB_SET_COMPUTE_UNIT_PRICE = 3;
export const CB_SET_LOADED_ACCOUNTS_DATA_SIZE_LIMIT = 4;

const TWO_POW_32 = 0x100000000;

function readU32(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0
  );
}

function fail(out: ParsedTransaction, code: number, absoluteOffset: number): number {
  out.errorCode = code;
  out.errorOffset = absoluteOffset - out.txOffset;
  return code;
}

/**
 * ceil(priceMicroLamports × limit / 10^6) with price = hi·2^32 + lo (u64) and limit ≤ 1.4M, exact while
 * the result is below 2^53; saturates at u64::MAX.
 */
export function priorityFeeLamports(priceHi: number, priceLo: number, computeUnitLimit: number): number {
  const highProduct = priceHi * computeUnitLimit; // < 2^53
  const lowProduct = priceLo * computeUnitLimit; // < 2^53
  const highQuotient = Math.floor(highProduct / MICRO_LAMPORTS_PER_LAMPORT);
  const highRemainder = highProduct - highQuotient * MICRO_LAMPORTS_PER_LAMPORT;
  const lowQuotient = Math.floor(lowProduct / MICRO_LAMPORTS_PER_LAMPORT);
  const lowRemainder = lowProduct - lowQuotient * MICRO_LAMPORTS_PER_LAMPORT;
  const rest = highRemainder * TWO_POW_32 + lowRemainder; // < 2^52 + 2^20: exact
  const restQuotient = Math.floor(rest / MICRO_LAMPORTS_PER_LAMPORT);
  const roundUp = rest - restQuotient * MICRO_LAMPORTS_PER_LAMPORT > 0 ? 1 : 0;
  const fee = highQuotient * TWO_POW_32 + lowQuotient + restQuotient + roundUp;
  return fee > U64_MAX_NUMBER ? U64_MAX_NUMBER : fee;
}

/** Reads compute-budget instructions and computes limits and fees of a sanitized transaction. */
export function readComputeBudget(out: ParsedTransaction): number {
  const bytes = out.bytes;
  let limitRequested = -1;
  let priceRequested = false;
  let priceLo = 0;
  let priceHi = 0;
  let heapRequested = -1;
  let heapDataOffset = 0;
  let loadedRequested = -1;
  let loadedDataOffset = 0;
  let nonBuiltinCount = 0;
  let builtinCount = 0;
  let precompileSignatures = 0;

  for (let instruction = 0; instruction < out.instructionCount; instruction++) {
    const programKeyOffset = out.staticKeyOffset(out.ixProgramIdIndex[instruction]);
    const dataOffset = out.ixDataOffset[instruction];
    const dataLength = out.ixDataLength[instruction];
    if (!isBuiltinProgramKey(bytes, programKeyOffset)) {
      nonBuiltinCount++;
      if (dataLength > 0 && keyEquals(bytes, programKeyOffset, SECP256R1_PROGRAM_ID)) {
        precompileSignatures += bytes[dataOffset];
      }
      continue;
    }
    builtinCount++;
    if (
      dataLength > 0 &&
      (keyEquals(bytes, programKeyOffset, ED25519_PROGRAM_ID) ||
        keyEquals(bytes, programKeyOffset, SECP256K1_PROGRAM_ID))
    ) {
      precompileSignatures += bytes[dataOffset];
      continue;
    }
    if (!keyEquals(bytes, programKeyOffset, COMPUTE_BUDGET_PROGRAM_ID)) continue;
    const discriminant = dataLength > 0 ? bytes[dataOffset] : 0;
    if (discriminant === CB_SET_COMPUTE_UNIT_PRICE) {
      if (dataLength < 9) return fail(out, TX_COMPUTE_BUDGET_INVALID_DATA, dataOffset);
      if (priceRequested) return fail(out, TX_COMPUTE_BUDGET_DUPLICATE, dataOffset);
      priceRequested = true;
      priceLo = readU32(bytes, dataOffset + 1);
      priceHi = readU32(bytes, dataOffset + 5);
    } else if (
      discriminant === CB_SET_COMPUTE_UNIT_LIMIT ||
      discriminant === CB_REQUEST_HEAP_FRAME ||
      discriminant === CB_SET_LOADED_ACCOUNTS_DATA_SIZE_LIMIT
    ) {
      if (dataLength < 5) return fail(out, TX_COMPUTE_BUDGET_INVALID_DATA, dataOffset);
      const value = readU32(bytes, dataOffset + 1);
      if (discriminant === CB_SET_COMPUTE_UNIT_LIMIT) {
        if (limitRequested >= 0) return fail(out, TX_COMPUTE_BUDGET_DUPLICATE, dataOffset);
        limitRequested = value;
      } else if (discriminant === CB_REQUEST_HEAP_FRAME) {
        if (heapRequested >= 0) return fail(out, TX_COMPUTE_BUDGET_DUPLICATE, dataOffset);
        heapRequested = value;
        heapDataOffset = dataOffset;
      } else {
        if (loadedRequested >= 0) return fail(out, TX_COMPUTE_BUDGET_DUPLICATE, dataOffset);
        loadedRequested = value;
        loadedDataOffset = dataOffset;
      }
    } else {
      // Empty data, the retired discriminant 0, or an unknown one.
      return fail(out, TX_COMPUTE_BUDGET_INVALID_DATA, dataOffset);
    }
  }

  if (
    heapRequested >= 0 &&
    (heapRequested < MIN_HEAP_FRAME_BYTES ||
      heapRequested > MAX_HEAP_FRAME_BYTES ||
      heapRequested % HEAP_FRAME_GRANULARITY_BYTES !== 0)
  ) {
    return fail(out, TX_COMPUTE_BUDGET_INVALID_HEAP_FRAME, heapDataOffset);
  }
  if (loadedRequested === 0)
    return fail(out, TX_COMPUTE_BUDGET_ZERO_LOADED_ACCOUNTS_DATA_SIZE, loadedDataOffset);

  out.computeUnitLimitRequested = limitRequested;
  out.computeUnitPriceRequested = priceRequested;
  out.computeUnitPriceLo = priceLo;
  out.computeUnitPriceHi = priceHi;
  out.heapFrameBytesRequested = heapRequested;
  out.loadedAccountsDataSizeLimitRequested = loadedRequested;
  const defaultLimit =
    builtinCount * MAX_BUILTIN_ALLOCATION_COMPUTE_UNIT_LIMIT +
    nonBuiltinCount * DEFAULT_INSTRUCTION_COMPUTE_UNIT_LIMIT;
  out.computeUnitLimit = Math.min(
    limitRequested >= 0 ? limitRequested : defaultLimit,
    MAX_COMPUTE_UNIT_LIMIT,
  );
  out.heapFrameBytes = heapRequested >= 0 ? heapRequested : MIN_HEAP_FRAME_BYTES;
  out.loadedAccountsDataSizeLimit = Math.min(
    loadedRequested >= 0 ? loadedRequested : MAX_LOADED_ACCOUNTS_DATA_SIZE_BYTES,
    MAX_LOADED_ACCOUNTS_DATA_SIZE_BYTES,
  );
  out.precompileSignatureCount = precompileSignatures;
  out.feeSignatureCount = out.signatureCount + precompileSignatures;
  out.baseFeeLamports = out.feeSignatureCount * LAMPORTS_PER_SIGNATURE;
  out.priorityFeeLamports = priorityFeeLamports(priceHi, priceLo, out.computeUnitLimit);
  const total = out.baseFeeLamports + out.priorityFeeLamports;
  out.totalFeeLamports = total > U64_MAX_NUMBER ? U64_MAX_NUMBER : total;
  return TX_OK;
}
