// Fixed sizes of the Solana wire format and the true maxima that fit in one 1232-byte packet.
// Every preallocated table in the parser is sized from these, and the derivations are checked at load.

/** Largest transaction Solana accepts (IPv6 MTU 1280 − 40 IP header − 8 UDP header). */
export const PACKET_DATA_SIZE = 1232;
export const SIGNATURE_BYTES = 64;
export const PUBKEY_BYTES = 32;
export const BLOCKHASH_BYTES = 32;
export const MESSAGE_HEADER_BYTES = 3;
/** High bit of the first message byte marks a versioned message. */
export const MESSAGE_VERSION_PREFIX = 0x80;
/** Agave's per-transaction account-lock limit (MAX_TX_ACCOUNT_LOCKS). */
export const MAX_TX_ACCOUNT_LOCKS = 64;
/** Account indexes are u8: a v0 message may address at most 256 keys (static + looked-up). */
export const MAX_ACCOUNT_KEYS_V0 = 256;
/** A compact-u16 (short_vec length) takes at most 3 bytes. */
export const COMPACT_U16_MAX_BYTES = 3;

// Smallest possible encodings of the parts of a transaction, used to derive maxima.
const MIN_INSTRUCTION_BYTES = 3; // program id index + empty accounts vec + empty data vec
const MIN_LOOKUP_BYTES = PUBKEY_BYTES + 2; // key + two empty index vecs (parse-time; sanitize needs one index)
const MIN_FIXED_MESSAGE_BYTES = MESSAGE_HEADER_BYTES + 1 + BLOCKHASH_BYTES; // header, key count, blockhash

/** Instructions that can fit: no signatures, no keys, a 2-byte instruction count. */
export const MAX_INSTRUCTIONS_PER_PACKET = Math.floor(
  (PACKET_DATA_SIZE - 1 - MIN_FIXED_MESSAGE_BYTES - 2) / MIN_INSTRUCTION_BYTES,
);
/** Address-table lookups that can fit in a v0 message with nothing else in it. */
export const MAX_LOOKUPS_PER_PACKET = Math.floor(
  (PACKET_DATA_SIZE - 1 - 1 - MIN_FIXED_MESSAGE_BYTES - 1 - 1) / MIN_LOOKUP_BYTES,
);
/** Static account keys that can fit with no signatures and no instructions. */
export const MAX_STATIC_KEYS_PER_PACKET = Math.floor(
  (PACKET_DATA_SIZE - 1 - MIN_FIXED_MESSAGE_BYTES - 1) / PUBKEY_BYTES,
);
/** Signatures a sanitized transaction can carry: each needs its signer's key too. */
export const MAX_SIGNATURES_PER_PACKET = Math.floor(
  (PACKET_DATA_SIZE - 1 - MIN_FIXED_MESSAGE_BYTES - 1) / (SIGNATURE_BYTES + PUBKEY_BYTES),
);

function assertDerivation(condition: boolean, what: string): void {
  if (!condition) throw new Error(`src/tx/limits.ts: derived bound is inconsistent: ${what}`);
}
// The instruction maximum assumed a 2-byte count; the others assumed 1-byte counts.
assertDerivation(MAX_INSTRUCTIONS_PER_PACKET >= 0x80 && MAX_INSTRUCTIONS_PER_PACKET < 0x4000, "instructions");
assertDerivation(MAX_LOOKUPS_PER_PACKET < 0x80, "lookups");
assertDerivation(MAX_STATIC_KEYS_PER_PACKET < 0x80, "static keys");
assertDerivation(MAX_INSTRUCTIONS_PER_PACKET === 397, "instructions = 397");
assertDerivation(MAX_LOOKUPS_PER_PACKET === 35, "lookups = 35");
assertDerivation(MAX_STATIC_KEYS_PER_PACKET === 37, "static keys = 37");
assertDerivation(MAX_SIGNATURES_PER_PACKET === 12, "signatures = 12");
