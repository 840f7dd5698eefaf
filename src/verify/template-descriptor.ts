// Transaction shape descriptor: the bytes that say what a transaction looks like, without its values —
// version, signature count, header, key count, per instruction its program id index, the key positions
// it uses, its data length and its discriminator (the leading data bytes the program's layout uses to
// pick the instruction), the lookup shape, and the 32-byte ids of the programs invoked. Two transactions
// with equal descriptors have the same wire layout and pass or fail every shape-only rule alike. Written
// into a caller's preallocated buffer together with a stable 64-bit id (two u32 halves); allocates nothing.

import { base58Decode } from "../tx/base58.ts";
import { PUBKEY_BYTES } from "../tx/limits.ts";
import type { ParsedTransaction } from "../tx/parsed-transaction.ts";
import { VERSION_V0 } from "../tx/parsed-transaction.ts";

/** Descriptor bytes a template may take; a longer shape is not cached (it takes the full path). */
export const TEMPLATE_DESCRIPTOR_BYTES_MAX = 384;
export const TEMPLATE_INSTRUCTIONS_MAX = 16;
export const TEMPLATE_LOOKUPS_MAX = 8;
/** Static keys a template may describe (Agave locks at most 64 accounts). */
export const TEMPLATE_STATIC_KEYS_MAX = 64;
/** Returned by writeDescriptor for a shape that is not cached. */
export const DESCRIPTOR_UNCACHEABLE = -1;
/** Discriminator length for programs without a table entry: Anchor's 8-byte convention. */
const DEFAULT_DISCRIMINATOR_BYTES = 8;

/** Programs whose instruction layout has a known discriminator width. */
const KNOWN_DISCRIMINATORS: ReadonlyArray<readonly [string, number]> = [
  ["11111111111111111111111111111111", 4], // system program: u32 enum tag
  ["ComputeBudget111111111111111111111111111111", 1], // borsh u8 tag
  ["TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", 1], // SPL Token: u8 tag
  ["TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb", 1], // Token-2022: u8 tag (extensions add a 2nd byte)
  ["ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL", 1], // associated token account: u8 (empty = Create)
  ["MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr", 0], // memo v2: free text, no tag
  ["Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo", 0], // memo v1
  ["Vote111111111111111111111111111111111111111", 4], // vote: u32 enum tag
  ["Ed25519SigVerify111111111111111111111111111", 1], // precompiles: first byte = signature count
  ["KeccakSecp256k11111111111111111111111111111", 1],
  ["Secp256r1SigVerify1111111111111111111111111", 1],
];

const KNOWN_IDS = new Uint8Array(KNOWN_DISCRIMINATORS.length * PUBKEY_BYTES);
const KNOWN_WIDTHS = new Uint8Array(KNOWN_DISCRIMINATORS.length);
/** First byte of an id → 1 when some known program id starts with it (quick reject). */
const KNOWN_FIRST_BYTE = new Uint8Array(256);
KNOWN_DISCRIMINATORS.forEach(([address, width], index) => {
  const id = base58Decode(address);
  if (id === null || id.length !== PUBKEY_BYTES) throw new Error(`template: bad program address ${address}`);
  KNOWN_IDS.set(id, index * PUBKEY_BYTES);
  KNOWN_WIDTHS[index] = width;
  KNOWN_FIRST_BYTE[id[0]] = 1;
});

/** Discriminator width (bytes) of the program whose id is at bytes[keyOffset..+32). */
export function discriminatorWidth(bytes: Uint8Array, keyOffset: number): number {
  if (KNOWN_FIRST_BYTE[bytes[keyOffset]] === 0) return DEFAULT_DISCRIMINATOR_BYTES;
  for (let known = 0; known < KNOWN_WIDTHS.length; known++) {
    const base = known * PUBKEY_BYTES;
    let index = 0;
    while (index < PUBKEY_BYTES && bytes[keyOffset + index] === KNOWN_IDS[base + index]) index++;
    if (index === PUBKEY_BYTES) return KNOWN_WIDTHS[known];
  }
  return DEFAULT_DISCRIMINATOR_BYTES;
}

/** Result of writeDescriptor besides the length: the template id's two halves. */
export class DescriptorId {
  idHi = 0;
  idLo = 0;
}

/**
 * Writes the shape descriptor of a wire-parsed transaction into out[0..) and its id into `id`.
 * Returns the descriptor length, or DESCRIPTOR_UNCACHEABLE when the shape exceeds the template bounds or
 * names a program id outside the static keys (the full path then decides, and rejects it).
 */
export function writeDescriptor(parsed: ParsedTransaction, out: Uint8Array, id: DescriptorId): number {
  const bytes = parsed.bytes;
  const instructionCount = parsed.instructionCount;
  const lookupCount = parsed.lookupCount;
  const staticKeyCount = parsed.staticKeyCount;
  if (
    instructionCount > TEMPLATE_INSTRUCTIONS_MAX ||
    lookupCount > TEMPLATE_LOOKUPS_MAX ||
    staticKeyCount > TEMPLATE_STATIC_KEYS_MAX ||
    parsed.signatureCount > 0xff
  ) {
    return DESCRIPTOR_UNCACHEABLE;
  }
  const max = TEMPLATE_DESCRIPTOR_BYTES_MAX;
  let length = 0;
  out[length++] = parsed.version === VERSION_V0 ? 1 : 0;
  out[length++] = parsed.signatureCount;
  out[length++] = parsed.numRequiredSignatures;
  out[length++] = parsed.numReadonlySigned;
  out[length++] = parsed.numReadonlyUnsigned;
  out[length++] = staticKeyCount;
  out[length++] = instructionCount;
  out[length++] = lookupCount;
  for (let lookup = 0; lookup < lookupCount; lookup++) {
    const writable = parsed.lookupWritableCount[lookup];
    const readonly = parsed.lookupReadonlyCount[lookup];
    if (writable > 0xff || readonly > 0xff || length + 2 > max) return DESCRIPTOR_UNCACHEABLE;
    out[length++] = writable;
    out[length++] = readonly;
  }
  for (let instruction = 0; instruction < instructionCount; instruction++) {
    const programIdIndex = parsed.ixProgramIdIndex[instruction];
    if (programIdIndex >= staticKeyCount) return DESCRIPTOR_UNCACHEABLE;
    const accountsCount = parsed.ixAccountsCount[instruction];
    const dataLength = parsed.ixDataLength[instruction];
    const dataOffset = parsed.ixDataOffset[instruction];
    const declared = discriminatorWidth(bytes, parsed.staticKeysOffset + programIdIndex * PUBKEY_BYTES);
    const width = declared < dataLength ? declared : dataLength;
    if (accountsCount > 0xff || length + 6 + accountsCount + width > max) return DESCRIPTOR_UNCACHEABLE;
    out[length++] = programIdIndex;
    out[length++] = accountsCount;
    const accountsOffset = parsed.ixAccountsOffset[instruction];
    for (let account = 0; account < accountsCount; account++) out[length++] = bytes[accountsOffset + account];
    out[length++] = dataLength & 0xff;
    out[length++] = dataLength >>> 8;
    out[length++] = width;
    for (let index = 0; index < width; index++) out[length++] = bytes[dataOffset + index];
  }
  // Program ids, once each, in order of first use.
  for (let instruction = 0; instruction < instructionCount; instruction++) {
    const programIdIndex = parsed.ixProgramIdIndex[instruction];
    let seen = false;
    for (let earlier = 0; earlier < instruction && !seen; earlier++)
      seen = parsed.ixProgramIdIndex[earlier] === programIdIndex;
    if (seen) continue;
    if (length + PUBKEY_BYTES > max) return DESCRIPTOR_UNCACHEABLE;
    const keyOffset = parsed.staticKeysOffset + programIdIndex * PUBKEY_BYTES;
    for (let index = 0; index < PUBKEY_BYTES; index++) out[length++] = bytes[keyOffset + index];
  }
  // Stable id: two independent multiplicative hashes of the descriptor, each finalized (murmur3 fmix).
  let hashHi = 0x811c9dc5 ^ length;
  let hashLo = 0x2545f491 ^ Math.imul(length, 0x9e3779b1);
  for (let index = 0; index < length; index++) {
    const byte = out[index];
    hashHi = Math.imul(hashHi ^ byte, 0x01000193);
    hashLo = Math.imul(hashLo ^ byte, 0x5bd1e995);
    hashLo ^= hashLo >>> 15;
  }
  id.idHi = fmix(hashHi) | 0;
  id.idLo = fmix(hashLo ^ hashHi) | 0;
  return length;
}

function fmix(value: number): number {
  let hash = value;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** Template id as a 64-bit bigint (allocates: reporting only). */
export function templateIdBigInt(idHi: number, idLo: number): bigint {
  return (BigInt(idHi >>> 0) << 32n) | BigInt(idLo >>> 0);
}
