// The simulator's workload generator: a deterministic (by seed) schedule of trading transactions shaped
// like mainnet's non-vote flow (sources in docs/SIMULATE.md). Reuses the scheduler model's
// distributions (src/schedule/workload-model.ts): the transaction mix and compute units by kind, Zipf
// market popularity, lognormal priority fees with mean ÷ median = 35. Adds what a live run needs:
// Poisson arrivals at an offered rate with bursts, bots on UDP or JSON-RPC, resubmissions of the same
// transaction, and a share of bad transactions (bad signature, expired blockhash, no funds).
// Output is structure-of-arrays, one entry per distinct transaction, sorted by send time.
import { SeededRandom, ZipfSampler } from "../accounts/seeded-random.ts";
import {
  DEFAULT_KIND_SHARES,
  DEFAULT_WORKLOAD_CONFIG,
  KIND_ARBITRAGE,
  KIND_COMPUTE_UNITS,
  KIND_NAMES,
  KIND_TRANSFER,
  lognormalSigmaForMeanToMedian,
  normal,
} from "../schedule/workload-model.ts";
import { AccountLayout } from "./account-layout.ts";
import { simulateError } from "./errors.ts";

export { KIND_NAMES };

export const BAD_NONE = 0;
export const BAD_SIGNATURE = 1;
export const BAD_EXPIRED_BLOCKHASH = 2;
export const BAD_NO_FUNDS = 3;
export const BAD_NAMES = ["none", "bad_signature", "expired_blockhash", "no_funds"] as const;

export const PATH_UDP = 0;
export const PATH_RPC = 1;
export const PATH_NAMES = ["udp", "rpc"] as const;

/** Where a transfer goes. */
export const TARGET_NONE = 0;
export const TARGET_BOT = 1;
/** A fresh address that has never held lamports (a cold wallet): the transfer creates it. */
export const TARGET_FRESH_ADDRESS = 2;
/** One of the cold token accounts (rarely touched). */
export const TARGET_COLD_TOKEN = 3;

/** Priority fees above this are clipped (a lognormal with σ ≈ 2.7 has a very long tail). */
export const PRIORITY_FEE_LAMPORTS_MAX = 1_000_000_000;

/** Every `periodS` seconds from `offsetS` on, the offered rate is multiplied by `factor` for `lengthS`. */
export interface BurstPattern {
  periodS: number;
  lengthS: number;
  factor: number;
  offsetS: number;
}

export interface SimWorkloadConfig {
  seed: number;
  durationS: number;
  /** Offered rate of distinct transactions outside bursts (resubmissions come on top). */
  rateTps: number;
  bursts: BurstPattern | null;
  bots: number;
  markets: number;
  zipfExponent: number;
  /** Share of each kind, in KIND_NAMES order (swap, order, arbitrage, transfer, oracle). */
  kindShares: readonly number[];
  priorityFeeMedianLamports: number;
  priorityFeeMeanToMedian: number;
  /** Share of bots sending over JSON-RPC sendTransaction; the others send UDP datagrams. */
  rpcShare: number;
  /** Share of transactions a bot sends more than once (same bytes, same signature). */
  resubmitShare: number;
  /** Extra copies of a resubmitted transaction: 1..resubmitsMax. */
  resubmitsMax: number;
  /** Time between copies. */
  resubmitGapMs: number;
  badSignatureShare: number;
  expiredBlockhashShare: number;
  noFundsShare: number;
  /** Share of transfers that go to a cold account (half fresh addresses, half cold token accounts). */
  coldShare: number;
  coldTokenAccounts: number;
  brokePayers: number;
  /** Slot length used to cut the schedule into blocks for the conflict statistics. */
  slotMs: number;
}

export const DEFAULT_SIM_WORKLOAD: Readonly<SimWorkloadConfig> = Object.freeze({
  seed: 1,
  durationS: 20,
  rateTps: 1500,
  bursts: null,
  bots: 256,
  markets: 64,
  zipfExponent: 1.1,
  kindShares: DEFAULT_KIND_SHARES,
  priorityFeeMedianLamports: DEFAULT_WORKLOAD_CONFIG.priorityFeeMedianLamports,
  priorityFeeMeanToMedian: DEFAULT_WORKLOAD_CONFIG.priorityFeeMeanToMedian,
  rpcShare: 0.3,
  resubmitShare: 0.15,
  resubmitsMax: 3,
  resubmitGapMs: 150,
  badSignatureShare: 0.01,
  expiredBlockhashShare: 0.01,
  noFundsShare: 0.01,
  coldShare: 0.3,
  coldTokenAccounts: 128,
  brokePayers: 8,
  slotMs: 400,
});

/**
 * Floors on the compute-unit limit so the real instructions fit. Measured on the embedded SVM (litesvm
 * 1.5): each compute-budget instruction 150 CU, a SOL transfer 150, an SPL TransferChecked about 105, a
 * short memo about 290; the floors keep at least 2× margin except the SOL transfer, which is exact.
 */
export const COMPUTE_UNIT_LIMIT_FLOOR = {
  solTransfer: 450,
  tokenTransfer: 1_000,
  twoTokenTransfers: 2_000,
  memo: 2_000,
} as const;

export interface SimWorkload {
  config: SimWorkloadConfig;
  layout: AccountLayout;
  count: number;
  /** Send time of the first copy, ms from the start of the run; ascending. */
  sendAtMs: Float64Array;
  kind: Uint8Array;
  bot: Uint32Array;
  market: Int32Array;
  /** Second market of an arbitrage; -1 otherwise. */
  market2: Int32Array;
  targetKind: Uint8Array;
  /** Bot index (TARGET_BOT) or cold token account index (TARGET_COLD_TOKEN); -1 otherwise. */
  target: Int32Array;
  computeUnitLimit: Uint32Array;
  priorityFeeLamports: Float64Array;
  bad: Uint8Array;
  path: Uint8Array;
  /** Extra copies sent after the first, resubmitGapMs apart. */
  resubmits: Uint8Array;
  /** Path of each bot. */
  botPath: Uint8Array;
}

function requireRange(name: string, value: number, low: number, high: number, integer: boolean): void {
  if (!(Number.isFinite(value) && value >= low && value <= high) || (integer && !Number.isInteger(value)))
    throw simulateError(
      "WORKLOAD_INVALID",
      `${name} must be ${integer ? "an integer " : ""}in ${low}..${high}, got ${value}`,
      { parameter: name },
    );
}

export function validateWorkloadConfig(config: SimWorkloadConfig): void {
  requireRange("seed", config.seed, 0, 2 ** 32 - 1, true);
  requireRange("durationS", config.durationS, 0.1, 86_400, false);
  requireRange("rateTps", config.rateTps, 1, 200_000, false);
  requireRange("bots", config.bots, 2, 65_536, true);
  requireRange("markets", config.markets, 2, 4096, true);
  requireRange("zipfExponent", config.zipfExponent, 0, 5, false);
  requireRange("priorityFeeMedianLamports", config.priorityFeeMedianLamports, 1, 1e9, false);
  requireRange("priorityFeeMeanToMedian", config.priorityFeeMeanToMedian, 1, 1e6, false);
  for (const name of [
    "rpcShare",
    "resubmitShare",
    "badSignatureShare",
    "expiredBlockhashShare",
    "noFundsShare",
    "coldShare",
  ] as const)
    requireRange(name, config[name], 0, 1, false);
  const badTotal = config.badSignatureShare + config.expiredBlockhashShare + config.noFundsShare;
  requireRange("bad transaction shares (sum)", badTotal, 0, 1, false);
  requireRange("resubmitsMax", config.resubmitsMax, 1, 16, true);
  requireRange("resubmitGapMs", config.resubmitGapMs, 1, 60_000, false);
  requireRange("coldTokenAccounts", config.coldTokenAccounts, 1, 65_536, true);
  requireRange("brokePayers", config.brokePayers, 1, 4096, true);
  requireRange("slotMs", config.slotMs, 10, 60_000, false);
  if (
    config.kindShares.length !== KIND_NAMES.length ||
    config.kindShares.some((share) => !(share >= 0)) ||
    !(config.kindShares.reduce((sum, share) => sum + share, 0) > 0)
  )
    throw simulateError("WORKLOAD_INVALID", `kindShares needs ${KIND_NAMES.length} shares ≥ 0, not all zero`);
  if (config.bursts !== null) {
    const { periodS, lengthS, factor, offsetS } = config.bursts;
    requireRange("bursts.periodS", periodS, 0.1, 86_400, false);
    requireRange("bursts.lengthS", lengthS, 0, periodS, false);
    requireRange("bursts.factor", factor, 0, 1000, false);
    requireRange("bursts.offsetS", offsetS, 0, 86_400, false);
  }
}

/** Offered rate (distinct transactions per second) at `timeMs` into the run. */
export function offeredRateAt(config: SimWorkloadConfig, timeMs: number): number {
  const bursts = config.bursts;
  if (bursts === null) return config.rateTps;
  const seconds = timeMs / 1000 - bursts.offsetS;
  if (seconds < 0) return config.rateTps;
  return seconds % bursts.periodS < bursts.lengthS ? config.rateTps * bursts.factor : config.rateTps;
}

/** Is `timeMs` inside a burst? */
export function inBurst(config: SimWorkloadConfig, timeMs: number): boolean {
  const bursts = config.bursts;
  if (bursts === null || bursts.factor === 1) return false;
  const seconds = timeMs / 1000 - bursts.offsetS;
  return seconds >= 0 && seconds % bursts.periodS < bursts.lengthS;
}

function cumulative(shares: readonly number[]): Float64Array {
  const total = shares.reduce((sum, share) => sum + share, 0);
  const out = new Float64Array(shares.length);
  let running = 0;
  shares.forEach((share, index) => {
    running += share / total;
    out[index] = running;
  });
  out[shares.length - 1] = 1;
  return out;
}

function pick(cumulativeShares: Float64Array, u: number): number {
  let index = 0;
  while (index < cumulativeShares.length - 1 && cumulativeShares[index] <= u) index++;
  return index;
}

/** Expected number of distinct transactions (the integral of the offered rate). */
export function expectedTransactions(config: SimWorkloadConfig): number {
  let total = 0;
  const stepMs = 100;
  for (let time = 0; time < config.durationS * 1000; time += stepMs)
    total += (offeredRateAt(config, time) * Math.min(stepMs, config.durationS * 1000 - time)) / 1000;
  return total;
}

export function generateSimWorkload(overrides: Partial<SimWorkloadConfig> = {}): SimWorkload {
  const config: SimWorkloadConfig = { ...DEFAULT_SIM_WORKLOAD, ...overrides };
  validateWorkloadConfig(config);
  const layout = new AccountLayout(config);
  const random = new SeededRandom(config.seed);
  const uniform = () => random.next();
  const markets = new ZipfSampler(config.markets, config.zipfExponent);
  const kinds = cumulative(config.kindShares);
  const sigma = lognormalSigmaForMeanToMedian(config.priorityFeeMeanToMedian);
  const mu = Math.log(config.priorityFeeMedianLamports);

  const botPath = new Uint8Array(config.bots);
  for (let bot = 0; bot < config.bots; bot++)
    botPath[bot] = uniform() < config.rpcShare ? PATH_RPC : PATH_UDP;

  let capacity = Math.ceil(expectedTransactions(config) * 1.1) + 64;
  let sendAtMs = new Float64Array(capacity);
  const durationMs = config.durationS * 1000;
  let count = 0;
  let time = 0;
  for (;;) {
    time += (-Math.log(1 - uniform()) / offeredRateAt(config, time)) * 1000;
    if (time >= durationMs) break;
    if (count === capacity) {
      capacity *= 2;
      const grown = new Float64Array(capacity);
      grown.set(sendAtMs);
      sendAtMs = grown;
    }
    sendAtMs[count++] = time;
  }
  sendAtMs = sendAtMs.slice(0, count);

  const kind = new Uint8Array(count);
  const bot = new Uint32Array(count);
  const market = new Int32Array(count);
  const market2 = new Int32Array(count).fill(-1);
  const targetKind = new Uint8Array(count);
  const target = new Int32Array(count).fill(-1);
  const computeUnitLimit = new Uint32Array(count);
  const priorityFeeLamports = new Float64Array(count);
  const bad = new Uint8Array(count);
  const path = new Uint8Array(count);
  const resubmits = new Uint8Array(count);
  const badCumulative = [
    config.badSignatureShare,
    config.badSignatureShare + config.expiredBlockhashShare,
    config.badSignatureShare + config.expiredBlockhashShare + config.noFundsShare,
  ];

  for (let tx = 0; tx < count; tx++) {
    const txKind = pick(kinds, uniform());
    const txBot = Math.floor(uniform() * config.bots);
    const txMarket = markets.sample(random);
    kind[tx] = txKind;
    bot[tx] = txBot;
    market[tx] = txMarket;
    path[tx] = botPath[txBot];
    if (txKind === KIND_ARBITRAGE) {
      let other = markets.sample(random);
      if (other === txMarket) other = (txMarket + 1) % config.markets;
      market2[tx] = other;
    }
    if (txKind === KIND_TRANSFER) {
      if (uniform() < config.coldShare) {
        if (uniform() < 0.5) targetKind[tx] = TARGET_FRESH_ADDRESS;
        else {
          targetKind[tx] = TARGET_COLD_TOKEN;
          target[tx] = Math.floor(uniform() * config.coldTokenAccounts);
        }
      } else {
        let recipient = Math.floor(uniform() * config.bots);
        if (recipient === txBot) recipient = (txBot + 1) % config.bots;
        targetKind[tx] = TARGET_BOT;
        target[tx] = recipient;
      }
    }
    const [low, high] = KIND_COMPUTE_UNITS[txKind];
    const units = Math.round(low * (high / low) ** uniform());
    computeUnitLimit[tx] = Math.max(units, computeUnitFloor(txKind, targetKind[tx]));
    priorityFeeLamports[tx] = Math.min(
      PRIORITY_FEE_LAMPORTS_MAX,
      Math.max(1, Math.round(Math.exp(mu + sigma * normal(uniform)))),
    );
    const badDraw = uniform();
    bad[tx] =
      badDraw < badCumulative[0]
        ? BAD_SIGNATURE
        : badDraw < badCumulative[1]
          ? BAD_EXPIRED_BLOCKHASH
          : badDraw < badCumulative[2]
            ? BAD_NO_FUNDS
            : BAD_NONE;
    if (uniform() < config.resubmitShare) resubmits[tx] = 1 + Math.floor(uniform() * config.resubmitsMax);
  }
  return {
    config,
    layout,
    count,
    sendAtMs,
    kind,
    bot,
    market,
    market2,
    targetKind,
    target,
    computeUnitLimit,
    priorityFeeLamports,
    bad,
    path,
    resubmits,
    botPath,
  };
}

/** The smallest compute-unit limit the transaction's real instructions fit in (see transaction-plan.ts). */
export function computeUnitFloor(kind: number, targetKind: number): number {
  switch (kind) {
    case 0: // swap: two token transfers
    case 2: // arbitrage: two token transfers
      return COMPUTE_UNIT_LIMIT_FLOOR.twoTokenTransfers;
    case 1: // order: a token transfer and a memo
      return COMPUTE_UNIT_LIMIT_FLOOR.tokenTransfer + COMPUTE_UNIT_LIMIT_FLOOR.memo;
    case KIND_TRANSFER:
      return targetKind === TARGET_COLD_TOKEN
        ? COMPUTE_UNIT_LIMIT_FLOOR.tokenTransfer
        : COMPUTE_UNIT_LIMIT_FLOOR.solTransfer;
    default: // oracle: a SOL transfer and a memo
      return COMPUTE_UNIT_LIMIT_FLOOR.solTransfer + COMPUTE_UNIT_LIMIT_FLOOR.memo;
  }
}

/** Packets the workload sends (first copies plus resubmissions). */
export function packetCount(workload: SimWorkload): number {
  let packets = workload.count;
  for (let tx = 0; tx < workload.count; tx++) packets += workload.resubmits[tx];
  return packets;
}
