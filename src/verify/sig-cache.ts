// Signature-verification cache: an exact, bounded set of (signature, public key, message hash) triples
// that verified VALID under Agave's strict rules, so an identical resubmission is not verified again.
// The message hash is Solana's BLAKE3 message hash (src/tx/message-hash.ts): a hit requires all 128
// bytes to match, so any changed byte of the message, signature or key misses and is verified afresh.
// Invalid verdicts are never entered. Storage is set-associative (8 ways per set) over preallocated
// typed arrays with CLOCK (second-chance) eviction inside each set; lookups and inserts allocate nothing.
import { ERROR_DOMAINS, OutriderError } from "../errors.ts";
import { SetClock, setCountFor } from "./set-clock.ts";

/** entriesMax (or another constructor option) out of range. */
export const SIG_CACHE_CONFIG_INVALID = ERROR_DOMAINS.verify + 420;
/** A signature, key or hash range that lies outside its buffer. */
export const SIG_CACHE_OUT_OF_BOUNDS = ERROR_DOMAINS.verify + 421;

export const SIG_CACHE_SIGNATURE_BYTES = 64;
export const SIG_CACHE_PUBLIC_KEY_BYTES = 32;
export const SIG_CACHE_HASH_BYTES = 32;
/** Bytes of one entry's key: signature | public key | message hash. */
const KEY_BYTES = SIG_CACHE_SIGNATURE_BYTES + SIG_CACHE_PUBLIC_KEY_BYTES + SIG_CACHE_HASH_BYTES;
const KEY_OFFSET_PUBLIC_KEY = SIG_CACHE_SIGNATURE_BYTES;
const KEY_OFFSET_HASH = SIG_CACHE_SIGNATURE_BYTES + SIG_CACHE_PUBLIC_KEY_BYTES;
/** Entries per set. */
export const SIG_CACHE_WAYS = 8;
/** Memory per entry: key bytes + 4-byte tag + 1 reference bit byte (+ 1/8 byte of set hand). */
export const SIG_CACHE_BYTES_PER_ENTRY = KEY_BYTES + 4 + 1 + 1 / SIG_CACHE_WAYS;
export const SIG_CACHE_ENTRIES_MIN = SIG_CACHE_WAYS;
export const SIG_CACHE_ENTRIES_MAX = 1 << 24;
/** Default: 65,536 entries, about 8.5 MiB. */
export const SIG_CACHE_DEFAULT_ENTRIES = 1 << 16;

export interface SignatureCacheOptions {
  /** Upper bound on entries held (rounded down to a multiple of 8). */
  entriesMax?: number;
  /** Seed of the set-index mix; random per process unless given (tests). */
  seed?: number;
}

export interface SignatureCacheStats {
  entries: number;
  entriesMax: number;
  bytes: number;
  hits: number;
  misses: number;
  inserts: number;
  evictions: number;
}

function readWord(bytes: Uint8Array, offset: number): number {
  return bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24);
}

function randomSeed(): number {
  const word = new Uint32Array(1);
  crypto.getRandomValues(word);
  return word[0] | 0;
}

export class SignatureCache {
  /** Entries the cache can hold (setCount × 8 ≤ the requested bound). */
  readonly entriesMax: number;
  readonly setCount: number;
  private readonly keys: Uint8Array;
  /** Per entry: 0 when empty, else a word of the signature's S half with the low bit set. */
  private readonly tags: Int32Array;
  private readonly clock: SetClock;
  private readonly seed: number;
  hits = 0;
  misses = 0;
  inserts = 0;
  evictions = 0;
  entries = 0;

  constructor(options: SignatureCacheOptions = {}) {
    this.setCount = setCountFor(
      "signature cache",
      options.entriesMax ?? SIG_CACHE_DEFAULT_ENTRIES,
      { min: SIG_CACHE_ENTRIES_MIN, max: SIG_CACHE_ENTRIES_MAX, ways: SIG_CACHE_WAYS },
      SIG_CACHE_CONFIG_INVALID,
      "SIG_CACHE_CONFIG_INVALID",
    );
    this.entriesMax = this.setCount * SIG_CACHE_WAYS;
    this.keys = new Uint8Array(this.entriesMax * KEY_BYTES);
    this.tags = new Int32Array(this.entriesMax);
    this.clock = new SetClock(this.setCount, SIG_CACHE_WAYS);
    this.seed = options.seed ?? randomSeed();
  }

  /** Bytes held by the cache's arrays (all preallocated at construction). */
  get bytesHeld(): number {
    return this.keys.byteLength + this.tags.byteLength + this.clock.bytes;
  }

  /**
   * First entry of the signature's set. Mixed with a per-process seed so a sender cannot grind
   * signatures into one set to evict others' entries (that could only cost hits, never a verdict).
   */
  private setBase(bytes: Uint8Array, signatureOffset: number): number {
    let hash = this.seed ^ readWord(bytes, signatureOffset);
    hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b) ^ readWord(bytes, signatureOffset + 4);
    hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35) ^ readWord(bytes, signatureOffset + 8);
    hash = Math.imul(hash ^ (hash >>> 16), 0x9e3779b1);
    return ((hash >>> 0) % this.setCount) * SIG_CACHE_WAYS;
  }

  private tagOf(bytes: Uint8Array, signatureOffset: number): number {
    return readWord(bytes, signatureOffset + 32) | 1;
  }

  private assertRanges(
    bytes: Uint8Array,
    signatureOffset: number,
    publicKeyOffset: number,
    hash: Uint8Array,
    hashOffset: number,
  ): void {
    if (
      !(signatureOffset >= 0 && signatureOffset + SIG_CACHE_SIGNATURE_BYTES <= bytes.length) ||
      !(publicKeyOffset >= 0 && publicKeyOffset + SIG_CACHE_PUBLIC_KEY_BYTES <= bytes.length) ||
      !(hashOffset >= 0 && hashOffset + SIG_CACHE_HASH_BYTES <= hash.length)
    ) {
      throw new OutriderError(
        SIG_CACHE_OUT_OF_BOUNDS,
        "SIG_CACHE_OUT_OF_BOUNDS",
        "signature cache: a signature, key or hash range lies outside its buffer",
        { signatureOffset, publicKeyOffset, hashOffset, bytesLength: bytes.length, hashLength: hash.length },
      );
    }
  }

  /** Entry index holding exactly this triple, or -1. */
  private find(
    bytes: Uint8Array,
    signatureOffset: number,
    publicKeyOffset: number,
    hash: Uint8Array,
    hashOffset: number,
  ): number {
    const base = this.setBase(bytes, signatureOffset);
    const tag = this.tagOf(bytes, signatureOffset);
    const keys = this.keys;
    for (let way = 0; way < SIG_CACHE_WAYS; way++) {
      const entry = base + way;
      if (this.tags[entry] !== tag) continue;
      const keyBase = entry * KEY_BYTES;
      let index = 0;
      while (index < SIG_CACHE_SIGNATURE_BYTES && keys[keyBase + index] === bytes[signatureOffset + index])
        index++;
      if (index < SIG_CACHE_SIGNATURE_BYTES) continue;
      const keyAt = keyBase + KEY_OFFSET_PUBLIC_KEY;
      index = 0;
      while (index < SIG_CACHE_PUBLIC_KEY_BYTES && keys[keyAt + index] === bytes[publicKeyOffset + index])
        index++;
      if (index < SIG_CACHE_PUBLIC_KEY_BYTES) continue;
      const hashAt = keyBase + KEY_OFFSET_HASH;
      index = 0;
      while (index < SIG_CACHE_HASH_BYTES && keys[hashAt + index] === hash[hashOffset + index]) index++;
      if (index === SIG_CACHE_HASH_BYTES) return entry;
    }
    return -1;
  }

  /**
   * True when some entry carries this signature (any key and hash); counts nothing. A quick filter that
   * lets a caller skip hashing the message of a signature the cache cannot hold.
   */
  mayContainSignature(bytes: Uint8Array, signatureOffset: number): boolean {
    if (!(signatureOffset >= 0 && signatureOffset + SIG_CACHE_SIGNATURE_BYTES <= bytes.length)) return false;
    const base = this.setBase(bytes, signatureOffset);
    const tag = this.tagOf(bytes, signatureOffset);
    for (let way = 0; way < SIG_CACHE_WAYS; way++) if (this.tags[base + way] === tag) return true;
    return false;
  }

  /** Counts a miss decided without a lookup (after mayContainSignature said no). */
  noteMiss(): void {
    this.misses++;
  }

  /**
   * True when (signature at bytes[signatureOffset..+64), public key at bytes[publicKeyOffset..+32),
   * message hash at hash[hashOffset..+32)) verified valid before and is still held. Counts a hit or miss.
   */
  lookup(
    bytes: Uint8Array,
    signatureOffset: number,
    publicKeyOffset: number,
    hash: Uint8Array,
    hashOffset: number,
  ): boolean {
    this.assertRanges(bytes, signatureOffset, publicKeyOffset, hash, hashOffset);
    const entry = this.find(bytes, signatureOffset, publicKeyOffset, hash, hashOffset);
    if (entry < 0) {
      this.misses++;
      return false;
    }
    this.clock.touch(entry);
    this.hits++;
    return true;
  }

  /**
   * Records a triple that the strict verifier has just found VALID. Callers must never insert a triple
   * they have not verified valid themselves. New entries start unreferenced, so a triple seen once is
   * evicted before one that has been hit (scan resistance).
   */
  insert(
    bytes: Uint8Array,
    signatureOffset: number,
    publicKeyOffset: number,
    hash: Uint8Array,
    hashOffset: number,
  ): void {
    this.assertRanges(bytes, signatureOffset, publicKeyOffset, hash, hashOffset);
    if (this.find(bytes, signatureOffset, publicKeyOffset, hash, hashOffset) >= 0) return;
    const base = this.setBase(bytes, signatureOffset);
    let entry = -1;
    for (let way = 0; way < SIG_CACHE_WAYS; way++) {
      if (this.tags[base + way] === 0) {
        entry = base + way;
        break;
      }
    }
    if (entry < 0) {
      entry = this.clock.victim(base);
      this.evictions++;
    } else {
      this.entries++;
    }
    const keys = this.keys;
    const keyBase = entry * KEY_BYTES;
    for (let index = 0; index < SIG_CACHE_SIGNATURE_BYTES; index++)
      keys[keyBase + index] = bytes[signatureOffset + index];
    const keyAt = keyBase + KEY_OFFSET_PUBLIC_KEY;
    for (let index = 0; index < SIG_CACHE_PUBLIC_KEY_BYTES; index++)
      keys[keyAt + index] = bytes[publicKeyOffset + index];
    const hashAt = keyBase + KEY_OFFSET_HASH;
    for (let index = 0; index < SIG_CACHE_HASH_BYTES; index++)
      keys[hashAt + index] = hash[hashOffset + index];
    this.tags[entry] = this.tagOf(bytes, signatureOffset);
    this.clock.reset(entry);
    this.inserts++;
  }

  /** Forgets every entry (counters stay). */
  clear(): void {
    this.tags.fill(0);
    this.clock.clear();
    this.entries = 0;
  }

  /** Snapshot for metrics and tests (allocates; not for the hot path). */
  stats(): SignatureCacheStats {
    return {
      entries: this.entries,
      entriesMax: this.entriesMax,
      bytes: this.bytesHeld,
      hits: this.hits,
      misses: this.misses,
      inserts: this.inserts,
      evictions: this.evictions,
    };
  }
}
