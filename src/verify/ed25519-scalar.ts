// Canonical scalar test for the S half of an ed25519 signature: S must be below the group order
// L = 2^252 + 27742317777372353535851937790883648493 (verify_strict rejects S >= L: malleability).

/** L, little-endian. */
export const GROUP_ORDER_LE = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);

/** True when the 32-byte little-endian scalar at offset is < L. Allocates nothing. */
export function isCanonicalScalar(bytes: Uint8Array, offset: number): boolean {
  for (let index = 31; index >= 0; index--) {
    const byte = bytes[offset + index];
    const orderByte = GROUP_ORDER_LE[index];
    if (byte < orderByte) return true;
    if (byte > orderByte) return false;
  }
  return false; // equal to L
}
