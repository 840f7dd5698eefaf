// Solana's message hash, Message::hash_raw_message: blake3("solana-tx-message-v1" || message bytes),
// over the signed message bytes of a parsed transaction, written into a caller buffer; allocates nothing.
import { BLAKE3_OUT_BYTES, Blake3Hasher } from "./blake3.ts";
import type { ParsedTransaction } from "./parsed-transaction.ts";

export const MESSAGE_HASH_PREFIX = new TextEncoder().encode("solana-tx-message-v1");
export const MESSAGE_HASH_BYTES = BLAKE3_OUT_BYTES;
const hasher = new Blake3Hasher();

/** Message hash of message bytes[offset, offset+length) into out[outOffset … +32). */
export function messageHashInto(
  bytes: Uint8Array,
  offset: number,
  length: number,
  out: Uint8Array,
  outOffset = 0,
): void {
  hasher.reset().update(MESSAGE_HASH_PREFIX, 0, MESSAGE_HASH_PREFIX.length);
  hasher.update(bytes, offset, length).finalizeInto(out, outOffset);
}

/** Message hash of a successfully parsed transaction into out[outOffset … +32). */
export function parsedMessageHashInto(parsed: ParsedTransaction, out: Uint8Array, outOffset = 0): void {
  messageHashInto(parsed.bytes, parsed.messageOffset, parsed.messageLength, out, outOffset);
}
