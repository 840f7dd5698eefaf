// Public surface of the Solana transaction wire-format module (src/tx): parse, sanitize, compute budget
// and fees, message hash, decode/serialize, base58, BLAKE3.
export * from "./base58.ts";
export * from "./blake3.ts";
export * from "./compact-u16.ts";
export * from "./compute-budget.ts";
export * from "./decode.ts";
export type * from "./decoded-transaction.ts";
export * from "./errors.ts";
export * from "./limits.ts";
export * from "./message-hash.ts";
export * from "./parse.ts";
export * from "./parse-wire.ts";
export * from "./parsed-transaction.ts";
export * from "./program-ids.ts";
export * from "./sanitize.ts";
export * from "./serialize.ts";
