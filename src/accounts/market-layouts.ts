// Known on-chain layouts of trading accounts, read over the raw bytes (no SDK): what kind of account a
// value is (market, book side, event queue, oracle, open orders, token) and which other accounts it
// names. A market names its book sides and event queue (and, for OpenBook v2, its oracles); an
// open-orders account names its market. These relations make market groups (account-groups.ts).
//
// Layouts (facts from the programs' account definitions):
// - Serum v3 / OpenBook v1 (Serum's program, forks): data framed as "serum" + body + "padding";
//   u64 account flags at 5 (Initialized 1, Market 2, OpenOrders 4, RequestQueue 8, EventQueue 16,
//   Bids 32, Asks 64). MarketState: own address 13, base vault 117, quote vault 165, request queue 221,
//   event queue 253, bids 285, asks 317 (388 bytes). OpenOrders: market 13, owner 45.
// - OpenBook v2 (Anchor, 8-byte discriminator sha256("account:<Name>")[0..8]): Market: bids 200,
//   asks 232, event heap 264, oracle A 296, oracle B 328 (zero = none). OpenOrdersAccount: owner 8,
//   market 40. BookSide, EventHeap: discriminator only.
// - Pyth: legacy price accounts (magic 0xa1b2c3d4 at 0); pull-oracle PriceUpdateV2 (discriminator).
import { createHash } from "node:crypto";
import { base58Encode } from "../tx/base58.ts";

export const SERUM_V3_PROGRAM = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
export const OPENBOOK_V1_PROGRAM = "srmqPvymJeFKQ4zGQed1GFppgkRHL9kaELCbyksJtPX";
export const OPENBOOK_V2_PROGRAM = "opnb2LAfJYbRMAHHvqjCwQxanZn7ReEHp1k81EohpZb";
export const PYTH_ORACLE_PROGRAM = "FsJ3A3u2vn5cTVofAjvy6y5kwABJAqYWpe4975bi2epH";
export const PYTH_RECEIVER_PROGRAM = "rec5EKMGg6MxZYaMdyBfgwp4d5rB9T1VQH5pJv5LtFJ";
export const PYTH_PUSH_ORACLE_PROGRAM = "pythWSnswVUd12oZpeFP8e9CVaEqJg25g1Vtc2biRsT";
export const TOKEN_PROGRAM = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
export const TOKEN_2022_PROGRAM = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";

/** Account kinds, in the order of ACCOUNT_KINDS in src/metrics/labels.ts. */
export const KIND_MARKET = 0;
export const KIND_BOOK_SIDE = 1;
export const KIND_EVENT_QUEUE = 2;
export const KIND_ORACLE = 3;
export const KIND_OPEN_ORDERS = 4;
export const KIND_TOKEN = 5;
export const KIND_OTHER = 6;
export const ACCOUNT_KIND_COUNT = 7;

const SERUM_FLAG_MARKET = 2n;
const SERUM_FLAG_OPEN_ORDERS = 4n;
const SERUM_FLAG_REQUEST_QUEUE = 8n;
const SERUM_FLAG_EVENT_QUEUE = 16n;
const SERUM_FLAG_BIDS = 32n;
const SERUM_FLAG_ASKS = 64n;
const SERUM_HEAD = "serum";
export const SERUM_MARKET_BYTES = 388;
const PYTH_MAGIC = 0xa1b2c3d4;

/** Anchor's account discriminator: the first 8 bytes of sha256("account:<Name>"). */
export function anchorDiscriminator(name: string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(`account:${name}`).digest().subarray(0, 8));
}

const OPENBOOK_V2_MARKET = anchorDiscriminator("Market");
const OPENBOOK_V2_BOOK_SIDE = anchorDiscriminator("BookSide");
const OPENBOOK_V2_EVENT_HEAP = anchorDiscriminator("EventHeap");
const OPENBOOK_V2_OPEN_ORDERS = anchorDiscriminator("OpenOrdersAccount");
const PYTH_PRICE_UPDATE_V2 = anchorDiscriminator("PriceUpdateV2");

function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  if (data.length < prefix.length) return false;
  for (let index = 0; index < prefix.length; index++) if (data[index] !== prefix[index]) return false;
  return true;
}

function isSerumFramed(data: Uint8Array): boolean {
  if (data.length < 13) return false;
  for (let index = 0; index < SERUM_HEAD.length; index++)
    if (data[index] !== SERUM_HEAD.charCodeAt(index)) return false;
  return true;
}

function serumFlags(data: Uint8Array): bigint {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getBigUint64(5, true);
}

function isZero(data: Uint8Array, offset: number): boolean {
  for (let index = offset; index < offset + 32; index++) if (data[index] !== 0) return false;
  return true;
}

function pubkeyAt(data: Uint8Array, offset: number): string {
  return base58Encode(data, offset, 32);
}

const SERUM_PROGRAMS: ReadonlySet<string> = new Set([SERUM_V3_PROGRAM, OPENBOOK_V1_PROGRAM]);
const ORACLE_PROGRAMS: ReadonlySet<string> = new Set([
  PYTH_ORACLE_PROGRAM,
  PYTH_RECEIVER_PROGRAM,
  PYTH_PUSH_ORACLE_PROGRAM,
]);

/**
 * Kind of an account from its owner and bytes. `owner` may be null when unknown (raw fixtures): then
 * the layout alone decides (Serum framing, Anchor discriminators, Pyth magic).
 */
export function accountKindOf(owner: string | null, data: Uint8Array): number {
  if (owner === TOKEN_PROGRAM || owner === TOKEN_2022_PROGRAM) return KIND_TOKEN;
  if ((owner === null || SERUM_PROGRAMS.has(owner)) && isSerumFramed(data)) {
    const flags = serumFlags(data);
    if (flags & SERUM_FLAG_MARKET) return KIND_MARKET;
    if (flags & (SERUM_FLAG_BIDS | SERUM_FLAG_ASKS)) return KIND_BOOK_SIDE;
    if (flags & (SERUM_FLAG_EVENT_QUEUE | SERUM_FLAG_REQUEST_QUEUE)) return KIND_EVENT_QUEUE;
    if (flags & SERUM_FLAG_OPEN_ORDERS) return KIND_OPEN_ORDERS;
    return KIND_OTHER;
  }
  if (owner === null || owner === OPENBOOK_V2_PROGRAM) {
    if (startsWith(data, OPENBOOK_V2_MARKET)) return KIND_MARKET;
    if (startsWith(data, OPENBOOK_V2_BOOK_SIDE)) return KIND_BOOK_SIDE;
    if (startsWith(data, OPENBOOK_V2_EVENT_HEAP)) return KIND_EVENT_QUEUE;
    if (startsWith(data, OPENBOOK_V2_OPEN_ORDERS)) return KIND_OPEN_ORDERS;
  }
  if (owner === null || ORACLE_PROGRAMS.has(owner)) {
    if (data.length >= 4 && new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true) === PYTH_MAGIC)
      return KIND_ORACLE;
    if (startsWith(data, PYTH_PRICE_UPDATE_V2)) return KIND_ORACLE;
    if (owner !== null) return KIND_ORACLE;
  }
  return KIND_OTHER;
}

/** The accounts a market names (its group), and for an open-orders account, its market. */
export interface MarketRelations {
  kind: number;
  /** For a market: bids, asks, event queue (and request queue / oracles when present). */
  members: string[];
  /** For an open-orders account: the market it belongs to. */
  market: string | null;
}

/** Relations an account's bytes state; null when its layout names none. */
export function marketRelationsOf(owner: string | null, data: Uint8Array): MarketRelations | null {
  const kind = accountKindOf(owner, data);
  if (kind !== KIND_MARKET && kind !== KIND_OPEN_ORDERS) return null;
  if (isSerumFramed(data)) {
    if (kind === KIND_OPEN_ORDERS) {
      return data.length >= 77 ? { kind, members: [], market: pubkeyAt(data, 13) } : null;
    }
    if (data.length < SERUM_MARKET_BYTES) return null;
    return {
      kind,
      members: [pubkeyAt(data, 285), pubkeyAt(data, 317), pubkeyAt(data, 253), pubkeyAt(data, 221)],
      market: null,
    };
  }
  if (kind === KIND_OPEN_ORDERS)
    return data.length >= 72 ? { kind, members: [], market: pubkeyAt(data, 40) } : null;
  if (data.length < 360) return null;
  const members = [pubkeyAt(data, 200), pubkeyAt(data, 232), pubkeyAt(data, 264)];
  for (const offset of [296, 328]) if (!isZero(data, offset)) members.push(pubkeyAt(data, offset));
  return { kind, members, market: null };
}

/** A Serum v3 market's own address (stored in its state); null for other layouts. */
export function serumMarketOwnAddress(data: Uint8Array): string | null {
  if (!isSerumFramed(data) || data.length < SERUM_MARKET_BYTES) return null;
  return (serumFlags(data) & SERUM_FLAG_MARKET) !== 0n ? pubkeyAt(data, 13) : null;
}
