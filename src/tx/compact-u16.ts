// Solana's compact-u16 ("short_vec" length): 7 bits per byte, little-endian, high bit = more bytes follow.
// Decoding is exactly as solana-short-vec: at most 3 bytes, the 3rd may not continue, the value must fit
// in u16, and a zero byte after the first is an alias (non-minimal encoding) and rejected.
import { TX_COMPACT_U16_NON_MINIMAL, TX_COMPACT_U16_OVERFLOW, TX_TRUNCATED } from "./errors.ts";

/** Result packing of readCompactU16: value in the low 16 bits, encoded byte length above them. */
export const COMPACT_U16_LENGTH_SHIFT = 16;
export const COMPACT_U16_VALUE_MASK = 0xffff;

/**
 * Reads a compact-u16 at `position` (not reading at or past `end`).
 * Returns `value | (byteLength << 16)` (≥ 0) on success or `-errorCode` on failure. Allocates nothing.
 */
export function readCompactU16(bytes: Uint8Array, position: number, end: number): number {
  if (position >= end) return -TX_TRUNCATED;
  const byte0 = bytes[position];
  if ((byte0 & 0x80) === 0) return byte0 | (1 << COMPACT_U16_LENGTH_SHIFT);
  if (position + 1 >= end) return -TX_TRUNCATED;
  const byte1 = bytes[position + 1];
  if (byte1 === 0) return -TX_COMPACT_U16_NON_MINIMAL;
  if ((byte1 & 0x80) === 0) return (byte0 & 0x7f) | (byte1 << 7) | (2 << COMPACT_U16_LENGTH_SHIFT);
  if (position + 2 >= end) return -TX_TRUNCATED;
  const byte2 = bytes[position + 2];
  if (byte2 === 0) return -TX_COMPACT_U16_NON_MINIMAL;
  // The third byte may carry only 2 value bits (bits 14..15) and may not continue.
  if (byte2 > 0x03) return -TX_COMPACT_U16_OVERFLOW;
  return (byte0 & 0x7f) | ((byte1 & 0x7f) << 7) | (byte2 << 14) | (3 << COMPACT_U16_LENGTH_SHIFT);
}

/** Number of bytes the compact-u16 encoding of `value` (0..0xffff) takes. */
export function compactU16ByteLength(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : 3;
}

/** Writes the minimal compact-u16 encoding of `value` at `position`; returns the next position. */
export function writeCompactU16(value: number, bytes: Uint8Array, position: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new RangeError(`compact-u16 value out of range: ${value}`);
  }
  let remaining = value;
  let cursor = position;
  for (;;) {
    const low7 = remaining & 0x7f;
    remaining >>>= 7;
    if (remaining === 0) {
      bytes[cursor++] = low7;
      return cursor;
    }
    bytes[cursor++] = low7 | 0x80;
  }
}
