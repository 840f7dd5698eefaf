// Agave's ordering key for a transaction, computed from a ParsedTransaction without allocating.
// Facts (anza-xyz/agave): the scheduler orders by
//   priority = reward × 1_000_000 / (cost + 1)            (calculate_priority_and_cost)
// where reward is what the leader keeps (bank/fee_distribution.rs, calculate_reward_for_transaction:
// the whole prioritization fee plus the signature fee minus its 50% burn, DEFAULT_BURN_PERCENT; zero when
// the signature fee is zero) and cost is the cost model's sum (cost-model/src/cost_model.rs,
// block_cost_limits.rs): 720 CU per transaction signature (ed25519 precompile signatures 2,400,
// secp256k1 6,690, secp256r1 4,800), 300 per writable account, one per 4 instruction-data bytes, the
// requested compute-unit limit, and 8 per 32 KiB page of the loaded-accounts-data-size limit.

import type { ParsedTransaction } from "../tx/parsed-transaction.ts";
import { keyEquals, SECP256K1_PROGRAM_ID, SECP256R1_PROGRAM_ID } from "../tx/program-ids.ts";

export const PRIORITY_MULTIPLIER = 1_000_000;
export const FEE_BURN_PERCENT = 50;
export const SIGNATURE_COST_UNITS = 720;
export const ED25519_SIGNATURE_COST_UNITS = 2_400;
export const SECP256K1_SIGNATURE_COST_UNITS = 6_690;
export const SECP256R1_SIGNATURE_COST_UNITS = 4_800;
export const WRITE_LOCK_COST_UNITS = 300;
export const INSTRUCTION_DATA_BYTES_PER_COST_UNIT = 4;
export const LOADED_ACCOUNTS_DATA_PAGE_BYTES = 32 * 1024;
export const LOADED_ACCOUNTS_DATA_COST_UNITS_PER_PAGE = 8;

/** Agave's priority: floor(reward × 10^6 / (cost + 1)); exact while reward × 10^6 < 2^53. */
export function transactionPriority(rewardLamports: number, costUnits: number): number {
  return Math.floor((rewardLamports * PRIORITY_MULTIPLIER) / (costUnits + 1));
}

/** The leader's share: the prioritization fee plus the unburnt half of the signature fee. */
export function leaderRewardLamports(signatureFeeLamports: number, priorityFeeLamports: number): number {
  if (signatureFeeLamports === 0) return 0;
  const burnLamports = Math.floor((signatureFeeLamports * FEE_BURN_PERCENT) / 100);
  return priorityFeeLamports + signatureFeeLamports - burnLamports;
}

/** Writable accounts the header asks for (static and looked up), as the cost model counts write locks. */
export function writableAccountCount(parsed: ParsedTransaction): number {
  const signedWritable = parsed.numRequiredSignatures - parsed.numReadonlySigned;
  const unsignedWritable = parsed.staticKeyCount - parsed.numRequiredSignatures - parsed.numReadonlyUnsigned;
  return signedWritable + unsignedWritable + parsed.lookupWritableTotal;
}

/** Cost-model units of a parsed transaction (after readComputeBudget), with the requested CU limit. */
export function transactionCostUnits(parsed: ParsedTransaction): number {
  let signatureCost = parsed.signatureCount * SIGNATURE_COST_UNITS;
  let dataBytes = 0;
  const bytes = parsed.bytes;
  for (let instruction = 0; instruction < parsed.instructionCount; instruction++) {
    const dataLength = parsed.ixDataLength[instruction];
    dataBytes += dataLength;
    if (dataLength === 0) continue;
    const signatures = bytes[parsed.ixDataOffset[instruction]];
    if (signatures === 0) continue;
    const programKey = parsed.staticKeyOffset(parsed.ixProgramIdIndex[instruction]);
    if (keyEquals(bytes, programKey, SECP256K1_PROGRAM_ID))
      signatureCost += signatures * SECP256K1_SIGNATURE_COST_UNITS;
    else if (keyEquals(bytes, programKey, SECP256R1_PROGRAM_ID))
      signatureCost += signatures * SECP256R1_SIGNATURE_COST_UNITS;
  }
  // Precompile signatures that are neither secp256k1 nor secp256r1 are ed25519.
  let otherPrecompile = parsed.precompileSignatureCount;
  for (let instruction = 0; instruction < parsed.instructionCount; instruction++) {
    if (parsed.ixDataLength[instruction] === 0) continue;
    const programKey = parsed.staticKeyOffset(parsed.ixProgramIdIndex[instruction]);
    if (
      keyEquals(bytes, programKey, SECP256K1_PROGRAM_ID) ||
      keyEquals(bytes, programKey, SECP256R1_PROGRAM_ID)
    )
      otherPrecompile -= bytes[parsed.ixDataOffset[instruction]];
  }
  signatureCost += Math.max(0, otherPrecompile) * ED25519_SIGNATURE_COST_UNITS;
  const pages = Math.ceil(parsed.loadedAccountsDataSizeLimit / LOADED_ACCOUNTS_DATA_PAGE_BYTES);
  return (
    signatureCost +
    writableAccountCount(parsed) * WRITE_LOCK_COST_UNITS +
    Math.floor(dataBytes / INSTRUCTION_DATA_BYTES_PER_COST_UNIT) +
    parsed.computeUnitLimit +
    pages * LOADED_ACCOUNTS_DATA_COST_UNITS_PER_PAGE
  );
}

/** Priority of a parsed transaction (after readComputeBudget), as Agave's scheduler orders it. */
export function parsedTransactionPriority(parsed: ParsedTransaction): number {
  const signatureFeeLamports = parsed.baseFeeLamports;
  return transactionPriority(
    leaderRewardLamports(signatureFeeLamports, parsed.priorityFeeLamports),
    transactionCostUnits(parsed),
  );
}
