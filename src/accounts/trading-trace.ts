// A deterministic (by seed) account access trace shaped like trading flow on a Solana node.
// Hot, grouped accounts: per market its state (OpenBook market ~840 B), bids and asks (~90 KB each)
// and event queue (~256 KB), plus oracles (~3 KB) shared by several markets; users' open-orders
// accounts (~3.2 KB) and token accounts (165 B); a long tail of cold accounts read once or rarely.
// Markets and users are Zipf-popular; every trade touches its market group, one oracle and the
// trader's accounts; cranks read an event queue and a few traders' open orders; a share of accesses
// go to the cold tail (wallet lookups, new token accounts).
import type { AccessTrace } from "./access-trace.ts";
import { AccessTraceBuilder } from "./access-trace.ts";
import { ADDRESS_BYTES } from "./address-index.ts";
import { SeededRandom, ZipfSampler } from "./seeded-random.ts";

export const TYPICAL_BYTES = {
  market: 840,
  bookSide: 90_000,
  eventQueue: 262_144,
  oracle: 3_312,
  openOrders: 3_228,
  tokenAccount: 165,
} as const;

export interface TradingTraceOptions {
  seed: number;
  /** Trades to generate (each is 6–8 accesses). */
  trades: number;
  markets?: number;
  oracles?: number;
  users?: number;
  coldAccounts?: number;
  marketZipfExponent?: number;
  userZipfExponent?: number;
  /** Probability that a trade also reads a cold account. */
  coldReadProbability?: number;
  /** Probability that a trade is followed by a crank. */
  crankProbability?: number;
}

export function generateTradingTrace(options: TradingTraceOptions): AccessTrace {
  const random = new SeededRandom(options.seed);
  const marketCount = options.markets ?? 60;
  const oracleCount = options.oracles ?? 30;
  const userCount = options.users ?? 20_000;
  const coldCount = options.coldAccounts ?? 400_000;
  const coldReadProbability = options.coldReadProbability ?? 0.5;
  const crankProbability = options.crankProbability ?? 0.1;
  const builder = new AccessTraceBuilder();
  const scratch = new Uint8Array(ADDRESS_BYTES);
  const newAccount = (): number => {
    random.fill(scratch, 0, ADDRESS_BYTES);
    return builder.addAccount(scratch, 0);
  };
  const oracles = Int32Array.from({ length: oracleCount }, newAccount);
  // Per market: state, bids, asks, event queue, oracle index.
  const marketState = new Int32Array(marketCount);
  const bids = new Int32Array(marketCount);
  const asks = new Int32Array(marketCount);
  const eventQueue = new Int32Array(marketCount);
  const marketOracle = new Int32Array(marketCount);
  for (let market = 0; market < marketCount; market++) {
    marketState[market] = newAccount();
    bids[market] = newAccount();
    asks[market] = newAccount();
    eventQueue[market] = newAccount();
    marketOracle[market] = oracles[market % oracleCount];
  }
  // Per user: open orders (lazily per market would explode the space; one per user) and two token accounts.
  const openOrders = new Int32Array(userCount);
  const baseToken = new Int32Array(userCount);
  const quoteToken = new Int32Array(userCount);
  for (let user = 0; user < userCount; user++) {
    openOrders[user] = newAccount();
    baseToken[user] = newAccount();
    quoteToken[user] = newAccount();
  }
  // Cold tail: ids allocated on first use so the address arena stays small.
  const coldIds = new Int32Array(coldCount).fill(-1);
  const coldBytes = new Uint32Array(coldCount);
  for (let cold = 0; cold < coldCount; cold++) {
    const pick = random.next();
    coldBytes[cold] = pick < 0.6 ? TYPICAL_BYTES.tokenAccount : pick < 0.9 ? 0 : 200 + random.below(16_000);
  }
  const marketZipf = new ZipfSampler(marketCount, options.marketZipfExponent ?? 1.0);
  const userZipf = new ZipfSampler(userCount, options.userZipfExponent ?? 0.9);
  const coldZipf = new ZipfSampler(coldCount, 0.6);
  for (let trade = 0; trade < options.trades; trade++) {
    const market = marketZipf.sample(random);
    const user = userZipf.sample(random);
    builder.addAccess(marketState[market], TYPICAL_BYTES.market);
    builder.addAccess(bids[market], TYPICAL_BYTES.bookSide);
    builder.addAccess(asks[market], TYPICAL_BYTES.bookSide);
    builder.addAccess(marketOracle[market], TYPICAL_BYTES.oracle);
    builder.addAccess(openOrders[user], TYPICAL_BYTES.openOrders);
    builder.addAccess(random.next() < 0.5 ? baseToken[user] : quoteToken[user], TYPICAL_BYTES.tokenAccount);
    builder.addAccess(eventQueue[market], TYPICAL_BYTES.eventQueue);
    if (random.next() < coldReadProbability) {
      const cold = coldZipf.sample(random);
      if (coldIds[cold] < 0) coldIds[cold] = newAccount();
      builder.addAccess(coldIds[cold], coldBytes[cold]);
    }
    if (random.next() < crankProbability) {
      const cranked = marketZipf.sample(random);
      builder.addAccess(eventQueue[cranked], TYPICAL_BYTES.eventQueue);
      for (let k = 0; k < 4; k++)
        builder.addAccess(openOrders[userZipf.sample(random)], TYPICAL_BYTES.openOrders);
    }
  }
  return builder.finish();
}
