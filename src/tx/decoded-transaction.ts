// The JSON shape of a decoded transaction (what `outrider tx decode` prints), with the field names
// @solana/web3.js users know. Integers that may exceed 2^53 (u64 prices and fees) are numbers when
// exactly representable and decimal strings otherwise.

export interface DecodedHeader {
  numRequiredSignatures: number;
  numReadonlySignedAccounts: number;
  numReadonlyUnsignedAccounts: number;
}

export interface DecodedAccountKey {
  pubkey: string;
  signer: boolean;
  writable: boolean;
}

export interface DecodedInstruction {
  programId: string;
  /** Indexes into the message's account keys (static keys, then looked-up writable, then readonly). */
  accounts: number[];
  /** Instruction data, base58. */
  data: string;
}

export interface DecodedAddressTableLookup {
  accountKey: string;
  writableIndexes: number[];
  readonlyIndexes: number[];
}

export interface DecodedComputeBudget {
  /** SetComputeUnitLimit value, null when absent. */
  unitLimit: number | null;
  /** SetComputeUnitPrice value in micro-lamports per CU, null when absent. */
  unitPrice: number | string | null;
  /** RequestHeapFrame value in bytes, null when absent. */
  heapFrameBytes: number | null;
  /** SetLoadedAccountsDataSizeLimit value in bytes, null when absent. */
  loadedAccountsDataSizeLimit: number | null;
  /** The compute-unit limit Agave applies: the request or the default, capped at 1,400,000. */
  requestedComputeUnits: number;
}

export interface DecodedFee {
  /** Signatures charged: transaction signatures plus ed25519/secp256k1/secp256r1 precompile signatures. */
  signatures: number;
  baseLamports: number;
  priorityLamports: number | string;
  totalLamports: number | string;
}

export interface DecodedTransaction {
  signatures: string[];
  version: "legacy" | 0;
  header: DecodedHeader;
  accountKeys: DecodedAccountKey[];
  recentBlockhash: string;
  instructions: DecodedInstruction[];
  addressTableLookups: DecodedAddressTableLookup[];
  computeBudget: DecodedComputeBudget;
  fee: DecodedFee;
}
