// Program ids the parser recognises by their 32 raw bytes: the compute-budget program, the signature
// precompiles (their signatures are charged like transaction signatures) and Agave's builtins (whose
// instructions get 3,000 default compute units instead of 200,000, SIMD-0170).
import { base58Decode } from "./base58.ts";

function idBytes(address: string): Uint8Array {
  const bytes = base58Decode(address);
  if (bytes === null || bytes.length !== 32)
    throw new Error(`program id is not a 32-byte address: ${address}`);
  return bytes;
}

export const COMPUTE_BUDGET_PROGRAM_ADDRESS = "ComputeBudget111111111111111111111111111111";
export const ED25519_PROGRAM_ADDRESS = "Ed25519SigVerify111111111111111111111111111";
export const SECP256K1_PROGRAM_ADDRESS = "KeccakSecp256k11111111111111111111111111111";
export const SECP256R1_PROGRAM_ADDRESS = "Secp256r1SigVerify1111111111111111111111111";

export const COMPUTE_BUDGET_PROGRAM_ID = idBytes(COMPUTE_BUDGET_PROGRAM_ADDRESS);
export const ED25519_PROGRAM_ID = idBytes(ED25519_PROGRAM_ADDRESS);
export const SECP256K1_PROGRAM_ID = idBytes(SECP256K1_PROGRAM_ADDRESS);
export const SECP256R1_PROGRAM_ID = idBytes(SECP256R1_PROGRAM_ADDRESS);

/** Agave builtins-default-costs NON_MIGRATING_BUILTINS_COSTS (no builtin is migrating today). */
export const BUILTIN_PROGRAM_ADDRESSES = [
  "Vote111111111111111111111111111111111111111",
  "11111111111111111111111111111111",
  COMPUTE_BUDGET_PROGRAM_ADDRESS,
  "BPFLoaderUpgradeab1e11111111111111111111111",
  "BPFLoader1111111111111111111111111111111111",
  "BPFLoader2111111111111111111111111111111111",
  "LoaderV411111111111111111111111111111111111",
  SECP256K1_PROGRAM_ADDRESS,
  ED25519_PROGRAM_ADDRESS,
] as const;

/** All builtin ids back to back (32 bytes each), for allocation-free comparison. */
export const BUILTIN_PROGRAM_IDS = new Uint8Array(BUILTIN_PROGRAM_ADDRESSES.length * 32);
/** First byte of an id → 1 when some builtin starts with that byte (quick reject, as Agave does). */
export const MAYBE_BUILTIN_FIRST_BYTE = new Uint8Array(256);
BUILTIN_PROGRAM_ADDRESSES.forEach((address, index) => {
  const bytes = idBytes(address);
  BUILTIN_PROGRAM_IDS.set(bytes, index * 32);
  MAYBE_BUILTIN_FIRST_BYTE[bytes[0]] = 1;
});

/** True when bytes[offset, offset+32) equal id[idOffset, idOffset+32). */
export function keyEquals(bytes: Uint8Array, offset: number, id: Uint8Array, idOffset = 0): boolean {
  for (let index = 0; index < 32; index++) {
    if (bytes[offset + index] !== id[idOffset + index]) return false;
  }
  return true;
}

/** True when the 32 bytes at `offset` are one of Agave's builtin program ids. */
export function isBuiltinProgramKey(bytes: Uint8Array, offset: number): boolean {
  if (MAYBE_BUILTIN_FIRST_BYTE[bytes[offset]] === 0) return false;
  for (let index = 0; index < BUILTIN_PROGRAM_ADDRESSES.length; index++) {
    if (keyEquals(bytes, offset, BUILTIN_PROGRAM_IDS, index * 32)) return true;
  }
  return false;
}
