// What the upstream tile needs to know of a transaction it forwards: its signature (to follow its
// status), the static accounts it writes (changed once it executes: cached values older than that
// slot stop serving) and the accounts it locks that are data, not code (for prefetch and for learning
// which accounts trade together): static keys minus the programs it invokes and sysvars.
import { base58Encode } from "../tx/base58.ts";
import { parseTransactionFrame } from "../tx/parse.ts";
import type { ParsedTransaction } from "../tx/parsed-transaction.ts";
import { BUILTIN_PROGRAM_ADDRESSES } from "../tx/program-ids.ts";

export interface TransactionAccounts {
  /** First signature, base58; "" when the bytes do not parse (cannot happen after verify). */
  signature: string;
  writable: string[];
  /** Static accounts that are not invoked programs, builtins or sysvars. */
  data: string[];
}

const NOT_DATA: ReadonlySet<string> = new Set<string>(BUILTIN_PROGRAM_ADDRESSES);

/** Reads the transaction in bytes[offset, offset+length) (offset 0: the pool slot's view). */
export function transactionAccounts(
  bytes: Uint8Array,
  length: number,
  parsed: ParsedTransaction,
): TransactionAccounts {
  const result: TransactionAccounts = { signature: "", writable: [], data: [] };
  if (parseTransactionFrame(bytes, length, parsed) !== 0) return result;
  result.signature = base58Encode(bytes, parsed.signaturesOffset, 64);
  let programs = 0n;
  for (let instruction = 0; instruction < parsed.instructionCount; instruction++) {
    programs |= 1n << BigInt(parsed.ixProgramIdIndex[instruction]);
  }
  for (let key = 0; key < parsed.staticKeyCount; key++) {
    const address = base58Encode(bytes, parsed.staticKeyOffset(key), 32);
    if (parsed.isWritable(key)) result.writable.push(address);
    if ((programs & (1n << BigInt(key))) !== 0n || NOT_DATA.has(address) || address.startsWith("Sysvar"))
      continue;
    result.data.push(address);
  }
  return result;
}
