// The eight small-order points of edwards25519 (the torsion subgroup), in every encoding, and the
// encoding-canonicality test. A point encoding is 32 bytes: y little-endian in bits 0-254, the sign of
// x in bit 255. Small-order points have y in {0, 1, -1, ±y8} (y8: the order-8 y values); their
// non-canonical encodings add p to y (y = 0, 1 → p, p+1) or set the sign bit when x = 0. Masking the
// sign bit and comparing y against these seven values covers all fourteen encodings.

function hexBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index++)
    bytes[index] = parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

/** y values (sign bit cleared, little-endian) of every small-order point encoding. */
export const SMALL_ORDER_Y_ENCODINGS: readonly Uint8Array[] = [
  // y = 0: the two points of order 4, (±sqrt(-1), 0).
  hexBytes("0000000000000000000000000000000000000000000000000000000000000000"),
  // y = 1: the identity (order 1).
  hexBytes("0100000000000000000000000000000000000000000000000000000000000000"),
  // y = ±y8: the four points of order 8.
  hexBytes("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
  hexBytes("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
  // y = p - 1 = -1: the point of order 2, (0, -1).
  hexBytes("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
  // y = p and y = p + 1: non-canonical encodings of y = 0 and y = 1.
  hexBytes("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
  hexBytes("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
];

/** True when the 32 bytes at offset encode a small-order point (any encoding). Allocates nothing. */
export function isSmallOrderEncoding(bytes: Uint8Array, offset: number): boolean {
  for (let candidate = 0; candidate < SMALL_ORDER_Y_ENCODINGS.length; candidate++) {
    const yBytes = SMALL_ORDER_Y_ENCODINGS[candidate];
    let difference = (bytes[offset + 31] & 0x7f) ^ yBytes[31];
    for (let index = 0; index < 31 && difference === 0; index++)
      difference |= bytes[offset + index] ^ yBytes[index];
    if (difference === 0) return true;
  }
  return false;
}

/** True when y (sign bit cleared) is below p = 2^255 - 19, i.e. the encoding is canonical in y. */
export function isCanonicalYEncoding(bytes: Uint8Array, offset: number): boolean {
  if ((bytes[offset + 31] & 0x7f) !== 0x7f) return true;
  for (let index = 30; index >= 1; index--) if (bytes[offset + index] !== 0xff) return true;
  return bytes[offset] < 0xed;
}
