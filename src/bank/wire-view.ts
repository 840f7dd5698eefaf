// Strict, allocation-light view of one Solana wire transaction (legacy or v0) for the bank: where the
// signatures, account keys, blockhash and instructions sit. It exists so that malformed bytes are refused
// with a reason *before* they reach litesvm (whose deserializer panics and aborts the process on them).
// Layout facts: solana-transaction / solana-message (short_vec lengths, 0x80 version prefix, header of
// three u8 counts, 32-byte keys and blockhash, compiled instructions, v0 address-table lookups).
import {
  BANK_TX_MALFORMED,
  BANK_TX_TOO_LARGE,
  BANK_TX_UNSUPPORTED_VERSION,
  bankError,
} from "./bank-errors.ts";

/** Largest transaction a packet (and the RPC) accepts: PACKET_DATA_SIZE = 1280 - 40 - 8. */
export const PACKET_DATA_SIZE_BYTES = 1232;
const SIGNATURE_BYTES = 64;
const PUBKEY_BYTES = 32;
const MESSAGE_VERSION_PREFIX = 0x80;

export interface CompiledInstructionView {
  programIdIndex: number;
  accountIndexes: Uint8Array;
  data: Uint8Array;
}

export interface WireTransactionView {
  bytes: Uint8Array;
  version: "legacy" | 0;
  signatureCount: number;
  /** Offset of the first signature (after the short_vec count). */
  signaturesOffset: number;
  messageOffset: number;
  numRequiredSignatures: number;
  numReadonlySigned: number;
  numReadonlyUnsigned: number;
  /** Static account keys (not those loaded through lookup tables). */
  staticKeyCount: number;
  staticKeysOffset: number;
  blockhashOffset: number;
  instructions: CompiledInstructionView[];
  lookupTableCount: number;
  /** Writable / readonly indexes loaded through lookup tables, in total. */
  lookupWritableCount: number;
  lookupReadonlyCount: number;
}

function malformed(reason: string, offset: number) {
  return bankError(BANK_TX_MALFORMED, "BANK_TX_MALFORMED", `malformed transaction: ${reason}`, { offset });
}

/** Reads a canonical short_vec u16 (1–3 bytes); returns [value, bytesRead]. */
export function readShortU16(bytes: Uint8Array, offset: number): [number, number] {
  let value = 0;
  for (let index = 0; index < 3; index++) {
    if (offset + index >= bytes.length) throw malformed("truncated length prefix", offset);
    const byte = bytes[offset + index]!;
    value |= (byte & 0x7f) << (7 * index);
    if ((byte & 0x80) === 0) {
      if (byte === 0 && index > 0) throw malformed("non-canonical length prefix", offset);
      if (value > 0xffff) throw malformed("length prefix overflows u16", offset);
      return [value, index + 1];
    }
    if (index === 2) throw malformed("length prefix longer than 3 bytes", offset);
  }
  throw malformed("length prefix longer than 3 bytes", offset);
}

/** Parses and sanity-checks the structure; throws OutriderError(BANK_TX_*) with the reason. */
export function viewWireTransaction(bytes: Uint8Array): WireTransactionView {
  if (bytes.length > PACKET_DATA_SIZE_BYTES) {
    throw bankError(
      BANK_TX_TOO_LARGE,
      "BANK_TX_TOO_LARGE",
      `transaction is ${bytes.length} bytes, more than the ${PACKET_DATA_SIZE_BYTES}-byte maximum`,
      { lengthBytes: bytes.length },
    );
  }
  let cursor = 0;
  const need = (count: number, what: string) => {
    if (cursor + count > bytes.length) throw malformed(`truncated ${what}`, cursor);
  };
  const [signatureCount, sigLenBytes] = readShortU16(bytes, cursor);
  cursor += sigLenBytes;
  const signaturesOffset = cursor;
  need(signatureCount * SIGNATURE_BYTES, "signatures");
  cursor += signatureCount * SIGNATURE_BYTES;
  const messageOffset = cursor;
  need(1, "message header");
  let version: "legacy" | 0 = "legacy";
  if ((bytes[cursor]! & MESSAGE_VERSION_PREFIX) !== 0) {
    const versionNumber = bytes[cursor]! & 0x7f;
    if (versionNumber !== 0) {
      throw bankError(
        BANK_TX_UNSUPPORTED_VERSION,
        "BANK_TX_UNSUPPORTED_VERSION",
        `unsupported transaction version ${versionNumber}`,
        { version: versionNumber },
      );
    }
    version = 0;
    cursor += 1;
  }
  need(3, "message header");
  const numRequiredSignatures = bytes[cursor]!;
  const numReadonlySigned = bytes[cursor + 1]!;
  const numReadonlyUnsigned = bytes[cursor + 2]!;
  cursor += 3;
  const [staticKeyCount, keyLenBytes] = readShortU16(bytes, cursor);
  cursor += keyLenBytes;
  const staticKeysOffset = cursor;
  need(staticKeyCount * PUBKEY_BYTES, "account keys");
  cursor += staticKeyCount * PUBKEY_BYTES;
  const blockhashOffset = cursor;
  need(PUBKEY_BYTES, "recent blockhash");
  cursor += PUBKEY_BYTES;
  const [instructionCount, ixLenBytes] = readShortU16(bytes, cursor);
  cursor += ixLenBytes;
  const instructions: CompiledInstructionView[] = [];
  for (let ix = 0; ix < instructionCount; ix++) {
    need(1, "instruction program index");
    const programIdIndex = bytes[cursor]!;
    cursor += 1;
    const [accountCount, accLenBytes] = readShortU16(bytes, cursor);
    cursor += accLenBytes;
    need(accountCount, "instruction accounts");
    const accountIndexes = bytes.subarray(cursor, cursor + accountCount);
    cursor += accountCount;
    const [dataLength, dataLenBytes] = readShortU16(bytes, cursor);
    cursor += dataLenBytes;
    need(dataLength, "instruction data");
    const data = bytes.subarray(cursor, cursor + dataLength);
    cursor += dataLength;
    instructions.push({ programIdIndex, accountIndexes, data });
  }
  let lookupTableCount = 0;
  let lookupWritableCount = 0;
  let lookupReadonlyCount = 0;
  if (version === 0) {
    const [tableCount, tableLenBytes] = readShortU16(bytes, cursor);
    cursor += tableLenBytes;
    lookupTableCount = tableCount;
    for (let table = 0; table < tableCount; table++) {
      need(PUBKEY_BYTES, "lookup table address");
      cursor += PUBKEY_BYTES;
      const [writableCount, wLenBytes] = readShortU16(bytes, cursor);
      cursor += wLenBytes;
      need(writableCount, "lookup writable indexes");
      cursor += writableCount;
      const [readonlyCount, rLenBytes] = readShortU16(bytes, cursor);
      cursor += rLenBytes;
      need(readonlyCount, "lookup readonly indexes");
      cursor += readonlyCount;
      lookupWritableCount += writableCount;
      lookupReadonlyCount += readonlyCount;
    }
  }
  if (cursor !== bytes.length) throw malformed(`${bytes.length - cursor} trailing bytes`, cursor);
  if (signatureCount === 0) throw malformed("no signatures", signaturesOffset);
  if (numRequiredSignatures !== signatureCount) {
    throw malformed(
      `header requires ${numRequiredSignatures} signatures but ${signatureCount} are present`,
      messageOffset,
    );
  }
  if (numReadonlySigned >= numRequiredSignatures) throw malformed("fee payer is not writable", messageOffset);
  if (numRequiredSignatures + numReadonlyUnsigned > staticKeyCount) {
    throw malformed("header counts exceed the number of account keys", messageOffset);
  }
  const totalKeys = staticKeyCount + lookupWritableCount + lookupReadonlyCount;
  if (totalKeys > 256) throw malformed(`${totalKeys} account keys, more than 256`, staticKeysOffset);
  for (const instruction of instructions) {
    if (instruction.programIdIndex === 0 || instruction.programIdIndex >= staticKeyCount) {
      throw malformed(`instruction program index ${instruction.programIdIndex} is invalid`, blockhashOffset);
    }
    for (const accountIndex of instruction.accountIndexes) {
      if (accountIndex >= totalKeys)
        throw malformed(`instruction account index ${accountIndex} out of range`, 0);
    }
  }
  return {
    bytes,
    version,
    signatureCount,
    signaturesOffset,
    messageOffset,
    numRequiredSignatures,
    numReadonlySigned,
    numReadonlyUnsigned,
    staticKeyCount,
    staticKeysOffset,
    blockhashOffset,
    instructions,
    lookupTableCount,
    lookupWritableCount,
    lookupReadonlyCount,
  };
}

export function staticKeyBytes(view: WireTransactionView, index: number): Uint8Array {
  const start = view.staticKeysOffset + index * PUBKEY_BYTES;
  return view.bytes.subarray(start, start + PUBKEY_BYTES);
}

export function firstSignatureBytes(view: WireTransactionView): Uint8Array {
  return view.bytes.subarray(view.signaturesOffset, view.signaturesOffset + SIGNATURE_BYTES);
}

export function blockhashBytes(view: WireTransactionView): Uint8Array {
  return view.bytes.subarray(view.blockhashOffset, view.blockhashOffset + PUBKEY_BYTES);
}

/** Static keys that the message marks writable (lookup-table writables are counted, not listed). */
export function isStaticKeyWritable(view: WireTransactionView, index: number): boolean {
  if (index < view.numRequiredSignatures) return index < view.numRequiredSignatures - view.numReadonlySigned;
  return index < view.staticKeyCount - view.numReadonlyUnsigned;
}
