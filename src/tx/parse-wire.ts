// Zero-copy reader of the transaction wire format (legacy and v0): walks the bytes once, checks every
// length against the end, and records offsets/counts into a reusable ParsedTransaction. Structure only:
// the semantic rules Agave applies live in sanitize.ts. Allocates nothing.
import { COMPACT_U16_LENGTH_SHIFT, COMPACT_U16_VALUE_MASK, readCompactU16 } from "./compact-u16.ts";
import {
  TX_BAD_BOUNDS,
  TX_OK,
  TX_TOO_LARGE,
  TX_TRAILING_BYTES,
  TX_TRUNCATED,
  TX_UNSUPPORTED_VERSION,
} from "./errors.ts";
import {
  BLOCKHASH_BYTES,
  MAX_INSTRUCTIONS_PER_PACKET,
  MAX_LOOKUPS_PER_PACKET,
  MESSAGE_HEADER_BYTES,
  MESSAGE_VERSION_PREFIX,
  PACKET_DATA_SIZE,
  PUBKEY_BYTES,
  SIGNATURE_BYTES,
} from "./limits.ts";
import { type ParsedTransaction, VERSION_LEGACY, VERSION_V0 } from "./parsed-transaction.ts";

const MIN_INSTRUCTION_BYTES = 3;
const MIN_LOOKUP_BYTES = PUBKEY_BYTES + 2;

function fail(out: ParsedTransaction, code: number, absoluteOffset: number): number {
  out.errorCode = code;
  out.errorOffset = absoluteOffset - out.txOffset;
  return code;
}

/**
 * Parses the transaction in bytes[offset, offset+length) into `out`. Returns 0 or a tx error code
 * (then `out.errorOffset` is where, relative to `offset`). Does not apply sanitize rules.
 */
export function parseTransactionWire(
  bytes: Uint8Array,
  offset: number,
  length: number,
  out: ParsedTransaction,
): number {
  out.bytes = bytes;
  out.txOffset = offset;
  out.txLength = length;
  out.errorCode = TX_OK;
  out.errorOffset = 0;
  out.instructionCount = 0;
  out.lookupCount = 0;
  out.lookupsOffset = -1;
  out.lookupWritableTotal = 0;
  out.lookupReadonlyTotal = 0;
  out.signatureCount = 0;
  out.staticKeyCount = 0;
  if (!(offset >= 0 && length >= 0 && offset + length <= bytes.length)) {
    out.txOffset = 0;
    return fail(out, TX_BAD_BOUNDS, 0);
  }
  if (length > PACKET_DATA_SIZE) return fail(out, TX_TOO_LARGE, offset + PACKET_DATA_SIZE);
  const end = offset + length;
  let position = offset;

  // Signatures.
  let compact = readCompactU16(bytes, position, end);
  if (compact < 0) return fail(out, -compact, position);
  const signatureCount = compact & COMPACT_U16_VALUE_MASK;
  position += compact >>> COMPACT_U16_LENGTH_SHIFT;
  if (signatureCount * SIGNATURE_BYTES > end - position) return fail(out, TX_TRUNCATED, position);
  out.signatureCount = signatureCount;
  out.signaturesOffset = position;
  position += signatureCount * SIGNATURE_BYTES;

  // Message: optional version prefix, then the header.
  out.messageOffset = position;
  if (position >= end) return fail(out, TX_TRUNCATED, position);
  const firstByte = bytes[position];
  if ((firstByte & MESSAGE_VERSION_PREFIX) !== 0) {
    if ((firstByte & ~MESSAGE_VERSION_PREFIX) !== 0) return fail(out, TX_UNSUPPORTED_VERSION, position);
    out.version = VERSION_V0;
    position++;
  } else {
    out.version = VERSION_LEGACY;
  }
  if (end - position < MESSAGE_HEADER_BYTES) return fail(out, TX_TRUNCATED, position);
  out.headerOffset = position;
  out.numRequiredSignatures = bytes[position];
  out.numReadonlySigned = bytes[position + 1];
  out.numReadonlyUnsigned = bytes[position + 2];
  position += MESSAGE_HEADER_BYTES;

  // Static account keys.
  compact = readCompactU16(bytes, position, end);
  if (compact < 0) return fail(out, -compact, position);
  const staticKeyCount = compact & COMPACT_U16_VALUE_MASK;
  position += compact >>> COMPACT_U16_LENGTH_SHIFT;
  if (staticKeyCount * PUBKEY_BYTES > end - position) return fail(out, TX_TRUNCATED, position);
  out.staticKeyCount = staticKeyCount;
  out.staticKeysOffset = position;
  position += staticKeyCount * PUBKEY_BYTES;

  // Recent blockhash.
  if (end - position < BLOCKHASH_BYTES) return fail(out, TX_TRUNCATED, position);
  out.recentBlockhashOffset = position;
  position += BLOCKHASH_BYTES;

  // Instructions.
  compact = readCompactU16(bytes, position, end);
  if (compact < 0) return fail(out, -compact, position);
  const instructionCount = compact & COMPACT_U16_VALUE_MASK;
  position += compact >>> COMPACT_U16_LENGTH_SHIFT;
  if (instructionCount * MIN_INSTRUCTION_BYTES > end - position) return fail(out, TX_TRUNCATED, position);
  // Implied by the length check above and length ≤ 1232; guards the preallocated tables.
  if (instructionCount > MAX_INSTRUCTIONS_PER_PACKET) return fail(out, TX_TRUNCATED, position);
  for (let instruction = 0; instruction < instructionCount; instruction++) {
    out.ixOffset[instruction] = position;
    out.ixProgramIdIndex[instruction] = bytes[position];
    position++;
    compact = readCompactU16(bytes, position, end);
    if (compact < 0) return fail(out, -compact, position);
    const accountsCount = compact & COMPACT_U16_VALUE_MASK;
    position += compact >>> COMPACT_U16_LENGTH_SHIFT;
    if (accountsCount > end - position) return fail(out, TX_TRUNCATED, position);
    out.ixAccountsOffset[instruction] = position;
    out.ixAccountsCount[instruction] = accountsCount;
    position += accountsCount;
    compact = readCompactU16(bytes, position, end);
    if (compact < 0) return fail(out, -compact, position);
    const dataLength = compact & COMPACT_U16_VALUE_MASK;
    position += compact >>> COMPACT_U16_LENGTH_SHIFT;
    if (dataLength > end - position) return fail(out, TX_TRUNCATED, position);
    out.ixDataOffset[instruction] = position;
    out.ixDataLength[instruction] = dataLength;
    position += dataLength;
    out.instructionCount = instruction + 1;
  }

  // Address-table lookups (v0).
  if (out.version === VERSION_V0) {
    out.lookupsOffset = position;
    compact = readCompactU16(bytes, position, end);
    if (compact < 0) return fail(out, -compact, position);
    const lookupCount = compact & COMPACT_U16_VALUE_MASK;
    position += compact >>> COMPACT_U16_LENGTH_SHIFT;
    if (lookupCount * MIN_LOOKUP_BYTES > end - position) return fail(out, TX_TRUNCATED, position);
    if (lookupCount > MAX_LOOKUPS_PER_PACKET) return fail(out, TX_TRUNCATED, position);
    let writableTotal = 0;
    let readonlyTotal = 0;
    for (let lookup = 0; lookup < lookupCount; lookup++) {
      if (end - position < PUBKEY_BYTES) return fail(out, TX_TRUNCATED, position);
      out.lookupKeyOffset[lookup] = position;
      position += PUBKEY_BYTES;
      compact = readCompactU16(bytes, position, end);
      if (compact < 0) return fail(out, -compact, position);
      const writableCount = compact & COMPACT_U16_VALUE_MASK;
      position += compact >>> COMPACT_U16_LENGTH_SHIFT;
      if (writableCount > end - position) return fail(out, TX_TRUNCATED, position);
      out.lookupWritableOffset[lookup] = position;
      out.lookupWritableCount[lookup] = writableCount;
      position += writableCount;
      compact = readCompactU16(bytes, position, end);
      if (compact < 0) return fail(out, -compact, position);
      const readonlyCount = compact & COMPACT_U16_VALUE_MASK;
      position += compact >>> COMPACT_U16_LENGTH_SHIFT;
      if (readonlyCount > end - position) return fail(out, TX_TRUNCATED, position);
      out.lookupReadonlyOffset[lookup] = position;
      out.lookupReadonlyCount[lookup] = readonlyCount;
      position += readonlyCount;
      writableTotal += writableCount;
      readonlyTotal += readonlyCount;
      out.lookupCount = lookup + 1;
    }
    out.lookupWritableTotal = writableTotal;
    out.lookupReadonlyTotal = readonlyTotal;
  }

  if (position !== end) return fail(out, TX_TRAILING_BYTES, position);
  out.messageLength = end - out.messageOffset;
  return TX_OK;
}
