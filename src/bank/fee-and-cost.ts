// Transaction fee (as the runtime charges it) and cost units (as Agave's cost model counts them) from a
// wire view. Facts: fee = lamports_per_signature × (transaction signatures + precompile signatures)
// + ceil(compute_unit_price µlamports × compute_unit_limit / 1e6); without SetComputeUnitLimit the
// limit is 3,000 per builtin instruction and 200,000 per other instruction (SIMD-0170), capped at
// 1,400,000. Cost units: agave cost-model/src/block_cost_limits.rs and cost_model.rs.
import { getAddressEncoder } from "@solana/kit";
import { staticKeyBytes, type WireTransactionView } from "./wire-view.ts";

export const LAMPORTS_PER_SIGNATURE = 5000n;
export const DEFAULT_INSTRUCTION_COMPUTE_UNIT_LIMIT = 200_000;
export const MAX_BUILTIN_ALLOCATION_COMPUTE_UNIT_LIMIT = 3_000;
export const MAX_COMPUTE_UNIT_LIMIT = 1_400_000;
export const MICRO_LAMPORTS_PER_LAMPORT = 1_000_000n;

export const COMPUTE_UNIT_TO_US_RATIO = 30;
export const SIGNATURE_COST = COMPUTE_UNIT_TO_US_RATIO * 24;
export const SECP256K1_VERIFY_COST = COMPUTE_UNIT_TO_US_RATIO * 223;
export const ED25519_VERIFY_STRICT_COST = COMPUTE_UNIT_TO_US_RATIO * 80;
export const SECP256R1_VERIFY_COST = COMPUTE_UNIT_TO_US_RATIO * 160;
export const WRITE_LOCK_UNITS = COMPUTE_UNIT_TO_US_RATIO * 10;
export const INSTRUCTION_DATA_BYTES_COST = Math.floor(140 / COMPUTE_UNIT_TO_US_RATIO);
/** Block limit after SIMD-0256. */
export const MAX_BLOCK_UNITS = 60_000_000;
export const MAX_WRITABLE_ACCOUNT_UNITS = 24_000_000;
export const ACCOUNT_DATA_COST_PAGE_SIZE_BYTES = 32 * 1024;
export const LOADED_ACCOUNTS_DATA_COST_PER_PAGE = 8;
export const MAX_LOADED_ACCOUNTS_DATA_SIZE_BYTES = 64 * 1024 * 1024;

const addressEncoder = getAddressEncoder();
const keyHex = (address: string) => Buffer.from(addressEncoder.encode(address as never)).toString("hex");

export const COMPUTE_BUDGET_PROGRAM_HEX = keyHex("ComputeBudget111111111111111111111111111111");
const ED25519_PROGRAM_HEX = keyHex("Ed25519SigVerify111111111111111111111111111");
const SECP256K1_PROGRAM_HEX = keyHex("KeccakSecp256k11111111111111111111111111111");
const SECP256R1_PROGRAM_HEX = keyHex("Secp256r1SigVerify1111111111111111111111111");
/** Builtins that are not migrated to on-chain programs (they get the 3,000 CU default allocation). */
const BUILTIN_PROGRAM_HEXES = new Set(
  [
    "11111111111111111111111111111111",
    "ComputeBudget111111111111111111111111111111",
    "Vote111111111111111111111111111111111111111",
    "BPFLoader1111111111111111111111111111111111",
    "BPFLoader2111111111111111111111111111111111",
    "BPFLoaderUpgradeab1e11111111111111111111111",
    "LoaderV411111111111111111111111111111111111",
  ].map(keyHex),
);

export interface ComputeBudgetRequest {
  computeUnitLimit: number;
  computeUnitPriceMicroLamports: bigint;
  loadedAccountsDataSizeLimitBytes: number;
}

function readU32(data: Uint8Array, offset: number): number {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(offset, true);
}
function readU64(data: Uint8Array, offset: number): bigint {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getBigUint64(offset, true);
}

/** Reads SetComputeUnitLimit (2), SetComputeUnitPrice (3), SetLoadedAccountsDataSizeLimit (4). */
export function computeBudgetRequest(view: WireTransactionView): ComputeBudgetRequest {
  let explicitLimit: number | null = null;
  let priceMicroLamports = 0n;
  let loadedLimitBytes = MAX_LOADED_ACCOUNTS_DATA_SIZE_BYTES;
  let defaultLimit = 0;
  for (const instruction of view.instructions) {
    const programHex = Buffer.from(staticKeyBytes(view, instruction.programIdIndex)).toString("hex");
    if (programHex === COMPUTE_BUDGET_PROGRAM_HEX) {
      const data = instruction.data;
      if (data[0] === 2 && data.length === 5) explicitLimit = readU32(data, 1);
      else if (data[0] === 3 && data.length === 9) priceMicroLamports = readU64(data, 1);
      else if (data[0] === 4 && data.length === 5) loadedLimitBytes = readU32(data, 1);
    }
    defaultLimit += BUILTIN_PROGRAM_HEXES.has(programHex)
      ? MAX_BUILTIN_ALLOCATION_COMPUTE_UNIT_LIMIT
      : DEFAULT_INSTRUCTION_COMPUTE_UNIT_LIMIT;
  }
  return {
    computeUnitLimit: Math.min(explicitLimit ?? defaultLimit, MAX_COMPUTE_UNIT_LIMIT),
    computeUnitPriceMicroLamports: priceMicroLamports,
    loadedAccountsDataSizeLimitBytes: Math.min(loadedLimitBytes, MAX_LOADED_ACCOUNTS_DATA_SIZE_BYTES),
  };
}

interface PrecompileSignatures {
  ed25519: number;
  secp256k1: number;
  secp256r1: number;
}

function precompileSignatures(view: WireTransactionView): PrecompileSignatures {
  const counts = { ed25519: 0, secp256k1: 0, secp256r1: 0 };
  for (const instruction of view.instructions) {
    const programHex = Buffer.from(staticKeyBytes(view, instruction.programIdIndex)).toString("hex");
    const signatureCount = instruction.data[0] ?? 0;
    if (programHex === ED25519_PROGRAM_HEX) counts.ed25519 += signatureCount;
    else if (programHex === SECP256K1_PROGRAM_HEX) counts.secp256k1 += signatureCount;
    else if (programHex === SECP256R1_PROGRAM_HEX) counts.secp256r1 += signatureCount;
  }
  return counts;
}

export interface FeeBreakdown {
  signatureFeeLamports: bigint;
  prioritizationFeeLamports: bigint;
  totalFeeLamports: bigint;
}

export function transactionFee(
  view: WireTransactionView,
  lamportsPerSignature: bigint = LAMPORTS_PER_SIGNATURE,
): FeeBreakdown {
  const precompiles = precompileSignatures(view);
  const signatureCount =
    view.signatureCount + precompiles.ed25519 + precompiles.secp256k1 + precompiles.secp256r1;
  const budget = computeBudgetRequest(view);
  const signatureFeeLamports = lamportsPerSignature * BigInt(signatureCount);
  const microLamports = budget.computeUnitPriceMicroLamports * BigInt(budget.computeUnitLimit);
  const prioritizationFeeLamports =
    (microLamports + MICRO_LAMPORTS_PER_LAMPORT - 1n) / MICRO_LAMPORTS_PER_LAMPORT;
  return {
    signatureFeeLamports,
    prioritizationFeeLamports,
    totalFeeLamports: signatureFeeLamports + prioritizationFeeLamports,
  };
}

function writableKeyCount(view: WireTransactionView): number {
  const signedWritable = view.numRequiredSignatures - view.numReadonlySigned;
  const unsignedWritable = view.staticKeyCount - view.numRequiredSignatures - view.numReadonlyUnsigned;
  return signedWritable + unsignedWritable + view.lookupWritableCount;
}

/** Cost units of an executed transaction, with the executed compute units in place of the limit. */
export function transactionCostUnits(view: WireTransactionView, executedComputeUnits: number): number {
  const precompiles = precompileSignatures(view);
  const signatureCost =
    view.signatureCount * SIGNATURE_COST +
    precompiles.ed25519 * ED25519_VERIFY_STRICT_COST +
    precompiles.secp256k1 * SECP256K1_VERIFY_COST +
    precompiles.secp256r1 * SECP256R1_VERIFY_COST;
  const writeLockCost = writableKeyCount(view) * WRITE_LOCK_UNITS;
  let instructionDataBytes = 0;
  for (const instruction of view.instructions) instructionDataBytes += instruction.data.length;
  const dataBytesCost = Math.floor(instructionDataBytes / INSTRUCTION_DATA_BYTES_COST);
  const budget = computeBudgetRequest(view);
  const pages = Math.ceil(budget.loadedAccountsDataSizeLimitBytes / ACCOUNT_DATA_COST_PAGE_SIZE_BYTES);
  const loadedAccountsDataSizeCost = pages * LOADED_ACCOUNTS_DATA_COST_PER_PAGE;
  return signatureCost + writeLockCost + dataBytesCost + executedComputeUnits + loadedAccountsDataSizeCost;
}
