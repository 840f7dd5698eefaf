// Base58 (Bitcoin alphabet, as Solana uses for addresses, signatures and blockhashes), own code.
// Converts through limbs of 58^5 (encode) and 2^16 (decode) held in preallocated Float64Arrays, so
// 32- and 64-byte values take a few hundred multiply-adds and no temporary arrays.

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const ALPHABET_CODES = new Uint8Array(58);
/** char code → digit value, 255 = not a base58 character. */
const DIGIT_OF_CHAR_CODE = new Uint8Array(128).fill(255);
for (let digit = 0; digit < 58; digit++) {
  ALPHABET_CODES[digit] = ALPHABET.charCodeAt(digit);
  DIGIT_OF_CHAR_CODE[ALPHABET.charCodeAt(digit)] = digit;
}

const BASE_58_POW_5 = 656_356_768; // 58^5 < 2^30: limb × 2^16 + carry stays exact in a double
/** Longest input either direction supports (bytes, or characters). */
export const BASE58_MAX_BYTES = 1232;
const ENCODE_LIMBS_MAX = Math.ceil((BASE58_MAX_BYTES * 8) / 29) + 1;
const DECODE_LIMBS_MAX = Math.ceil((BASE58_MAX_BYTES * 2) / 2) + 1; // ≥ bytes/2 limbs of 16 bits
const encodeLimbs = new Float64Array(ENCODE_LIMBS_MAX);
const decodeLimbs = new Float64Array(DECODE_LIMBS_MAX);
const encodeDigits = new Uint8Array(ENCODE_LIMBS_MAX * 5);
const decodeBytes = new Uint8Array(BASE58_MAX_BYTES * 2 + 2);
const textDecoder = new TextDecoder("latin1");

/** Base58 text of bytes[offset, offset+length). */
export function base58Encode(bytes: Uint8Array, offset = 0, length = bytes.length - offset): string {
  if (length > BASE58_MAX_BYTES)
    throw new RangeError(`base58Encode: ${length} bytes exceeds ${BASE58_MAX_BYTES}`);
  const end = offset + length;
  let leadingZeros = 0;
  while (leadingZeros < length && bytes[offset + leadingZeros] === 0) leadingZeros++;
  // Little-endian limbs in base 58^5; feed the input 16 bits at a time (one byte for an odd head).
  let limbCount = 0;
  let position = offset + leadingZeros;
  if ((end - position) % 2 === 1) {
    limbCount = feedEncode(bytes[position], 256, limbCount);
    position++;
  }
  for (; position < end; position += 2) {
    limbCount = feedEncode((bytes[position] << 8) | bytes[position + 1], 65536, limbCount);
  }
  // Limbs → base58 digits, most significant first, without leading zero digits.
  let digitCount = 0;
  for (let limbIndex = 0; limbIndex < limbCount; limbIndex++) {
    let limb = encodeLimbs[limbIndex];
    for (let k = 0; k < 5; k++) {
      encodeDigits[digitCount++] = limb % 58;
      limb = Math.floor(limb / 58);
    }
  }
  while (digitCount > 0 && encodeDigits[digitCount - 1] === 0) digitCount--;
  const textLength = leadingZeros + digitCount;
  const text = decodeBytes.length >= textLength ? decodeBytes : new Uint8Array(textLength);
  for (let index = 0; index < leadingZeros; index++) text[index] = ALPHABET_CODES[0];
  for (let index = 0; index < digitCount; index++) {
    text[leadingZeros + index] = ALPHABET_CODES[encodeDigits[digitCount - 1 - index]];
  }
  return textDecoder.decode(text.subarray(0, textLength));
}

function feedEncode(value: number, multiplier: number, limbCount: number): number {
  let carry = value;
  for (let limbIndex = 0; limbIndex < limbCount; limbIndex++) {
    const product = encodeLimbs[limbIndex] * multiplier + carry;
    carry = Math.floor(product / BASE_58_POW_5);
    encodeLimbs[limbIndex] = product - carry * BASE_58_POW_5;
  }
  while (carry > 0) {
    const next = Math.floor(carry / BASE_58_POW_5);
    encodeLimbs[limbCount++] = carry - next * BASE_58_POW_5;
    carry = next;
  }
  return limbCount;
}

/**
 * Decodes base58 `text` into out[outOffset…]; returns the number of bytes written, or -1 when the text
 * has a non-base58 character, is too long, or does not fit in `out`. Allocates nothing.
 */
export function base58DecodeInto(text: string, out: Uint8Array, outOffset = 0): number {
  const length = text.length;
  if (length > encodeDigits.length) return -1;
  let leadingOnes = 0;
  while (leadingOnes < length && text.charCodeAt(leadingOnes) === ALPHABET_CODES[0]) leadingOnes++;
  // Little-endian limbs of 16 bits; feed the digits 5 at a time (fewer for the head).
  let limbCount = 0;
  let position = leadingOnes;
  const headDigits = (length - position) % 5;
  let groupLength = headDigits === 0 ? 5 : headDigits;
  while (position < length) {
    let groupValue = 0;
    let multiplier = 1;
    for (let k = 0; k < groupLength; k++) {
      const code = text.charCodeAt(position + k);
      const digit = code < 128 ? DIGIT_OF_CHAR_CODE[code] : 255;
      if (digit === 255) return -1;
      groupValue = groupValue * 58 + digit;
      multiplier *= 58;
    }
    position += groupLength;
    groupLength = 5;
    let carry = groupValue;
    for (let limbIndex = 0; limbIndex < limbCount; limbIndex++) {
      const product = decodeLimbs[limbIndex] * multiplier + carry;
      carry = Math.floor(product / 65536);
      decodeLimbs[limbIndex] = product - carry * 65536;
    }
    while (carry > 0) {
      if (limbCount >= decodeLimbs.length) return -1;
      decodeLimbs[limbCount++] = carry % 65536;
      carry = Math.floor(carry / 65536);
    }
  }
  // Limbs → big-endian bytes without leading zero bytes.
  let byteCount = 0;
  for (let limbIndex = 0; limbIndex < limbCount; limbIndex++) {
    const limb = decodeLimbs[limbIndex];
    decodeBytes[byteCount++] = limb & 0xff;
    decodeBytes[byteCount++] = limb >>> 8;
  }
  while (byteCount > 0 && decodeBytes[byteCount - 1] === 0) byteCount--;
  const total = leadingOnes + byteCount;
  if (outOffset < 0 || outOffset + total > out.length) return -1;
  for (let index = 0; index < leadingOnes; index++) out[outOffset + index] = 0;
  for (let index = 0; index < byteCount; index++)
    out[outOffset + leadingOnes + index] = decodeBytes[byteCount - 1 - index];
  return total;
}

/** Decodes base58 text to a new Uint8Array, or returns null when the text is not valid base58. */
export function base58Decode(text: string): Uint8Array | null {
  const scratch = new Uint8Array(Math.min(text.length, BASE58_MAX_BYTES * 2));
  const written = base58DecodeInto(text, scratch, 0);
  return written < 0 ? null : scratch.slice(0, written);
}

/** True when `text` is base58 of exactly `byteLength` bytes (e.g. 32 for an address). */
export function isBase58OfLength(text: string, byteLength: number, scratch: Uint8Array): boolean {
  return base58DecodeInto(text, scratch, 0) === byteLength;
}
