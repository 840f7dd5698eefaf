// The producer side of the prefetch hints, as a verify worker uses it (enable_trading_cache with a hint
// ring): once a transaction has passed verify, the static accounts it locks that are data — writable
// and readonly keys, minus the programs it invokes, Agave's builtins and sysvars (the same set the
// upstream bank prefetches when the transaction reaches it) — are offered to the worker's hint ring, so
// the bank tile can load them while the transaction is still in schedule. Non-blocking and lossy: a
// full ring drops the hint and counts it. Allocates nothing per transaction: the wire is parsed again
// into a reused ParsedTransaction (a wire walk, well under a microsecond; the verify stage's own parse
// has moved on to the next packet by the time the batch's signatures are known).

import { base58Decode } from "../tx/base58.ts";
import { parseTransactionFrame } from "../tx/parse.ts";
import { ParsedTransaction } from "../tx/parsed-transaction.ts";
import { isBuiltinProgramKey, keyEquals } from "../tx/program-ids.ts";
import { type PrefetchHintsDescriptor, PrefetchHintWriter } from "./prefetch-hints.ts";

/** Sysvar ids (they are read by programs, never by trading clients: not worth a cache entry). */
const SYSVAR_ADDRESSES = [
  "Sysvar1111111111111111111111111111111111111",
  "SysvarC1ock11111111111111111111111111111111",
  "SysvarEpochSchedu1e111111111111111111111111",
  "SysvarFees111111111111111111111111111111111",
  "SysvarRecentB1ockHashes11111111111111111111",
  "SysvarRent111111111111111111111111111111111",
  "SysvarRewards111111111111111111111111111111",
  "SysvarS1otHashes111111111111111111111111111",
  "SysvarS1otHistory11111111111111111111111111",
  "SysvarStakeHistory1111111111111111111111111",
  "Sysvar1nstructions1111111111111111111111111",
  "SysvarEpochRewards1111111111111111111111111",
  "SysvarLastRestartS1ot1111111111111111111111",
] as const;
const SYSVAR_IDS = new Uint8Array(SYSVAR_ADDRESSES.length * 32);
for (let index = 0; index < SYSVAR_ADDRESSES.length; index++) {
  SYSVAR_IDS.set(base58Decode(SYSVAR_ADDRESSES[index]) as Uint8Array, index * 32);
}
/** Every sysvar id starts with these bytes ("Sysvar" in base58). */
const SYSVAR_PREFIX_0 = SYSVAR_IDS[0];
const SYSVAR_PREFIX_1 = SYSVAR_IDS[1];

/** True when the 32 bytes at `offset` are a sysvar id. */
export function isSysvarKey(bytes: Uint8Array, offset: number): boolean {
  if (bytes[offset] !== SYSVAR_PREFIX_0 || bytes[offset + 1] !== SYSVAR_PREFIX_1) return false;
  for (let index = 0; index < SYSVAR_ADDRESSES.length; index++) {
    if (keyEquals(bytes, offset, SYSVAR_IDS, index * 32)) return true;
  }
  return false;
}

/** Static keys a message can hold at most (a u8 index addresses them). */
const STATIC_KEYS_MAX = 256;

export class TransactionPrefetchHints {
  /** Addresses taken by the ring. */
  offered = 0;
  /** Addresses dropped because the ring was full (the bank tile is behind). */
  dropped = 0;
  private readonly writer: PrefetchHintWriter;
  private readonly parsed = new ParsedTransaction();
  /** Per static key index: 1 while it is an invoked program of the transaction being offered. */
  private readonly invoked = new Uint8Array(STATIC_KEYS_MAX);

  constructor(descriptor: PrefetchHintsDescriptor) {
    this.writer = new PrefetchHintWriter(descriptor);
  }

  /**
   * Offers the data accounts of the transaction in bytes[0, length) (a verified wire); returns how many
   * the ring took. A wire that does not parse offers nothing.
   */
  offerTransaction(bytes: Uint8Array, length: number): number {
    const parsed = this.parsed;
    if (parseTransactionFrame(bytes, length, parsed) !== 0) return 0;
    const invoked = this.invoked;
    const instructions = parsed.instructionCount;
    for (let instruction = 0; instruction < instructions; instruction++)
      invoked[parsed.ixProgramIdIndex[instruction]] = 1;
    const keys = Math.min(parsed.staticKeyCount, STATIC_KEYS_MAX);
    let taken = 0;
    for (let key = 0; key < keys; key++) {
      if (invoked[key] === 1) continue;
      const offset = parsed.staticKeyOffset(key);
      if (isBuiltinProgramKey(bytes, offset) || isSysvarKey(bytes, offset)) continue;
      if (this.writer.offer(bytes, offset)) taken++;
      else this.dropped++;
    }
    for (let instruction = 0; instruction < instructions; instruction++)
      invoked[parsed.ixProgramIdIndex[instruction]] = 0;
    this.offered += taken;
    return taken;
  }
}
