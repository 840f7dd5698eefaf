// Builds and signs real Solana transactions with @solana/web3.js and @solana/kit from one random
// description (TxSpec), for property tests, fuzzing and benches across suites. Keys come from a pool
// generated once (deterministic seeds), so building a transaction costs only compile + sign.
import {
  AccountRole,
  type Address,
  address,
  appendTransactionMessageInstructions,
  compileTransactionMessage,
  compressTransactionMessageUsingAddressLookupTables,
  createKeyPairSignerFromBytes,
  createTransactionMessage,
  getTransactionEncoder,
  type Instruction,
  type KeyPairSigner,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
} from "@solana/kit";
import {
  AddressLookupTableAccount,
  ComputeBudgetProgram,
  Keypair,
  type Message as LegacyMessage,
  type MessageV0,
  PublicKey,
  Transaction,
  TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
} from "@solana/web3.js";
import fc from "fast-check";

export const SIGNER_POOL_SIZE = 4;
export const ACCOUNT_POOL_SIZE = 24;
export const PROGRAM_POOL_SIZE = 6;
export const LOOKUP_TABLE_POOL_SIZE = 3;
export const COMPUTE_BUDGET_ADDRESS = "ComputeBudget111111111111111111111111111111";

function seededBytes(tag: number, index: number): Uint8Array {
  const bytes = new Uint8Array(32);
  for (let position = 0; position < 32; position++)
    bytes[position] = (tag * 131 + index * 31 + position * 7 + 1) & 0xff;
  bytes[0] = tag;
  bytes[1] = index;
  return bytes;
}

/** Signers (web3 Keypairs from fixed seeds), plain accounts, program ids and lookup-table keys. */
export const signerKeypairs: Keypair[] = Array.from({ length: SIGNER_POOL_SIZE }, (_, index) =>
  Keypair.fromSeed(seededBytes(1, index)),
);
export const accountKeys: PublicKey[] = Array.from(
  { length: ACCOUNT_POOL_SIZE },
  (_, index) => new PublicKey(seededBytes(2, index)),
);
export const programKeys: PublicKey[] = Array.from(
  { length: PROGRAM_POOL_SIZE },
  (_, index) => new PublicKey(seededBytes(3, index)),
);
export const lookupTableKeys: PublicKey[] = Array.from(
  { length: LOOKUP_TABLE_POOL_SIZE },
  (_, index) => new PublicKey(seededBytes(4, index)),
);

let kitSignersPromise: Promise<KeyPairSigner[]> | undefined;
/** The same signers as kit KeyPairSigners (created once). */
export function kitSigners(): Promise<KeyPairSigner[]> {
  kitSignersPromise ??= Promise.all(
    signerKeypairs.map((keypair) => createKeyPairSignerFromBytes(keypair.secretKey)),
  );
  return kitSignersPromise;
}

export interface AccountRef {
  /** Index into signers (0..signerCount-1) when `signer`, else into accountKeys. */
  slot: number;
  signer: boolean;
  writable: boolean;
}

export interface InstructionSpec {
  programSlot: number;
  accounts: AccountRef[];
  data: Uint8Array;
}

export interface ComputeBudgetSpec {
  unitLimit?: number;
  unitPrice?: bigint;
  heapFrameBytes?: number;
  loadedAccountsDataSizeLimit?: number;
}

export interface TxSpec {
  signerCount: number;
  instructions: InstructionSpec[];
  computeBudget: ComputeBudgetSpec;
  blockhash: Uint8Array;
  /** Lookup tables (v0 only): table i holds accountKeys[addressSlots[i][k]]. */
  lookupTables: number[][];
}

const accountRefArbitrary = (signerCount: number): fc.Arbitrary<AccountRef> =>
  fc.oneof(
    {
      weight: 1,
      arbitrary: fc.record({
        slot: fc.nat(signerCount - 1),
        signer: fc.constant(true),
        writable: fc.boolean(),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        slot: fc.nat(ACCOUNT_POOL_SIZE - 1),
        signer: fc.constant(false),
        writable: fc.boolean(),
      }),
    },
  );

/** Random transaction descriptions that always fit in a 1232-byte packet. */
export function txSpecArbitrary(options: { lookups: boolean }): fc.Arbitrary<TxSpec> {
  return fc.integer({ min: 1, max: SIGNER_POOL_SIZE }).chain((signerCount) =>
    fc.record({
      signerCount: fc.constant(signerCount),
      instructions: fc.array(
        fc.record({
          programSlot: fc.nat(PROGRAM_POOL_SIZE - 1),
          accounts: fc.array(accountRefArbitrary(signerCount), { maxLength: 4 }),
          data: fc.uint8Array({ maxLength: 24 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      computeBudget: fc.record(
        {
          unitLimit: fc.integer({ min: 0, max: 2_000_000 }),
          unitPrice: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          heapFrameBytes: fc.integer({ min: 32, max: 256 }).map((kib) => kib * 1024),
          loadedAccountsDataSizeLimit: fc.integer({ min: 1, max: 100 * 1024 * 1024 }),
        },
        { requiredKeys: [] },
      ),
      blockhash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      lookupTables: options.lookups
        ? fc.array(fc.uniqueArray(fc.nat(ACCOUNT_POOL_SIZE - 1), { minLength: 1, maxLength: 8 }), {
            maxLength: 3,
          })
        : fc.constant([]),
    }),
  );
}

function u32Data(discriminant: number, value: number): Uint8Array {
  const data = new Uint8Array(5);
  data[0] = discriminant;
  new DataView(data.buffer).setUint32(1, value, true);
  return data;
}

/** Compute-budget instructions as raw (program, data) pairs, in a fixed order. */
export function computeBudgetData(spec: ComputeBudgetSpec): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (spec.unitLimit !== undefined) out.push(u32Data(2, spec.unitLimit));
  if (spec.unitPrice !== undefined) {
    const data = new Uint8Array(9);
    data[0] = 3;
    new DataView(data.buffer).setBigUint64(1, spec.unitPrice, true);
    out.push(data);
  }
  if (spec.heapFrameBytes !== undefined) out.push(u32Data(1, spec.heapFrameBytes));
  if (spec.loadedAccountsDataSizeLimit !== undefined) out.push(u32Data(4, spec.loadedAccountsDataSizeLimit));
  return out;
}

function web3Instructions(spec: TxSpec): TransactionInstruction[] {
  const instructions: TransactionInstruction[] = [];
  const budget = spec.computeBudget;
  // Use web3.js's own ComputeBudgetProgram where it has the instruction.
  if (budget.unitLimit !== undefined)
    instructions.push(ComputeBudgetProgram.setComputeUnitLimit({ units: budget.unitLimit }));
  if (budget.unitPrice !== undefined) {
    instructions.push(ComputeBudgetProgram.setComputeUnitPrice({ microLamports: budget.unitPrice }));
  }
  if (budget.heapFrameBytes !== undefined) {
    instructions.push(ComputeBudgetProgram.requestHeapFrame({ bytes: budget.heapFrameBytes }));
  }
  if (budget.loadedAccountsDataSizeLimit !== undefined) {
    instructions.push(
      new TransactionInstruction({
        programId: new PublicKey(COMPUTE_BUDGET_ADDRESS),
        keys: [],
        data: Buffer.from(u32Data(4, budget.loadedAccountsDataSizeLimit)),
      }),
    );
  }
  spec.instructions.forEach((instruction, index) => {
    const keys = instruction.accounts.map((ref) => ({
      pubkey: ref.signer ? signerKeypairs[ref.slot].publicKey : accountKeys[ref.slot],
      isSigner: ref.signer,
      isWritable: ref.writable,
    }));
    // Every signer beyond the fee payer must appear in some instruction to be part of the message.
    if (index === 0) {
      for (let slot = 1; slot < spec.signerCount; slot++) {
        keys.push({ pubkey: signerKeypairs[slot].publicKey, isSigner: true, isWritable: false });
      }
    }
    instructions.push(
      new TransactionInstruction({
        programId: programKeys[instruction.programSlot],
        keys,
        data: Buffer.from(instruction.data),
      }),
    );
  });
  return instructions;
}

function blockhashText(spec: TxSpec): string {
  return new PublicKey(spec.blockhash).toBase58();
}

export interface BuiltWeb3Legacy {
  bytes: Uint8Array;
  transaction: Transaction;
  message: LegacyMessage;
}

/** A legacy Transaction built and signed by web3.js. */
export function buildWeb3Legacy(spec: TxSpec): BuiltWeb3Legacy {
  const transaction = new Transaction({
    feePayer: signerKeypairs[0].publicKey,
    recentBlockhash: blockhashText(spec),
  });
  transaction.add(...web3Instructions(spec));
  transaction.sign(...signerKeypairs.slice(0, spec.signerCount));
  const message = transaction.compileMessage();
  return { bytes: new Uint8Array(transaction.serialize()), transaction, message };
}

export function web3LookupTables(spec: TxSpec): AddressLookupTableAccount[] {
  return spec.lookupTables.map(
    (slots, index) =>
      new AddressLookupTableAccount({
        key: lookupTableKeys[index],
        state: {
          deactivationSlot: BigInt("18446744073709551615"),
          lastExtendedSlot: 0,
          lastExtendedSlotStartIndex: 0,
          addresses: slots.map((slot) => accountKeys[slot]),
        },
      }),
  );
}

export interface BuiltWeb3V0 {
  bytes: Uint8Array;
  transaction: VersionedTransaction;
  message: MessageV0;
}

/** A VersionedTransaction with a MessageV0 (lookup tables via compileToV0Message), signed by web3.js. */
export function buildWeb3V0(spec: TxSpec): BuiltWeb3V0 {
  const message = new TransactionMessage({
    payerKey: signerKeypairs[0].publicKey,
    recentBlockhash: blockhashText(spec),
    instructions: web3Instructions(spec),
  }).compileToV0Message(web3LookupTables(spec));
  const transaction = new VersionedTransaction(message);
  transaction.sign(signerKeypairs.slice(0, spec.signerCount));
  return { bytes: transaction.serialize(), transaction, message };
}

function kitRole(signer: boolean, writable: boolean): AccountRole {
  if (signer) return writable ? AccountRole.WRITABLE_SIGNER : AccountRole.READONLY_SIGNER;
  return writable ? AccountRole.WRITABLE : AccountRole.READONLY;
}

async function kitInstructions(spec: TxSpec): Promise<Instruction[]> {
  const signers = await kitSigners();
  const budgetProgram = address(COMPUTE_BUDGET_ADDRESS);
  const instructions: Instruction[] = computeBudgetData(spec.computeBudget).map((data) => ({
    programAddress: budgetProgram,
    data,
  }));
  spec.instructions.forEach((instruction, index) => {
    const accounts = instruction.accounts.map((ref) =>
      ref.signer
        ? { address: signers[ref.slot].address, role: kitRole(true, ref.writable), signer: signers[ref.slot] }
        : { address: address(accountKeys[ref.slot].toBase58()), role: kitRole(false, ref.writable) },
    );
    if (index === 0) {
      for (let slot = 1; slot < spec.signerCount; slot++) {
        accounts.push({
          address: signers[slot].address,
          role: AccountRole.READONLY_SIGNER,
          signer: signers[slot],
        });
      }
    }
    instructions.push({
      programAddress: address(programKeys[instruction.programSlot].toBase58()),
      accounts,
      data: instruction.data,
    });
  });
  return instructions;
}

export interface BuiltKit {
  bytes: Uint8Array;
  compiled: ReturnType<typeof compileTransactionMessage>;
  signatures: Record<string, Uint8Array | null>;
  messageBytes: Uint8Array;
}

/** A transaction built with @solana/kit's pipe, compressed with lookup tables (v0) and signed. */
export async function buildKit(spec: TxSpec, version: 0 | "legacy"): Promise<BuiltKit> {
  const signers = await kitSigners();
  const lookups: Record<Address, Address[]> = {};
  if (version === 0) {
    spec.lookupTables.forEach((slots, index) => {
      lookups[address(lookupTableKeys[index].toBase58())] = slots.map((slot) =>
        address(accountKeys[slot].toBase58()),
      );
    });
  }
  const instructions = await kitInstructions(spec);
  const base = pipe(
    createTransactionMessage({ version }),
    (message) => setTransactionMessageFeePayerSigner(signers[0], message),
    (message) =>
      setTransactionMessageLifetimeUsingBlockhash(
        { blockhash: blockhashText(spec) as never, lastValidBlockHeight: 1000n },
        message,
      ),
    (message) => appendTransactionMessageInstructions(instructions, message),
  );
  const message =
    version === 0 ? compressTransactionMessageUsingAddressLookupTables(base as never, lookups) : base;
  const compiled = compileTransactionMessage(message as never);
  const signed = await signTransactionMessageWithSigners(message as never);
  const bytes = new Uint8Array(getTransactionEncoder().encode(signed as never));
  const signedTransaction = signed as unknown as {
    messageBytes: Uint8Array;
    signatures: Record<string, Uint8Array | null>;
  };
  return {
    bytes,
    compiled,
    signatures: signedTransaction.signatures,
    messageBytes: new Uint8Array(signedTransaction.messageBytes),
  };
}

export interface RawTransactionSpec {
  signatureCount?: number;
  version?: "legacy" | 0;
  /** [numRequiredSignatures, numReadonlySigned, numReadonlyUnsigned]. */
  header: [number, number, number];
  keys: Uint8Array[];
  blockhash?: Uint8Array;
  instructions: { programIdIndex: number; accounts: number[]; data: number[] }[];
  lookups?: { key: Uint8Array; writable: number[]; readonly: number[] }[];
}

function rawCompact(value: number, out: number[]): void {
  let remaining = value;
  for (;;) {
    const low = remaining & 0x7f;
    remaining >>>= 7;
    if (remaining === 0) {
      out.push(low);
      return;
    }
    out.push(low | 0x80);
  }
}

/**
 * Encodes a transaction field by field with no validation at all (zero signatures bytes), so tests can
 * produce every malformed shape the sanitizer must reject.
 */
export function rawTransaction(spec: RawTransactionSpec): Uint8Array {
  const out: number[] = [];
  const signatureCount = spec.signatureCount ?? spec.header[0];
  rawCompact(signatureCount, out);
  for (let index = 0; index < signatureCount * 64; index++) out.push(index & 0xff);
  if (spec.version === 0) out.push(0x80);
  out.push(...spec.header);
  rawCompact(spec.keys.length, out);
  for (const key of spec.keys) out.push(...key);
  out.push(...(spec.blockhash ?? new Uint8Array(32).fill(9)));
  rawCompact(spec.instructions.length, out);
  for (const instruction of spec.instructions) {
    out.push(instruction.programIdIndex);
    rawCompact(instruction.accounts.length, out);
    out.push(...instruction.accounts);
    rawCompact(instruction.data.length, out);
    out.push(...instruction.data);
  }
  if (spec.version === 0) {
    const lookups = spec.lookups ?? [];
    rawCompact(lookups.length, out);
    for (const lookup of lookups) {
      out.push(...lookup.key);
      rawCompact(lookup.writable.length, out);
      out.push(...lookup.writable);
      rawCompact(lookup.readonly.length, out);
      out.push(...lookup.readonly);
    }
  }
  return Uint8Array.from(out);
}

/** Distinct 32-byte keys for raw transactions (key i starts with 0xA0 + i). */
export function rawKey(index: number): Uint8Array {
  const key = new Uint8Array(32).fill(index + 1);
  key[0] = 0xa0 + (index & 0x3f);
  key[1] = index >> 6;
  return key;
}
