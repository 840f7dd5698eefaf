// Builds and signs legacy Solana transactions for the load client, by the wire format
// (solana-message: header, compact arrays of keys and instructions): the payer first, then writable
// signers, readonly signers, writable and readonly non-signers; programs are readonly non-signers.
// Instruction encoders for what the simulated market uses: System transfer and createAccount, SPL
// Token InitializeMint2 / InitializeAccount3 / MintTo / TransferChecked, SPL Memo, Compute Budget.
// Cheap by design (a few µs per message): the client builds thousands per second.
import type { KeyObject } from "node:crypto";
import { base58Decode } from "../tx/base58.ts";
import { writeCompactU16 } from "../tx/compact-u16.ts";
import { signMessage } from "./keys.ts";

function programId(address: string): Uint8Array {
  const bytes = base58Decode(address);
  if (bytes === null || bytes.length !== 32) throw new Error(`bad program id ${address}`);
  return bytes;
}

export const SYSTEM_PROGRAM_ID = programId("11111111111111111111111111111111");
export const TOKEN_PROGRAM_ID = programId("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
export const MEMO_PROGRAM_ID = programId("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");
export const COMPUTE_BUDGET_ID = programId("ComputeBudget111111111111111111111111111111");

export const TOKEN_ACCOUNT_BYTES = 165;
export const MINT_ACCOUNT_BYTES = 82;

export interface AccountMeta {
  key: Uint8Array;
  signer: boolean;
  writable: boolean;
}

export interface Instruction {
  programId: Uint8Array;
  accounts: AccountMeta[];
  data: Uint8Array;
}

function u32le(value: number, into: Uint8Array, at: number): void {
  new DataView(into.buffer, into.byteOffset, into.byteLength).setUint32(at, value, true);
}
function u64le(value: bigint, into: Uint8Array, at: number): void {
  new DataView(into.buffer, into.byteOffset, into.byteLength).setBigUint64(at, value, true);
}

export function systemTransfer(from: Uint8Array, to: Uint8Array, lamports: bigint): Instruction {
  const data = new Uint8Array(12);
  u32le(2, data, 0);
  u64le(lamports, data, 4);
  return {
    programId: SYSTEM_PROGRAM_ID,
    accounts: [
      { key: from, signer: true, writable: true },
      { key: to, signer: false, writable: true },
    ],
    data,
  };
}

export function systemCreateAccount(
  from: Uint8Array,
  created: Uint8Array,
  lamports: bigint,
  space: number,
  owner: Uint8Array,
): Instruction {
  const data = new Uint8Array(52);
  u32le(0, data, 0);
  u64le(lamports, data, 4);
  u64le(BigInt(space), data, 12);
  data.set(owner, 20);
  return {
    programId: SYSTEM_PROGRAM_ID,
    accounts: [
      { key: from, signer: true, writable: true },
      { key: created, signer: true, writable: true },
    ],
    data,
  };
}

export function tokenInitializeMint2(mint: Uint8Array, decimals: number, authority: Uint8Array): Instruction {
  const data = new Uint8Array(35);
  data[0] = 20;
  data[1] = decimals;
  data.set(authority, 2);
  data[34] = 0; // no freeze authority
  return { programId: TOKEN_PROGRAM_ID, accounts: [{ key: mint, signer: false, writable: true }], data };
}

export function tokenInitializeAccount3(
  account: Uint8Array,
  mint: Uint8Array,
  owner: Uint8Array,
): Instruction {
  const data = new Uint8Array(33);
  data[0] = 18;
  data.set(owner, 1);
  return {
    programId: TOKEN_PROGRAM_ID,
    accounts: [
      { key: account, signer: false, writable: true },
      { key: mint, signer: false, writable: false },
    ],
    data,
  };
}

export function tokenMintTo(
  mint: Uint8Array,
  account: Uint8Array,
  authority: Uint8Array,
  amount: bigint,
): Instruction {
  const data = new Uint8Array(9);
  data[0] = 7;
  u64le(amount, data, 1);
  return {
    programId: TOKEN_PROGRAM_ID,
    accounts: [
      { key: mint, signer: false, writable: true },
      { key: account, signer: false, writable: true },
      { key: authority, signer: true, writable: false },
    ],
    data,
  };
}

export function tokenTransferChecked(
  source: Uint8Array,
  mint: Uint8Array,
  destination: Uint8Array,
  owner: Uint8Array,
  amount: bigint,
  decimals: number,
): Instruction {
  const data = new Uint8Array(10);
  data[0] = 12;
  u64le(amount, data, 1);
  data[9] = decimals;
  return {
    programId: TOKEN_PROGRAM_ID,
    accounts: [
      { key: source, signer: false, writable: true },
      { key: mint, signer: false, writable: false },
      { key: destination, signer: false, writable: true },
      { key: owner, signer: true, writable: false },
    ],
    data,
  };
}

export function memo(text: string): Instruction {
  return { programId: MEMO_PROGRAM_ID, accounts: [], data: new TextEncoder().encode(text) };
}

export function setComputeUnitLimit(units: number): Instruction {
  const data = new Uint8Array(5);
  data[0] = 2;
  u32le(units, data, 1);
  return { programId: COMPUTE_BUDGET_ID, accounts: [], data };
}

export function setComputeUnitPrice(microLamports: bigint): Instruction {
  const data = new Uint8Array(9);
  data[0] = 3;
  u64le(microLamports, data, 1);
  return { programId: COMPUTE_BUDGET_ID, accounts: [], data };
}

interface KeyEntry {
  key: Uint8Array;
  signer: boolean;
  writable: boolean;
  order: number;
}

const hexOf = (key: Uint8Array) => Buffer.from(key.buffer, key.byteOffset, 32).toString("hex");

export interface CompiledMessage {
  message: Uint8Array;
  /** Public keys whose signatures the message needs, in order. */
  signers: Uint8Array[];
}

/** Compiles a legacy message (payer first). */
export function compileLegacyMessage(
  payer: Uint8Array,
  instructions: Instruction[],
  blockhash: Uint8Array,
): CompiledMessage {
  const entries = new Map<string, KeyEntry>();
  const note = (key: Uint8Array, signer: boolean, writable: boolean) => {
    const hex = hexOf(key);
    const entry = entries.get(hex);
    if (entry === undefined) entries.set(hex, { key, signer, writable, order: entries.size });
    else {
      entry.signer ||= signer;
      entry.writable ||= writable;
    }
  };
  note(payer, true, true);
  for (const instruction of instructions) {
    for (const meta of instruction.accounts) note(meta.key, meta.signer, meta.writable);
    note(instruction.programId, false, false);
  }
  const rank = (entry: KeyEntry) =>
    entry.order === 0 ? 0 : entry.signer ? (entry.writable ? 1 : 2) : entry.writable ? 3 : 4;
  const keys = [...entries.values()].sort((a, b) => rank(a) - rank(b) || a.order - b.order);
  const indexOf = new Map<string, number>();
  keys.forEach((entry, index) => {
    indexOf.set(hexOf(entry.key), index);
  });
  const signers = keys.filter((entry) => entry.signer);
  const readonlySigned = signers.filter((entry) => !entry.writable).length;
  const readonlyUnsigned = keys.filter((entry) => !entry.signer && !entry.writable).length;

  const out = new Uint8Array(1232);
  let at = 0;
  out[at++] = signers.length;
  out[at++] = readonlySigned;
  out[at++] = readonlyUnsigned;
  at = writeCompactU16(keys.length, out, at);
  for (const entry of keys) {
    out.set(entry.key, at);
    at += 32;
  }
  out.set(blockhash, at);
  at += 32;
  at = writeCompactU16(instructions.length, out, at);
  for (const instruction of instructions) {
    out[at++] = indexOf.get(hexOf(instruction.programId))!;
    at = writeCompactU16(instruction.accounts.length, out, at);
    for (const meta of instruction.accounts) out[at++] = indexOf.get(hexOf(meta.key))!;
    at = writeCompactU16(instruction.data.length, out, at);
    out.set(instruction.data, at);
    at += instruction.data.length;
  }
  return { message: out.slice(0, at), signers: signers.map((entry) => entry.key) };
}

/** Wire bytes: compact signature count, the signatures (in the message's signer order), the message. */
export function signTransaction(compiled: CompiledMessage, keys: Map<string, KeyObject>): Uint8Array {
  const count = compiled.signers.length;
  const wire = new Uint8Array(1 + 64 * count + compiled.message.length);
  wire[0] = count;
  compiled.signers.forEach((signer, index) => {
    const key = keys.get(hexOf(signer));
    if (key === undefined) throw new Error(`no private key for signer ${index}`);
    wire.set(signMessage(compiled.message, key), 1 + 64 * index);
  });
  wire.set(compiled.message, 1 + 64 * count);
  if (wire.length > 1232) throw new Error(`transaction is ${wire.length} bytes, more than 1232`);
  return wire;
}

/** Signs with one key (the payer is the only signer). */
export function signSingle(compiled: CompiledMessage, privateKey: KeyObject): Uint8Array {
  if (compiled.signers.length !== 1)
    throw new Error(`expected one signer, message needs ${compiled.signers.length}`);
  const wire = new Uint8Array(1 + 64 + compiled.message.length);
  wire[0] = 1;
  wire.set(signMessage(compiled.message, privateKey), 1);
  wire.set(compiled.message, 65);
  return wire;
}

export { hexOf as keyHex };
