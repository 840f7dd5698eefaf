// Deterministic randomness for trace generators and tests: a small-state PRNG (sfc32) and a Zipf
// sampler over ranks 0..n-1 (rank 0 most popular) by inverse CDF with binary search.

export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let round = 0; round < 15; round++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, bound). */
  below(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  fill(bytes: Uint8Array, offset: number, length: number): void {
    for (let index = 0; index < length; index++) bytes[offset + index] = this.nextUint32() & 255;
  }
}

export class ZipfSampler {
  private readonly cumulative: Float64Array;

  /** Ranks 0..count-1 with P(rank k) ∝ 1 / (k+1)^exponent. */
  constructor(count: number, exponent: number) {
    this.cumulative = new Float64Array(count);
    let total = 0;
    for (let rank = 0; rank < count; rank++) {
      total += 1 / (rank + 1) ** exponent;
      this.cumulative[rank] = total;
    }
    for (let rank = 0; rank < count; rank++) this.cumulative[rank] /= total;
  }

  sample(random: SeededRandom): number {
    const u = random.next();
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.cumulative[middle] < u) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
