// JSON-RPC parameter checks for base58 values (signatures, public keys, base58 transactions) against
// @solana/kit's codec as the reference: the same strings are accepted, with the same bytes, and every
// other string is an Invalid params error — never an exception of another kind.
import { describe, expect, test } from "bun:test";
import { getBase58Decoder, getBase58Encoder } from "@solana/kit";
import fc from "fast-check";
import { JSON_RPC_INVALID_PARAMS, JsonRpcError } from "../../src/server/json-rpc.ts";
import { decodeBinary, requirePubkey, requireSignature } from "../../src/server/rpc-params.ts";

const kitText = getBase58Decoder();
const kitBytes = getBase58Encoder();

/** The error code a check throws, or "ok". */
function outcome(check: () => unknown): number | "ok" {
  try {
    check();
    return "ok";
  } catch (error) {
    expect(error).toBeInstanceOf(JsonRpcError);
    return (error as JsonRpcError).code;
  }
}

/** Kit's decoded length of a string, or -1 when kit rejects it. */
function kitLength(text: string): number {
  try {
    return kitBytes.encode(text).length;
  } catch {
    return -1;
  }
}

const anyText = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 80 }).map((bytes) => kitText.decode(bytes)),
  fc.string({ maxLength: 100 }),
  fc.stringMatching(/^[1-9A-HJ-NP-Za-km-z0OIl]{0,100}$/),
);

describe("base58 RPC parameters", () => {
  test("signatures and public keys: accepted exactly when kit decodes them to 64 and 32 bytes (property)", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const length = kitLength(text);
        expect(outcome(() => requireSignature(text, "signature"))).toBe(
          length === 64 ? "ok" : JSON_RPC_INVALID_PARAMS,
        );
        expect(outcome(() => requirePubkey([text], 0, "pubkey"))).toBe(
          length === 32 ? "ok" : JSON_RPC_INVALID_PARAMS,
        );
      }),
      { numRuns: 2000 },
    );
  });

  test("base58 transactions decode to kit's bytes, within the raw size limit (property)", () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 80 }), (text, rawMaxBytes) => {
        const length = kitLength(text);
        const accepted =
          length >= 0 && length <= rawMaxBytes && text.length <= Math.ceil(rawMaxBytes * 1.3657);
        let bytes: Uint8Array | null = null;
        const result = outcome(() => {
          bytes = decodeBinary(text, "base58", rawMaxBytes, "transaction");
        });
        expect(result).toBe(accepted ? "ok" : JSON_RPC_INVALID_PARAMS);
        if (accepted) expect(bytes!).toEqual(new Uint8Array(kitBytes.encode(text)));
      }),
      { numRuns: 2000 },
    );
  });

  test("non-strings and wrong lengths say what is wrong", () => {
    expect(() => requireSignature(42, "signature")).toThrow(/must be a base58 string/);
    expect(() => requireSignature("0OIl", "signature")).toThrow(/not valid base58/);
    expect(() => requirePubkey([kitText.decode(new Uint8Array(31).fill(7))], 0, "pubkey")).toThrow(
      /must be a 32-byte public key, got 31 bytes/,
    );
  });
});
