// Loads the C2SP CCTV ed25519 vectors (tests/conformance/ed25519/, copied from ../shared/conformance)
// and the verdict Solana expects for each, from the rule in their README: a vector verifies iff its
// flags are null/empty, exactly [low_order_component_A], or exactly those plus low_order_component_R.
import { resolve } from "node:path";

export interface Ed25519Vector {
  number: number;
  key: string;
  sig: string;
  msg: string;
  flags: string[] | null;
}

export interface DecodedVector {
  number: number;
  publicKey: Uint8Array;
  signature: Uint8Array;
  message: Uint8Array;
  flags: string[];
  solanaAccepts: boolean;
}

export const VECTORS_PATH = resolve(import.meta.dir, "ed25519/ed25519vectors.json");

export function solanaAccepts(flags: string[] | null): boolean {
  if (flags === null || flags.length === 0) return true;
  const sorted = [...flags].sort().join(",");
  return sorted === "low_order_component_A" || sorted === "low_order_component_A,low_order_component_R";
}

export async function loadVectors(): Promise<DecodedVector[]> {
  const raw = (await Bun.file(VECTORS_PATH).json()) as Ed25519Vector[];
  return raw.map((vector) => ({
    number: vector.number,
    publicKey: Uint8Array.from(Buffer.from(vector.key, "hex")),
    signature: Uint8Array.from(Buffer.from(vector.sig, "hex")),
    message: new TextEncoder().encode(vector.msg),
    flags: vector.flags ?? [],
    solanaAccepts: solanaAccepts(vector.flags),
  }));
}

/** Packs vectors into one buffer (optionally SharedArrayBuffer-backed) with batch offsets. */
export function packVectors(
  vectors: DecodedVector[],
  options: { shared?: boolean; leadingBytes?: number } = {},
): {
  buffer: Uint8Array;
  signatureOffsets: Uint32Array;
  publicKeyOffsets: Uint32Array;
  messageOffsets: Uint32Array;
  messageLengths: Uint32Array;
} {
  const leadingBytes = options.leadingBytes ?? 0;
  const totalBytes = leadingBytes + vectors.reduce((sum, vector) => sum + 96 + vector.message.length, 0);
  const backing = options.shared ? new SharedArrayBuffer(totalBytes) : new ArrayBuffer(totalBytes);
  const buffer = new Uint8Array(backing);
  const count = vectors.length;
  const offsets = {
    signatureOffsets: new Uint32Array(count),
    publicKeyOffsets: new Uint32Array(count),
    messageOffsets: new Uint32Array(count),
    messageLengths: new Uint32Array(count),
  };
  let cursor = leadingBytes;
  vectors.forEach((vector, index) => {
    // Message first, then key, then signature: offsets are not in signature order, as in a packet.
    offsets.messageOffsets[index] = cursor;
    offsets.messageLengths[index] = vector.message.length;
    buffer.set(vector.message, cursor);
    cursor += vector.message.length;
    offsets.publicKeyOffsets[index] = cursor;
    buffer.set(vector.publicKey, cursor);
    cursor += 32;
    offsets.signatureOffsets[index] = cursor;
    buffer.set(vector.signature, cursor);
    cursor += 64;
  });
  return { buffer, ...offsets };
}

/** The four offset arrays of a batch, in verifyBatch's argument order. */
export function offsetArrays(offsets: {
  signatureOffsets: Uint32Array;
  publicKeyOffsets: Uint32Array;
  messageOffsets: Uint32Array;
  messageLengths: Uint32Array;
}): [Uint32Array, Uint32Array, Uint32Array, Uint32Array] {
  return [offsets.signatureOffsets, offsets.publicKeyOffsets, offsets.messageOffsets, offsets.messageLengths];
}
