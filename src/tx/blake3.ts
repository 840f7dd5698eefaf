// BLAKE3 (hash mode, 32-byte output), own TypeScript implementation of the published specification.
// A Blake3Hasher is allocated once and reused (reset → update* → finalizeInto): all state lives in
// preallocated typed arrays, so hashing allocates nothing. Inputs of any length are supported.

const IV = new Uint32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);
const MSG_PERMUTATION = [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8];
/** Message word order for each of the 7 rounds (the permutation applied round after round). */
const SCHEDULE = new Uint8Array(7 * 16);
{
  let order = Array.from({ length: 16 }, (_, index) => index);
  for (let round = 0; round < 7; round++) {
    SCHEDULE.set(order, round * 16);
    order = MSG_PERMUTATION.map((source) => order[source]);
  }
}

const CHUNK_START = 1;
const CHUNK_END = 2;
const PARENT = 4;
const ROOT = 8;
export const BLAKE3_BLOCK_BYTES = 64;
export const BLAKE3_CHUNK_BYTES = 1024;
export const BLAKE3_OUT_BYTES = 32;
/** Chaining-value stack depth: 54 levels cover 2^64 bytes of input. */
const CV_STACK_DEPTH = 54;

/** Reusable, allocation-free BLAKE3 hasher (default hash mode, 32-byte digest). */
export class Blake3Hasher {
  private readonly state = new Uint32Array(16);
  private readonly blockWords = new Uint32Array(16);
  private readonly block = new Uint8Array(BLAKE3_BLOCK_BYTES);
  private readonly chunkCv = new Uint32Array(8);
  private readonly cvStack = new Uint32Array(CV_STACK_DEPTH * 8);
  private readonly parentWords = new Uint32Array(16);
  private cvStackLength = 0;
  private blockLength = 0;
  private blocksCompressed = 0;
  private chunkCounter = 0;

  constructor() {
    this.reset();
  }

  reset(): this {
    this.chunkCv.set(IV);
    this.cvStackLength = 0;
    this.blockLength = 0;
    this.blocksCompressed = 0;
    this.chunkCounter = 0;
    return this;
  }

  /** Absorbs input[offset, offset+length). */
  update(input: Uint8Array, offset = 0, length = input.length - offset): this {
    let position = offset;
    const end = offset + length;
    while (position < end) {
      // A full chunk is closed only once more input arrives (its end may be the root).
      if (this.chunkLength() === BLAKE3_CHUNK_BYTES) this.closeChunk();
      if (this.blockLength === BLAKE3_BLOCK_BYTES) {
        this.loadBlockWords();
        const flags = this.blocksCompressed === 0 ? CHUNK_START : 0;
        this.compress(this.chunkCv, this.blockWords, this.chunkCounter, BLAKE3_BLOCK_BYTES, flags);
        for (let index = 0; index < 8; index++) this.chunkCv[index] = this.state[index];
        this.blocksCompressed++;
        this.blockLength = 0;
      }
      const take = Math.min(BLAKE3_BLOCK_BYTES - this.blockLength, end - position);
      const block = this.block;
      let blockPosition = this.blockLength;
      for (let index = 0; index < take; index++) block[blockPosition++] = input[position + index];
      this.blockLength = blockPosition;
      position += take;
    }
    return this;
  }

  /** Writes the 32-byte digest into out[outOffset…]. The hasher must be reset before reuse. */
  finalizeInto(out: Uint8Array, outOffset = 0): void {
    // Output node of the current chunk.
    this.loadBlockWords();
    const chunkFlags = (this.blocksCompressed === 0 ? CHUNK_START : 0) | CHUNK_END;
    if (this.cvStackLength === 0) {
      this.compress(this.chunkCv, this.blockWords, this.chunkCounter, this.blockLength, chunkFlags | ROOT);
    } else {
      this.compress(this.chunkCv, this.blockWords, this.chunkCounter, this.blockLength, chunkFlags);
      // Fold the stack from the right: each parent takes the stacked left cv and the running right cv.
      for (let level = this.cvStackLength - 1; level >= 0; level--) {
        for (let index = 0; index < 8; index++) {
          this.parentWords[index] = this.cvStack[level * 8 + index];
          this.parentWords[8 + index] = this.state[index];
        }
        this.compress(IV, this.parentWords, 0, BLAKE3_BLOCK_BYTES, PARENT | (level === 0 ? ROOT : 0));
      }
    }
    for (let index = 0; index < 8; index++) {
      const word = this.state[index];
      const base = outOffset + index * 4;
      out[base] = word & 0xff;
      out[base + 1] = (word >>> 8) & 0xff;
      out[base + 2] = (word >>> 16) & 0xff;
      out[base + 3] = word >>> 24;
    }
  }

  private chunkLength(): number {
    return this.blocksCompressed * BLAKE3_BLOCK_BYTES + this.blockLength;
  }

  /** Finishes the current (full) chunk, merges completed subtrees, and starts the next chunk. */
  private closeChunk(): void {
    this.loadBlockWords();
    const flags = (this.blocksCompressed === 0 ? CHUNK_START : 0) | CHUNK_END;
    this.compress(this.chunkCv, this.blockWords, this.chunkCounter, this.blockLength, flags);
    let totalChunks = this.chunkCounter + 1;
    // state[0..8] holds the new chunk's chaining value; merge while the count of chunks is even.
    while ((totalChunks & 1) === 0) {
      this.cvStackLength--;
      for (let index = 0; index < 8; index++) {
        this.parentWords[index] = this.cvStack[this.cvStackLength * 8 + index];
        this.parentWords[8 + index] = this.state[index];
      }
      this.compress(IV, this.parentWords, 0, BLAKE3_BLOCK_BYTES, PARENT);
      totalChunks /= 2;
    }
    if (this.cvStackLength >= CV_STACK_DEPTH) throw new RangeError("BLAKE3 chaining-value stack overflow");
    for (let index = 0; index < 8; index++) this.cvStack[this.cvStackLength * 8 + index] = this.state[index];
    this.cvStackLength++;
    this.chunkCounter++;
    this.chunkCv.set(IV);
    this.blocksCompressed = 0;
    this.blockLength = 0;
  }

  /** Little-endian words of the buffered block, zero-padded. */
  private loadBlockWords(): void {
    const block = this.block;
    block.fill(0, this.blockLength);
    for (let index = 0; index < 16; index++) {
      const base = index * 4;
      this.blockWords[index] =
        block[base] | (block[base + 1] << 8) | (block[base + 2] << 16) | (block[base + 3] << 24);
    }
  }

  /** The BLAKE3 compression function; the first 8 words of `state` become the output chaining value. */
  private compress(cv: Uint32Array, words: Uint32Array, counter: number, blockLength: number, flags: number) {
    let s0 = cv[0] | 0;
    let s1 = cv[1] | 0;
    let s2 = cv[2] | 0;
    let s3 = cv[3] | 0;
    let s4 = cv[4] | 0;
    let s5 = cv[5] | 0;
    let s6 = cv[6] | 0;
    let s7 = cv[7] | 0;
    let s8 = IV[0] | 0;
    let s9 = IV[1] | 0;
    let s10 = IV[2] | 0;
    let s11 = IV[3] | 0;
    let s12 = counter | 0;
    let s13 = Math.floor(counter / 0x100000000) | 0;
    let s14 = blockLength | 0;
    let s15 = flags | 0;
    for (let round = 0; round < 7; round++) {
      const base = round * 16;
      const m = words;
      const o = SCHEDULE;
      // Columns.
      s0 = (s0 + s4 + m[o[base]]) | 0;
      s12 ^= s0;
      s12 = (s12 >>> 16) | (s12 << 16);
      s8 = (s8 + s12) | 0;
      s4 ^= s8;
      s4 = (s4 >>> 12) | (s4 << 20);
      s0 = (s0 + s4 + m[o[base + 1]]) | 0;
      s12 ^= s0;
      s12 = (s12 >>> 8) | (s12 << 24);
      s8 = (s8 + s12) | 0;
      s4 ^= s8;
      s4 = (s4 >>> 7) | (s4 << 25);

      s1 = (s1 + s5 + m[o[base + 2]]) | 0;
      s13 ^= s1;
      s13 = (s13 >>> 16) | (s13 << 16);
      s9 = (s9 + s13) | 0;
      s5 ^= s9;
      s5 = (s5 >>> 12) | (s5 << 20);
      s1 = (s1 + s5 + m[o[base + 3]]) | 0;
      s13 ^= s1;
      s13 = (s13 >>> 8) | (s13 << 24);
      s9 = (s9 + s13) | 0;
      s5 ^= s9;
      s5 = (s5 >>> 7) | (s5 << 25);

      s2 = (s2 + s6 + m[o[base + 4]]) | 0;
      s14 ^= s2;
      s14 = (s14 >>> 16) | (s14 << 16);
      s10 = (s10 + s14) | 0;
      s6 ^= s10;
      s6 = (s6 >>> 12) | (s6 << 20);
      s2 = (s2 + s6 + m[o[base + 5]]) | 0;
      s14 ^= s2;
      s14 = (s14 >>> 8) | (s14 << 24);
      s10 = (s10 + s14) | 0;
      s6 ^= s10;
      s6 = (s6 >>> 7) | (s6 << 25);

      s3 = (s3 + s7 + m[o[base + 6]]) | 0;
      s15 ^= s3;
      s15 = (s15 >>> 16) | (s15 << 16);
      s11 = (s11 + s15) | 0;
      s7 ^= s11;
      s7 = (s7 >>> 12) | (s7 << 20);
      s3 = (s3 + s7 + m[o[base + 7]]) | 0;
      s15 ^= s3;
      s15 = (s15 >>> 8) | (s15 << 24);
      s11 = (s11 + s15) | 0;
      s7 ^= s11;
      s7 = (s7 >>> 7) | (s7 << 25);

      // Diagonals.
      s0 = (s0 + s5 + m[o[base + 8]]) | 0;
      s15 ^= s0;
      s15 = (s15 >>> 16) | (s15 << 16);
      s10 = (s10 + s15) | 0;
      s5 ^= s10;
      s5 = (s5 >>> 12) | (s5 << 20);
      s0 = (s0 + s5 + m[o[base + 9]]) | 0;
      s15 ^= s0;
      s15 = (s15 >>> 8) | (s15 << 24);
      s10 = (s10 + s15) | 0;
      s5 ^= s10;
      s5 = (s5 >>> 7) | (s5 << 25);

      s1 = (s1 + s6 + m[o[base + 10]]) | 0;
      s12 ^= s1;
      s12 = (s12 >>> 16) | (s12 << 16);
      s11 = (s11 + s12) | 0;
      s6 ^= s11;
      s6 = (s6 >>> 12) | (s6 << 20);
      s1 = (s1 + s6 + m[o[base + 11]]) | 0;
      s12 ^= s1;
      s12 = (s12 >>> 8) | (s12 << 24);
      s11 = (s11 + s12) | 0;
      s6 ^= s11;
      s6 = (s6 >>> 7) | (s6 << 25);

      s2 = (s2 + s7 + m[o[base + 12]]) | 0;
      s13 ^= s2;
      s13 = (s13 >>> 16) | (s13 << 16);
      s8 = (s8 + s13) | 0;
      s7 ^= s8;
      s7 = (s7 >>> 12) | (s7 << 20);
      s2 = (s2 + s7 + m[o[base + 13]]) | 0;
      s13 ^= s2;
      s13 = (s13 >>> 8) | (s13 << 24);
      s8 = (s8 + s13) | 0;
      s7 ^= s8;
      s7 = (s7 >>> 7) | (s7 << 25);

      s3 = (s3 + s4 + m[o[base + 14]]) | 0;
      s14 ^= s3;
      s14 = (s14 >>> 16) | (s14 << 16);
      s9 = (s9 + s14) | 0;
      s4 ^= s9;
      s4 = (s4 >>> 12) | (s4 << 20);
      s3 = (s3 + s4 + m[o[base + 15]]) | 0;
      s14 ^= s3;
      s14 = (s14 >>> 8) | (s14 << 24);
      s9 = (s9 + s14) | 0;
      s4 ^= s9;
      s4 = (s4 >>> 7) | (s4 << 25);
    }
    const state = this.state;
    state[0] = s0 ^ s8;
    state[1] = s1 ^ s9;
    state[2] = s2 ^ s10;
    state[3] = s3 ^ s11;
    state[4] = s4 ^ s12;
    state[5] = s5 ^ s13;
    state[6] = s6 ^ s14;
    state[7] = s7 ^ s15;
  }
}

const sharedHasher = new Blake3Hasher();

/** BLAKE3 of input[offset, offset+length) written as 32 bytes into out[outOffset…]; allocates nothing. */
export function blake3Into(
  input: Uint8Array,
  offset: number,
  length: number,
  out: Uint8Array,
  outOffset = 0,
): void {
  sharedHasher.reset().update(input, offset, length).finalizeInto(out, outOffset);
}

/** BLAKE3 digest as a new 32-byte array (convenience; allocates the result). */
export function blake3(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(BLAKE3_OUT_BYTES);
  blake3Into(input, 0, input.length, out, 0);
  return out;
}
