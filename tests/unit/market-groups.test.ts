// Market layouts read over the raw bytes of real accounts (tests/fixtures/markets, copied from ../shared/fixtures/markets: Serum v3 mainnet
// markets, OpenBook v2 accounts written by the real program, Pyth price accounts), checked against the
// addresses their projects state; the groups built from them; fast-check that arbitrary bytes never
// break the readers.
import { describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import fc from "fast-check";
import { AccountGroups } from "../../src/accounts/account-groups.ts";
import {
  accountKindOf,
  anchorDiscriminator,
  KIND_BOOK_SIDE,
  KIND_EVENT_QUEUE,
  KIND_MARKET,
  KIND_OPEN_ORDERS,
  KIND_ORACLE,
  KIND_OTHER,
  KIND_TOKEN,
  marketRelationsOf,
  OPENBOOK_V2_PROGRAM,
  SERUM_V3_PROGRAM,
  serumMarketOwnAddress,
  TOKEN_PROGRAM,
} from "../../src/accounts/market-layouts.ts";
import type { AccountView } from "../../src/server/rpc-backend.ts";
import { base58Decode } from "../../src/tx/base58.ts";

const MARKETS = resolve(import.meta.dir, "../fixtures/markets");
const bytesOf = async (path: string) => new Uint8Array(await Bun.file(resolve(MARKETS, path)).arrayBuffer());
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const view = (owner: string, data: Uint8Array): AccountView => ({
  lamports: 1n,
  data,
  owner,
  executable: false,
  rentEpoch: 0n,
});

// Serum SOL/USDC (mainnet, March 2021): market address from the fixture README; its book sides and
// queues as listed for this market by Serum's own market list.
const SOL_USDC = {
  market: "9wFFyRfZBsuAha4YcuxcXLKwMxJR43S7fPfQLusDBzvT",
  bids: "14ivtgssEBoBjuZJtSAPKYgpUK7DmnSwuPMqJoVTSgKJ",
  asks: "CEQdAFKdycHugujQg9k2wbmxjcpdYZyVLfV9WerTnafJ",
  eventQueue: "5KKsLVU6TcbVDK4BS6K1DGDxnh4Q9xjYJ8XaDCG5t8ht",
  requestQueue: "AZG3tFCFtiCqEwyardENBQNpHqxgzbMw8uKeZEw2nRG5",
};
// OpenBook v2 SOL-USDC, made by the real program (fixture README).
const OPENBOOK = {
  bids: "5Z6Ay5NEcbg3xhopc522sBCRXQujkTiuDRnHGfQdcnSf",
  asks: "7v54NWdBtkjuAFJrLGsS2SXnuk8nKam81mZJeeYxVFi9",
  eventHeap: "mBKqcnGotbsSb5vNrdyhzZ5EhqZdids9QYiTRckvi7v",
};

describe("Serum v3 layouts (real mainnet bytes)", () => {
  test("SOL/USDC market: its own address and the accounts it names", async () => {
    const data = await bytesOf("serum-v3/sol_usdc_dex_market.bin");
    expect(data.length).toBe(388);
    expect(accountKindOf(null, data)).toBe(KIND_MARKET);
    expect(accountKindOf(SERUM_V3_PROGRAM, data)).toBe(KIND_MARKET);
    expect(serumMarketOwnAddress(data)).toBe(SOL_USDC.market);
    expect(marketRelationsOf(SERUM_V3_PROGRAM, data)).toEqual({
      kind: KIND_MARKET,
      members: [SOL_USDC.bids, SOL_USDC.asks, SOL_USDC.eventQueue, SOL_USDC.requestQueue],
      market: null,
    });
  });

  test("SRM/USDC market names itself; book sides are book sides", async () => {
    const data = await bytesOf("serum-v3/srm_usdc_dex_market.bin");
    expect(serumMarketOwnAddress(data)).toBe("ByRys5tuUWDgL73G8JBAEfkdFf8JWBzPBDHsBVQ5vbQA");
    for (const side of ["sol_usdc_dex_market_bids", "sol_usdc_dex_market_asks", "srm_usdc_dex_market_bids"]) {
      const book = await bytesOf(`serum-v3/${side}.bin`);
      expect(accountKindOf(SERUM_V3_PROGRAM, book)).toBe(KIND_BOOK_SIDE);
      expect(marketRelationsOf(SERUM_V3_PROGRAM, book)).toBeNull();
      expect(serumMarketOwnAddress(book)).toBeNull();
    }
  });

  test("an open-orders account names its market (synthetic, Serum's layout)", () => {
    const data = new Uint8Array(3228);
    data.set(new TextEncoder().encode("serum"), 0);
    new DataView(data.buffer).setBigUint64(5, 1n | 4n, true); // Initialized | OpenOrders
    data.set(base58Decode(SOL_USDC.market)!, 13);
    expect(accountKindOf(SERUM_V3_PROGRAM, data)).toBe(KIND_OPEN_ORDERS);
    expect(marketRelationsOf(SERUM_V3_PROGRAM, data)?.market).toBe(SOL_USDC.market);
    // The same bytes owned by another program are not Serum's.
    expect(accountKindOf("11111111111111111111111111111111", data)).toBe(KIND_OTHER);
  });
});

describe("OpenBook v2 layouts (bytes the real program wrote)", () => {
  test("Anchor discriminators match the accounts", async () => {
    expect(hex(anchorDiscriminator("Market"))).toBe(
      hex((await bytesOf("openbook-v2/market.bin")).subarray(0, 8)),
    );
    expect(hex(anchorDiscriminator("BookSide"))).toBe(
      hex((await bytesOf("openbook-v2/bids.bin")).subarray(0, 8)),
    );
    expect(hex(anchorDiscriminator("EventHeap"))).toBe(
      hex((await bytesOf("openbook-v2/event_heap.bin")).subarray(0, 8)),
    );
    expect(hex(anchorDiscriminator("OpenOrdersAccount"))).toBe("ffc24e7b1069d0a5");
  });

  test("the market names bids, asks and event heap (no oracle)", async () => {
    for (const name of ["market", "after_taker_market"]) {
      const data = await bytesOf(`openbook-v2/${name}.bin`);
      expect(accountKindOf(OPENBOOK_V2_PROGRAM, data)).toBe(KIND_MARKET);
      expect(marketRelationsOf(OPENBOOK_V2_PROGRAM, data)?.members).toEqual([
        OPENBOOK.bids,
        OPENBOOK.asks,
        OPENBOOK.eventHeap,
      ]);
    }
    expect(accountKindOf(OPENBOOK_V2_PROGRAM, await bytesOf("openbook-v2/asks.bin"))).toBe(KIND_BOOK_SIDE);
    expect(accountKindOf(null, await bytesOf("openbook-v2/after_taker_event_heap.bin"))).toBe(
      KIND_EVENT_QUEUE,
    );
  });

  test("an open-orders account names its market (synthetic, the program's layout)", () => {
    const data = new Uint8Array(1256);
    data.set(anchorDiscriminator("OpenOrdersAccount"), 0);
    data.set(base58Decode(OPENBOOK.bids)!, 40); // any address as "market"
    expect(accountKindOf(OPENBOOK_V2_PROGRAM, data)).toBe(KIND_OPEN_ORDERS);
    expect(marketRelationsOf(OPENBOOK_V2_PROGRAM, data)?.market).toBe(OPENBOOK.bids);
  });
});

describe("oracles, tokens, anything else", () => {
  test("Pyth price accounts (legacy and pull) are oracles; token accounts are tokens", async () => {
    for (const name of [
      "pythnet_aapl_usd_price.bin",
      "mainnet_usdc_usd_price_Gnt27xtC473ZT2Mw5u8wZ68Z3gULkSTb5DuxJy7eJotD.bin",
      "pythnet_btc_usd_price_20240827.bin",
      "devnet_sol_usd_price_J83w4HKfqxwcq3BEMMkPFSppX3gqekLyLJBexebFVkix.bin",
      "mainnet_sol_usd_price_update_v2_7UVimffxr9ow1uXYxsr4LHAcV58mLzhmwaeKvJ1pjLiE.bin",
    ]) {
      expect(accountKindOf(null, await bytesOf(`pyth/${name}`))).toBe(KIND_ORACLE);
    }
    expect(accountKindOf(TOKEN_PROGRAM, new Uint8Array(165))).toBe(KIND_TOKEN);
    expect(accountKindOf("11111111111111111111111111111111", new Uint8Array(0))).toBe(KIND_OTHER);
  });

  test("arbitrary bytes under any owner never throw (fast-check)", () => {
    const owners = [
      null,
      SERUM_V3_PROGRAM,
      OPENBOOK_V2_PROGRAM,
      TOKEN_PROGRAM,
      "11111111111111111111111111111111",
    ];
    const serumHead = new TextEncoder().encode("serum");
    fc.assert(
      fc.property(
        fc.constantFrom(...owners),
        fc.uint8Array({ maxLength: 600 }),
        fc.boolean(),
        (owner, body, framed) => {
          const data = framed ? new Uint8Array([...serumHead, ...body]) : body;
          const kind = accountKindOf(owner, data);
          expect(kind).toBeGreaterThanOrEqual(KIND_MARKET);
          expect(kind).toBeLessThanOrEqual(KIND_OTHER);
          const relations = marketRelationsOf(owner, data);
          if (relations !== null) expect([KIND_MARKET, KIND_OPEN_ORDERS]).toContain(relations.kind);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("AccountGroups", () => {
  test("a market's group from its bytes; open orders and co-locked accounts join it", async () => {
    const groups = new AccountGroups({ learnedMembersMax: 3 });
    const market = await bytesOf("serum-v3/sol_usdc_dex_market.bin");
    const group = groups.learnFromValue(SOL_USDC.market, view(SERUM_V3_PROGRAM, market))!;
    expect(group.market).toBe(SOL_USDC.market);
    for (const member of [SOL_USDC.bids, SOL_USDC.asks, SOL_USDC.eventQueue]) {
      expect(groups.groupOf(member)).toBe(group);
    }
    const openOrders = new Uint8Array(3228);
    openOrders.set(new TextEncoder().encode("serum"), 0);
    new DataView(openOrders.buffer).setBigUint64(5, 5n, true);
    openOrders.set(base58Decode(SOL_USDC.market)!, 13);
    const user = "7UVimffxr9ow1uXYxsr4LHAcV58mLzhmwaeKvJ1pjLiE";
    expect(groups.learnFromValue(user, view(SERUM_V3_PROGRAM, openOrders))).toBe(group);
    expect(groups.groupOf(user)).toBe(group);
    // A transaction locking the bids with two token accounts: they join (bounded, oldest out).
    groups.learnCoAccess([SOL_USDC.bids, "Gnt27xtC473ZT2Mw5u8wZ68Z3gULkSTb5DuxJy7eJotD", OPENBOOK.asks]);
    expect(groups.groupOf(OPENBOOK.asks)).toBe(group);
    expect([...group.learned]).toEqual([user, "Gnt27xtC473ZT2Mw5u8wZ68Z3gULkSTb5DuxJy7eJotD", OPENBOOK.asks]);
    groups.learnCoAccess([SOL_USDC.asks, OPENBOOK.eventHeap]);
    expect(groups.groupOf(user)).toBeUndefined();
    expect(groups.accountsOf(group)[0]).toBe(SOL_USDC.market);
    // Accounts touching no known group teach nothing.
    expect(groups.learnCoAccess(["J83w4HKfqxwcq3BEMMkPFSppX3gqekLyLJBexebFVkix"])).toBeUndefined();
  });

  test("the number of groups is bounded", () => {
    const groups = new AccountGroups({ groupsMax: 2 });
    const openOrders = (market: string) => {
      const data = new Uint8Array(3228);
      data.set(new TextEncoder().encode("serum"), 0);
      new DataView(data.buffer).setBigUint64(5, 5n, true);
      data.set(base58Decode(market)!, 13);
      return view(SERUM_V3_PROGRAM, data);
    };
    groups.learnFromValue(OPENBOOK.bids, openOrders(SOL_USDC.market));
    groups.learnFromValue(OPENBOOK.asks, openOrders(SOL_USDC.bids));
    groups.learnFromValue(OPENBOOK.eventHeap, openOrders(SOL_USDC.asks));
    expect(groups.size).toBe(2);
    expect(groups.groupOf(SOL_USDC.market)).toBeUndefined();
    expect(groups.groupOf(OPENBOOK.eventHeap)?.market).toBe(SOL_USDC.asks);
  });
});
