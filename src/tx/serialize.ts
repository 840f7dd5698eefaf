// serializeTransaction: a DecodedTransaction back to wire bytes (legacy or v0), so that
// parse → decode → serialize reproduces the input exactly. Signer/writable flags of accountKeys are
// derived from `header` on the wire and are not read here; an instruction's program id is written as the
// index of its first occurrence in accountKeys (sanitized transactions have no duplicate keys).
import { OutriderError } from "../errors.ts";
import { base58DecodeInto } from "./base58.ts";
import { compactU16ByteLength, writeCompactU16 } from "./compact-u16.ts";
import type { DecodedTransaction } from "./decoded-transaction.ts";
import { TX_ENCODE_INVALID_FIELD, txErrorName } from "./errors.ts";
import { BLOCKHASH_BYTES, MESSAGE_VERSION_PREFIX, PUBKEY_BYTES, SIGNATURE_BYTES } from "./limits.ts";

function invalid(field: string, why: string): OutriderError {
  return new OutriderError(
    TX_ENCODE_INVALID_FIELD,
    txErrorName(TX_ENCODE_INVALID_FIELD),
    `${field}: ${why}`,
    {
      field,
    },
  );
}

const scratch = new Uint8Array(2 * 1232 + 2);

function fixedBytes(text: unknown, byteLength: number, field: string): Uint8Array {
  if (typeof text !== "string") throw invalid(field, "expected a base58 string");
  const written = base58DecodeInto(text, scratch, 0);
  if (written !== byteLength) throw invalid(field, `expected base58 of ${byteLength} bytes`);
  return scratch.slice(0, byteLength);
}

function variableBytes(text: unknown, field: string): Uint8Array {
  if (typeof text !== "string") throw invalid(field, "expected a base58 string");
  const written = base58DecodeInto(text, scratch, 0);
  if (written < 0) throw invalid(field, "not valid base58 (or too long)");
  return scratch.slice(0, written);
}

function u8List(values: unknown, field: string): number[] {
  if (!Array.isArray(values) || values.length > 0xffff) throw invalid(field, "expected an array of u8");
  for (const value of values) {
    if (!Number.isInteger(value) || value < 0 || value > 255) throw invalid(field, `not a u8: ${value}`);
  }
  return values as number[];
}

function u8(value: unknown, field: string): number {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 255) {
    throw invalid(field, `not a u8: ${value}`);
  }
  return value as number;
}

/** Wire bytes of a decoded transaction. Throws OutriderError TX_ENCODE_INVALID_FIELD on a bad field. */
export function serializeTransaction(decoded: DecodedTransaction): Uint8Array {
  const isV0 = decoded.version === 0;
  if (!isV0 && decoded.version !== "legacy") throw invalid("version", 'expected "legacy" or 0');
  const chunks: Uint8Array[] = [];
  const push = (chunk: Uint8Array) => chunks.push(chunk);
  const compact = (value: number) => {
    const bytes = new Uint8Array(compactU16ByteLength(value));
    writeCompactU16(value, bytes, 0);
    push(bytes);
  };
  const listLength = (values: unknown, field: string): number => {
    if (!Array.isArray(values) || values.length > 0xffff) throw invalid(field, "expected an array");
    return values.length;
  };

  compact(listLength(decoded.signatures, "signatures"));
  decoded.signatures.forEach((signature, index) => {
    push(fixedBytes(signature, SIGNATURE_BYTES, `signatures[${index}]`));
  });
  if (isV0) push(Uint8Array.of(MESSAGE_VERSION_PREFIX));
  const header = decoded.header ?? ({} as DecodedTransaction["header"]);
  push(
    Uint8Array.of(
      u8(header.numRequiredSignatures, "header.numRequiredSignatures"),
      u8(header.numReadonlySignedAccounts, "header.numReadonlySignedAccounts"),
      u8(header.numReadonlyUnsignedAccounts, "header.numReadonlyUnsignedAccounts"),
    ),
  );
  compact(listLength(decoded.accountKeys, "accountKeys"));
  const keyIndex = new Map<string, number>();
  decoded.accountKeys.forEach((key, index) => {
    push(fixedBytes(key?.pubkey, PUBKEY_BYTES, `accountKeys[${index}].pubkey`));
    if (!keyIndex.has(key.pubkey)) keyIndex.set(key.pubkey, index);
  });
  push(fixedBytes(decoded.recentBlockhash, BLOCKHASH_BYTES, "recentBlockhash"));
  compact(listLength(decoded.instructions, "instructions"));
  decoded.instructions.forEach((instruction, index) => {
    const programIdIndex = keyIndex.get(instruction?.programId);
    if (programIdIndex === undefined || programIdIndex > 255) {
      throw invalid(`instructions[${index}].programId`, "not one of the first 256 accountKeys");
    }
    push(Uint8Array.of(programIdIndex));
    const accounts = u8List(instruction.accounts, `instructions[${index}].accounts`);
    compact(accounts.length);
    push(Uint8Array.from(accounts));
    const data = variableBytes(instruction.data, `instructions[${index}].data`);
    compact(data.length);
    push(data);
  });
  if (isV0) {
    compact(listLength(decoded.addressTableLookups, "addressTableLookups"));
    decoded.addressTableLookups.forEach((lookup, index) => {
      push(fixedBytes(lookup?.accountKey, PUBKEY_BYTES, `addressTableLookups[${index}].accountKey`));
      const writable = u8List(lookup.writableIndexes, `addressTableLookups[${index}].writableIndexes`);
      compact(writable.length);
      push(Uint8Array.from(writable));
      const readonly = u8List(lookup.readonlyIndexes, `addressTableLookups[${index}].readonlyIndexes`);
      compact(readonly.length);
      push(Uint8Array.from(readonly));
    });
  } else if (Array.isArray(decoded.addressTableLookups) && decoded.addressTableLookups.length > 0) {
    throw invalid("addressTableLookups", "a legacy message has no address-table lookups");
  }
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const out = new Uint8Array(total);
  let position = 0;
  for (const chunk of chunks) {
    out.set(chunk, position);
    position += chunk.length;
  }
  return out;
}
