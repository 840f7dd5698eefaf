// ParsedTransaction: the reusable, preallocated result of parseTransaction. It holds only offsets, counts
// and small numbers (in plain fields and typed arrays sized for the 1232-byte maxima), never copies of
// the bytes, so parsing a packet allocates nothing. Offsets are absolute indexes into the parsed buffer
// (`bytes`), except `errorOffset`, which is relative to the transaction start.
import {
  MAX_INSTRUCTIONS_PER_PACKET,
  MAX_LOOKUPS_PER_PACKET,
  PUBKEY_BYTES,
  SIGNATURE_BYTES,
} from "./limits.ts";

export const VERSION_LEGACY = -1;
export const VERSION_V0 = 0;

export class ParsedTransaction {
  /** Buffer of the last parse (a reference, not a copy). */
  bytes: Uint8Array = new Uint8Array(0);
  txOffset = 0;
  txLength = 0;
  /** 0 after a successful parse, else the tx error code (see errors.ts). */
  errorCode = 0;
  /** Byte offset, relative to the transaction start, where the error was found. */
  errorOffset = 0;

  /** -1 legacy, 0 for v0. */
  version = VERSION_LEGACY;
  signatureCount = 0;
  signaturesOffset = 0;
  messageOffset = 0;
  messageLength = 0;
  headerOffset = 0;
  numRequiredSignatures = 0;
  numReadonlySigned = 0;
  numReadonlyUnsigned = 0;
  staticKeyCount = 0;
  staticKeysOffset = 0;
  recentBlockhashOffset = 0;

  instructionCount = 0;
  /** Offset of each instruction's program-id-index byte. */
  readonly ixOffset = new Int32Array(MAX_INSTRUCTIONS_PER_PACKET);
  readonly ixProgramIdIndex = new Uint8Array(MAX_INSTRUCTIONS_PER_PACKET);
  readonly ixAccountsOffset = new Int32Array(MAX_INSTRUCTIONS_PER_PACKET);
  readonly ixAccountsCount = new Uint16Array(MAX_INSTRUCTIONS_PER_PACKET);
  readonly ixDataOffset = new Int32Array(MAX_INSTRUCTIONS_PER_PACKET);
  readonly ixDataLength = new Uint16Array(MAX_INSTRUCTIONS_PER_PACKET);

  /** Offset of the lookup-count compact-u16 (v0 only; -1 for legacy). */
  lookupsOffset = -1;
  lookupCount = 0;
  readonly lookupKeyOffset = new Int32Array(MAX_LOOKUPS_PER_PACKET);
  readonly lookupWritableOffset = new Int32Array(MAX_LOOKUPS_PER_PACKET);
  readonly lookupWritableCount = new Uint16Array(MAX_LOOKUPS_PER_PACKET);
  readonly lookupReadonlyOffset = new Int32Array(MAX_LOOKUPS_PER_PACKET);
  readonly lookupReadonlyCount = new Uint16Array(MAX_LOOKUPS_PER_PACKET);
  /** Accounts loaded through lookups (all tables), writable ones first in Solana's key order. */
  lookupWritableTotal = 0;
  lookupReadonlyTotal = 0;

  // Compute budget (filled by readComputeBudget). "Requested" values are -1 when no instruction set them.
  computeUnitLimitRequested = -1;
  computeUnitPriceRequested = false;
  /** SetComputeUnitPrice in micro-lamports, as two u32 halves (u64 exact). */
  computeUnitPriceLo = 0;
  computeUnitPriceHi = 0;
  heapFrameBytesRequested = -1;
  loadedAccountsDataSizeLimitRequested = -1;
  /** Effective values Agave would use. */
  computeUnitLimit = 0;
  heapFrameBytes = 0;
  loadedAccountsDataSizeLimit = 0;
  /** ed25519 + secp256k1 + secp256r1 precompile signatures (first data byte of each precompile ix). */
  precompileSignatureCount = 0;
  /** Signatures charged: transaction signatures + precompile signatures. */
  feeSignatureCount = 0;
  baseFeeLamports = 0;
  /** ceil(price × limit / 10^6); exact while below 2^53 lamports, u64-saturated. */
  priorityFeeLamports = 0;
  totalFeeLamports = 0;

  /** Static keys plus looked-up keys. */
  get accountKeyCount(): number {
    return this.staticKeyCount + this.lookupWritableTotal + this.lookupReadonlyTotal;
  }

  signatureOffset(index: number): number {
    return this.signaturesOffset + index * SIGNATURE_BYTES;
  }

  staticKeyOffset(index: number): number {
    return this.staticKeysOffset + index * PUBKEY_BYTES;
  }

  /** Solana's rule: the first numRequiredSignatures static keys sign. */
  isSigner(index: number): boolean {
    return index < this.numRequiredSignatures;
  }

  /**
   * Writability the message header requests for a static key (as web3.js and kit compute it): signed keys
   * except the last numReadonlySigned, unsigned static keys except the last numReadonlyUnsigned.
   * (At execution Agave further demotes reserved accounts and invoked programs to readonly.)
   */
  isWritable(index: number): boolean {
    if (index < this.numRequiredSignatures)
      return index < this.numRequiredSignatures - this.numReadonlySigned;
    return index < this.staticKeyCount - this.numReadonlyUnsigned;
  }

  programIdIndex(instruction: number): number {
    return this.ixProgramIdIndex[instruction];
  }

  instructionAccountsOffset(instruction: number): number {
    return this.ixAccountsOffset[instruction];
  }

  instructionAccountsCount(instruction: number): number {
    return this.ixAccountsCount[instruction];
  }

  instructionDataOffset(instruction: number): number {
    return this.ixDataOffset[instruction];
  }

  instructionDataLength(instruction: number): number {
    return this.ixDataLength[instruction];
  }

  lookupTableKeyOffset(lookup: number): number {
    return this.lookupKeyOffset[lookup];
  }

  lookupWritableIndexesOffset(lookup: number): number {
    return this.lookupWritableOffset[lookup];
  }

  lookupWritableIndexesCount(lookup: number): number {
    return this.lookupWritableCount[lookup];
  }

  lookupReadonlyIndexesOffset(lookup: number): number {
    return this.lookupReadonlyOffset[lookup];
  }

  lookupReadonlyIndexesCount(lookup: number): number {
    return this.lookupReadonlyCount[lookup];
  }

  /** SetComputeUnitPrice as a number (exact below 2^53 micro-lamports). */
  get computeUnitPriceMicroLamports(): number {
    return this.computeUnitPriceHi * 0x100000000 + this.computeUnitPriceLo;
  }

  /** SetComputeUnitPrice exactly (allocates a bigint: reporting only). */
  computeUnitPriceBigInt(): bigint {
    return (BigInt(this.computeUnitPriceHi) << 32n) | BigInt(this.computeUnitPriceLo);
  }
}
