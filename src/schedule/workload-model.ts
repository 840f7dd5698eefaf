// A seeded synthetic trading workload for the scheduler model and benches: a mix of AMM swaps,
// order-book orders, arbitrage, transfers and oracle updates over Zipf-skewed hot markets (market m
// drawn with probability ∝ 1 / (m+1)^s), heavy-tailed priority fees (lognormal, σ = √(2 ln r) so that
// mean ÷ median = r, default 35), compute units drawn by kind, and Agave's cost and priority. Locks come
// in the planner's form: 32-byte keys in one buffer (account a at a × 32) plus writable flags.
import { leaderRewardLamports, transactionPriority } from "./prio-graph-cost.ts";
import { requireInteger, scheduleError, WORKLOAD_CONFIG_INVALID } from "./prio-graph-errors.ts";

export const KIND_SWAP = 0;
export const KIND_ORDER = 1;
export const KIND_ARBITRAGE = 2;
export const KIND_TRANSFER = 3;
export const KIND_ORACLE = 4;
export const KIND_NAMES = ["swap", "order", "arbitrage", "transfer", "oracle"] as const;
/** Share of each kind in the mix (same order as KIND_NAMES). */
export const DEFAULT_KIND_SHARES = [0.5, 0.2, 0.1, 0.15, 0.05] as const;
/** Compute units by kind: [min, max], drawn log-uniformly. */
export const KIND_COMPUTE_UNITS: readonly (readonly [number, number])[] = [
  [60_000, 180_000],
  [20_000, 60_000],
  [200_000, 400_000],
  [150, 450],
  [20_000, 40_000],
];

export interface WorkloadConfig {
  seed: number;
  transactions: number;
  /** Hot markets (each: an AMM pool, an order book, an oracle). */
  markets: number;
  /** Zipf exponent of market popularity. */
  zipfExponent: number;
  /** Trading users (each: fee payer and two token accounts). */
  users: number;
  /** Users per source (bot operator / connection). */
  usersPerSource: number;
  priorityFeeMedianLamports: number;
  /** mean ÷ median of the lognormal priority fee. */
  priorityFeeMeanToMedian: number;
  kindShares: readonly number[];
}

export const DEFAULT_WORKLOAD_CONFIG: Readonly<WorkloadConfig> = {
  seed: 1,
  transactions: 2_000,
  markets: 256,
  zipfExponent: 1.0,
  users: 2_000,
  usersPerSource: 10,
  priorityFeeMedianLamports: 5_000,
  priorityFeeMeanToMedian: 35,
  kindShares: DEFAULT_KIND_SHARES,
};

export interface Workload {
  count: number;
  accountsCount: number;
  /** Account a's key is keyBytes[a × 32 .. a × 32 + 32). */
  keyBytes: Uint8Array;
  /** Locks of transaction t: indexes lockStart[t] .. lockStart[t + 1). */
  lockStart: Int32Array;
  lockAccount: Int32Array;
  /** lockAccount × 32: the key's offset in keyBytes, the FIFO batcher's and planner's form. */
  lockOffset: Int32Array;
  lockWritable: Uint8Array;
  kind: Uint8Array;
  computeUnits: Int32Array;
  /** Agave cost-model units (signature, write locks, data bytes, compute-unit limit). */
  costUnits: Int32Array;
  priorityFeeLamports: Float64Array;
  priority: Float64Array;
  sourceId: Uint32Array;
  packetBytes: Int32Array;
}

/** Small fast seeded PRNG (mulberry32), uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal by Box–Muller. */
export function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** σ of a lognormal whose mean ÷ median is `ratio` (mean = median × e^{σ²/2}). */
export function lognormalSigmaForMeanToMedian(ratio: number): number {
  return Math.sqrt(2 * Math.log(ratio));
}

/** Cumulative Zipf distribution over n items with exponent s. */
export function zipfCumulative(n: number, exponent: number): Float64Array {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank++) {
    total += 1 / (rank + 1) ** exponent;
    cumulative[rank] = total;
  }
  for (let rank = 0; rank < n; rank++) cumulative[rank] /= total;
  return cumulative;
}

function sampleCumulative(cumulative: Float64Array, random: () => number): number {
  const target = random();
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (cumulative[middle] < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

function validate(config: WorkloadConfig): void {
  const code = WORKLOAD_CONFIG_INVALID;
  requireInteger(code, "transactions", config.transactions, 1, 1 << 22);
  requireInteger(code, "markets", config.markets, 2, 1 << 16);
  requireInteger(code, "users", config.users, 2, 1 << 20);
  requireInteger(code, "usersPerSource", config.usersPerSource, 1, 1 << 20);
  if (!(config.zipfExponent >= 0 && config.zipfExponent <= 5))
    throw scheduleError(code, `zipfExponent must be in [0, 5], got ${config.zipfExponent}`);
  if (!(config.priorityFeeMedianLamports > 0 && config.priorityFeeMeanToMedian >= 1))
    throw scheduleError(code, "priority fee median must be > 0 and mean ÷ median ≥ 1");
  if (config.kindShares.length !== KIND_NAMES.length || config.kindShares.some((share) => !(share >= 0)))
    throw scheduleError(code, `kindShares needs ${KIND_NAMES.length} shares ≥ 0`);
  if (!(config.kindShares.reduce((sum, share) => sum + share, 0) > 0))
    throw scheduleError(code, "kindShares must not all be zero");
}

const LOCKS_PER_TRANSACTION_MAX = 8;

export function generateWorkload(overrides: Partial<WorkloadConfig> = {}): Workload {
  const config: WorkloadConfig = { ...DEFAULT_WORKLOAD_CONFIG, ...overrides };
  validate(config);
  const random = seededRandom(config.seed);
  const { markets, users, transactions: count } = config;
  // Account layout: 4 programs, then per market pool / book / oracle, then per user payer / token A / token B.
  const PROGRAM_AMM = 0;
  const PROGRAM_BOOK = 1;
  const PROGRAM_SYSTEM = 2;
  const PROGRAM_TOKEN = 3;
  const pool = (market: number) => 4 + market;
  const book = (market: number) => 4 + markets + market;
  const oracle = (market: number) => 4 + 2 * markets + market;
  const payer = (user: number) => 4 + 3 * markets + 3 * user;
  const accountsCount = 4 + 3 * markets + 3 * users;
  const keyBytes = new Uint8Array(accountsCount * 32);
  for (let account = 0; account < accountsCount; account++) {
    let mix = (account + 1) * 0x9e3779b1;
    for (let byte = 0; byte < 32; byte++) {
      mix = Math.imul(mix ^ (mix >>> 15), 0x2c1b3c6d) + byte;
      keyBytes[account * 32 + byte] = mix >>> 24;
    }
    // The first four bytes carry the index, so keys are distinct.
    keyBytes[account * 32] = account & 0xff;
    keyBytes[account * 32 + 1] = (account >>> 8) & 0xff;
    keyBytes[account * 32 + 2] = (account >>> 16) & 0xff;
    keyBytes[account * 32 + 3] = (account >>> 24) & 0xff;
  }
  const marketCumulative = zipfCumulative(markets, config.zipfExponent);
  const shareTotal = config.kindShares.reduce((sum, share) => sum + share, 0);
  const kindCumulative = new Float64Array(KIND_NAMES.length);
  let running = 0;
  config.kindShares.forEach((share, kind) => {
    running += share / shareTotal;
    kindCumulative[kind] = running;
  });
  kindCumulative[KIND_NAMES.length - 1] = 1;
  const sigma = lognormalSigmaForMeanToMedian(config.priorityFeeMeanToMedian);
  const mu = Math.log(config.priorityFeeMedianLamports);

  const lockStart = new Int32Array(count + 1);
  const lockAccount = new Int32Array(count * LOCKS_PER_TRANSACTION_MAX);
  const lockWritable = new Uint8Array(count * LOCKS_PER_TRANSACTION_MAX);
  const kind = new Uint8Array(count);
  const computeUnits = new Int32Array(count);
  const costUnits = new Int32Array(count);
  const priorityFeeLamports = new Float64Array(count);
  const priority = new Float64Array(count);
  const sourceId = new Uint32Array(count);
  const packetBytes = new Int32Array(count);
  let locks = 0;
  const lock = (account: number, writable: boolean) => {
    lockAccount[locks] = account;
    lockWritable[locks] = writable ? 1 : 0;
    locks++;
  };
  for (let tx = 0; tx < count; tx++) {
    lockStart[tx] = locks;
    const txKind = sampleCumulative(kindCumulative, random);
    const user = Math.floor(random() * users);
    const market = sampleCumulative(marketCumulative, random);
    lock(payer(user), true);
    switch (txKind) {
      case KIND_SWAP:
        lock(pool(market), true);
        lock(payer(user) + 1, true);
        lock(payer(user) + 2, true);
        lock(PROGRAM_AMM, false);
        lock(PROGRAM_TOKEN, false);
        break;
      case KIND_ORDER:
        lock(book(market), true);
        lock(oracle(market), false);
        lock(payer(user) + 1, true);
        lock(PROGRAM_BOOK, false);
        break;
      case KIND_ARBITRAGE: {
        let other = sampleCumulative(marketCumulative, random);
        if (other === market) other = (market + 1) % markets;
        lock(pool(market), true);
        lock(pool(other), true);
        lock(payer(user) + 1, true);
        lock(payer(user) + 2, true);
        lock(PROGRAM_AMM, false);
        lock(PROGRAM_TOKEN, false);
        break;
      }
      case KIND_TRANSFER: {
        let recipient = Math.floor(random() * users);
        if (recipient === user) recipient = (user + 1) % users;
        lock(payer(recipient), true);
        lock(PROGRAM_SYSTEM, false);
        break;
      }
      default:
        lock(oracle(market), true);
        lock(PROGRAM_BOOK, false);
        break;
    }
    const [low, high] = KIND_COMPUTE_UNITS[txKind];
    const units = Math.round(low * (high / low) ** random());
    let writes = 0;
    for (let index = lockStart[tx]; index < locks; index++) writes += lockWritable[index];
    const dataBytes = txKind === KIND_TRANSFER ? 12 : 64 + Math.floor(random() * 64);
    // Agave cost: one signature, write locks, data bytes ÷ 4, the CU limit (bots request what they use).
    const cost = 720 + 300 * writes + Math.floor(dataBytes / 4) + units;
    const fee = Math.round(Math.exp(mu + sigma * normal(random)));
    kind[tx] = txKind;
    computeUnits[tx] = units;
    costUnits[tx] = cost;
    priorityFeeLamports[tx] = fee;
    priority[tx] = transactionPriority(leaderRewardLamports(5_000, fee), cost);
    sourceId[tx] = Math.floor(user / config.usersPerSource);
    packetBytes[tx] = 200 + dataBytes + 32 * (locks - lockStart[tx]);
  }
  lockStart[count] = locks;
  const lockOffset = new Int32Array(locks);
  for (let index = 0; index < locks; index++) lockOffset[index] = lockAccount[index] * 32;
  return {
    count,
    accountsCount,
    keyBytes,
    lockStart,
    lockAccount: lockAccount.slice(0, locks),
    lockOffset,
    lockWritable: lockWritable.slice(0, locks),
    kind,
    computeUnits,
    costUnits,
    priorityFeeLamports,
    priority,
    sourceId,
    packetBytes,
  };
}

/** Transaction indexes in priority order (highest first; ties by arrival). */
export function priorityOrder(workload: Workload): Int32Array {
  const order = Int32Array.from({ length: workload.count }, (_, index) => index);
  order.sort((a, b) => workload.priority[b] - workload.priority[a] || a - b);
  return order;
}

/** Transaction indexes in arrival order. */
export function arrivalOrder(workload: Workload): Int32Array {
  return Int32Array.from({ length: workload.count }, (_, index) => index);
}
