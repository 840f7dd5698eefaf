// Unit checks of the RPC plumbing: exact u64 JSON, wire-view refusals (which protect litesvm from
// bytes it would abort on), and param readers.
import { describe, expect, test } from "bun:test";
import { BANK_TX_MALFORMED, BANK_TX_TOO_LARGE } from "../../src/bank/bank-errors.ts";
import { readShortU16, viewWireTransaction } from "../../src/bank/wire-view.ts";
import { isOutriderError } from "../../src/errors.ts";
import { stringifyJson } from "../../src/server/json-rpc.ts";
import { commitmentOf, decodeBinary } from "../../src/server/rpc-params.ts";

describe("stringifyJson", () => {
  test("bigints become exact JSON numbers", () => {
    expect(stringifyJson({ lamports: 18446744073709551615n, list: [1n] })).toBe(
      '{"lamports":18446744073709551615,"list":[1]}',
    );
  });
});

describe("wire view", () => {
  const refuse = (bytes: Uint8Array, code: number) => {
    try {
      viewWireTransaction(bytes);
    } catch (error) {
      expect(isOutriderError(error, code)).toBe(true);
      return;
    }
    throw new Error("expected a refusal");
  };
  test("truncated, trailing, oversized and non-canonical inputs are refused", () => {
    refuse(new Uint8Array([1, 2, 3]), BANK_TX_MALFORMED);
    refuse(new Uint8Array(0), BANK_TX_MALFORMED);
    refuse(new Uint8Array(1300), BANK_TX_TOO_LARGE);
    expect(() => readShortU16(new Uint8Array([0x80, 0x00]), 0)).toThrow(/non-canonical/);
    expect(readShortU16(new Uint8Array([0x80, 0x01]), 0)).toEqual([128, 2]);
  });
  test("random bytes never throw anything but an OutriderError", () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let round = 0; round < 2000; round++) {
      const length = random() % 300;
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) bytes[i] = random() & 0xff;
      try {
        viewWireTransaction(bytes);
      } catch (error) {
        expect(isOutriderError(error)).toBe(true);
      }
    }
  });
});

describe("params", () => {
  test("commitment aliases and refusal", () => {
    expect(commitmentOf({})).toBe("finalized");
    expect(commitmentOf({ commitment: "recent" })).toBe("processed");
    expect(() => commitmentOf({ commitment: "later" })).toThrow(/commitment/);
  });
  test("base64 and base58 size limits follow Solana's 1683/1644 for 1232 bytes", () => {
    expect(() => decodeBinary("A".repeat(1648), "base64", 1232, "transaction")).toThrow(
      /max: encoded\/raw 1644\/1232/,
    );
    expect(() => decodeBinary("1".repeat(1684), "base58", 1232, "transaction")).toThrow(/1683\/1232/);
    expect(() => decodeBinary("@@@@", "base64", 1232, "transaction")).toThrow(/invalid base64/);
  });
});
