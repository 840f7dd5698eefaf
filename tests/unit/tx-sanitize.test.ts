// Every parse and sanitize rejection is reachable, with its own code and the byte offset it names.
import { describe, expect, test } from "bun:test";
import {
  COMPUTE_BUDGET_PROGRAM_ID,
  ParsedTransaction,
  parseTransaction,
  readCompactU16,
  TX_ACCOUNT_INDEX_OUT_OF_RANGE,
  TX_BAD_BOUNDS,
  TX_COMPACT_U16_NON_MINIMAL,
  TX_COMPACT_U16_OVERFLOW,
  TX_DUPLICATE_ACCOUNT_KEY,
  TX_EMPTY_ADDRESS_TABLE_LOOKUP,
  TX_ERROR_TABLE,
  TX_HEADER_ACCOUNTS_OUT_OF_RANGE,
  TX_NO_WRITABLE_FEE_PAYER,
  TX_PROGRAM_ID_IS_FEE_PAYER,
  TX_PROGRAM_ID_OUT_OF_RANGE,
  TX_SIGNATURE_COUNT_MISMATCH,
  TX_TOO_LARGE,
  TX_TOO_MANY_ACCOUNT_KEYS,
  TX_TOO_MANY_ACCOUNT_LOCKS,
  TX_TRAILING_BYTES,
  TX_TRUNCATED,
  TX_UNSUPPORTED_VERSION,
  txErrorToOutriderError,
  writeCompactU16,
} from "../../src/tx/index.ts";
import { type RawTransactionSpec, rawKey, rawTransaction } from "../helpers/tx-build.ts";

const parsed = new ParsedTransaction();

function check(bytes: Uint8Array): { code: number; offset: number } {
  const code = parseTransaction(bytes, 0, bytes.length, parsed);
  return { code, offset: parsed.errorOffset };
}

/** A valid legacy transaction: 1 signer, 3 keys (payer, account, program), one instruction. */
function baseSpec(): RawTransactionSpec {
  return {
    header: [1, 0, 1],
    keys: [rawKey(0), rawKey(1), rawKey(2)],
    instructions: [{ programIdIndex: 2, accounts: [0, 1], data: [1, 2, 3] }],
  };
}

// Offsets in a 1-signature legacy transaction built by rawTransaction.
const HEADER_OFFSET = 1 + 64;
const KEYS_OFFSET = HEADER_OFFSET + 3 + 1;

describe("the valid base transactions parse", () => {
  test("legacy and v0", () => {
    expect(check(rawTransaction(baseSpec()))).toEqual({ code: 0, offset: 0 });
    const v0 = rawTransaction({
      ...baseSpec(),
      version: 0,
      lookups: [{ key: rawKey(9), writable: [1], readonly: [] }],
    });
    expect(check(v0).code).toBe(0);
    expect(parsed.version).toBe(0);
    expect(parsed.accountKeyCount).toBe(4);
  });
});

describe("wire-format rejections", () => {
  test("bad bounds", () => {
    const bytes = rawTransaction(baseSpec());
    expect(parseTransaction(bytes, 5, bytes.length, parsed)).toBe(TX_BAD_BOUNDS);
    expect(parseTransaction(bytes, -1, 3, parsed)).toBe(TX_BAD_BOUNDS);
  });

  test("too large: over 1232 bytes", () => {
    const spec = baseSpec();
    spec.instructions[0].data = new Array(1300).fill(7);
    expect(check(rawTransaction(spec))).toEqual({ code: TX_TOO_LARGE, offset: 1232 });
  });

  test("truncated: empty input and a cut blockhash", () => {
    expect(check(new Uint8Array(0))).toEqual({ code: TX_TRUNCATED, offset: 0 });
    const bytes = rawTransaction(baseSpec());
    const blockhashOffset = KEYS_OFFSET + 3 * 32;
    expect(check(bytes.subarray(0, blockhashOffset + 10))).toEqual({
      code: TX_TRUNCATED,
      offset: blockhashOffset,
    });
  });

  test("trailing bytes", () => {
    const bytes = rawTransaction(baseSpec());
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(check(longer)).toEqual({ code: TX_TRAILING_BYTES, offset: bytes.length });
  });

  test("compact-u16: non-minimal and overflow, exactly as short_vec", () => {
    // 0x80 0x00 encodes 0 with a redundant byte.
    const aliased = Uint8Array.of(0x80, 0x00);
    expect(check(aliased)).toEqual({ code: TX_COMPACT_U16_NON_MINIMAL, offset: 0 });
    expect(readCompactU16(Uint8Array.of(0x81, 0x80, 0x00), 0, 3)).toBe(-TX_COMPACT_U16_NON_MINIMAL);
    expect(readCompactU16(Uint8Array.of(0xff, 0xff, 0x04), 0, 3)).toBe(-TX_COMPACT_U16_OVERFLOW);
    expect(readCompactU16(Uint8Array.of(0x80, 0x80, 0x80, 0x01), 0, 4)).toBe(-TX_COMPACT_U16_OVERFLOW);
    expect(readCompactU16(Uint8Array.of(0xff, 0xff, 0x03), 0, 3)).toBe(0xffff | (3 << 16));
    expect(check(Uint8Array.of(0xff, 0xff, 0x07))).toEqual({ code: TX_COMPACT_U16_OVERFLOW, offset: 0 });
    // Every value round-trips through the minimal writer.
    const buffer = new Uint8Array(3);
    for (let value = 0; value <= 0xffff; value++) {
      const end = writeCompactU16(value, buffer, 0);
      const packed = readCompactU16(buffer, 0, end);
      expect(packed & 0xffff).toBe(value);
      expect(packed >>> 16).toBe(end);
    }
  });

  test("unsupported version: only version 0 is accepted", () => {
    const bytes = rawTransaction({ ...baseSpec(), version: 0 });
    bytes[HEADER_OFFSET] = 0x81;
    expect(check(bytes)).toEqual({ code: TX_UNSUPPORTED_VERSION, offset: HEADER_OFFSET });
    bytes[HEADER_OFFSET] = 0xff;
    expect(check(bytes).code).toBe(TX_UNSUPPORTED_VERSION);
  });
});

describe("sanitize rejections (Agave's rules)", () => {
  test("header: signers plus readonly-unsigned exceed the keys", () => {
    const spec = { ...baseSpec(), header: [1, 0, 3] as [number, number, number] };
    expect(check(rawTransaction(spec))).toEqual({
      code: TX_HEADER_ACCOUNTS_OUT_OF_RANGE,
      offset: HEADER_OFFSET,
    });
  });

  test("header: no writable fee payer", () => {
    const spec = { ...baseSpec(), header: [1, 1, 1] as [number, number, number] };
    expect(check(rawTransaction(spec))).toEqual({
      code: TX_NO_WRITABLE_FEE_PAYER,
      offset: HEADER_OFFSET + 1,
    });
    const noSigners = { ...baseSpec(), header: [0, 0, 1] as [number, number, number] };
    expect(check(rawTransaction(noSigners)).code).toBe(TX_NO_WRITABLE_FEE_PAYER);
  });

  test("program id index out of range, and program id = fee payer", () => {
    const spec = baseSpec();
    spec.instructions[0].programIdIndex = 3;
    const instructionOffset = KEYS_OFFSET + 3 * 32 + 32 + 1;
    expect(check(rawTransaction(spec))).toEqual({
      code: TX_PROGRAM_ID_OUT_OF_RANGE,
      offset: instructionOffset,
    });
    spec.instructions[0].programIdIndex = 0;
    expect(check(rawTransaction(spec))).toEqual({
      code: TX_PROGRAM_ID_IS_FEE_PAYER,
      offset: instructionOffset,
    });
  });

  test("v0: program id may not come from a lookup table", () => {
    const spec: RawTransactionSpec = {
      ...baseSpec(),
      version: 0,
      instructions: [{ programIdIndex: 3, accounts: [], data: [] }],
      lookups: [{ key: rawKey(9), writable: [0], readonly: [] }],
    };
    expect(check(rawTransaction(spec)).code).toBe(TX_PROGRAM_ID_OUT_OF_RANGE);
  });

  test("instruction account index out of range (legacy: static keys; v0: includes looked-up keys)", () => {
    const spec = baseSpec();
    spec.instructions[0].accounts = [0, 1, 3];
    const accountsOffset = KEYS_OFFSET + 3 * 32 + 32 + 1 + 1 + 1;
    expect(check(rawTransaction(spec))).toEqual({
      code: TX_ACCOUNT_INDEX_OUT_OF_RANGE,
      offset: accountsOffset + 2,
    });
    const v0 = { ...spec, version: 0 as const, lookups: [{ key: rawKey(9), writable: [5], readonly: [] }] };
    expect(check(rawTransaction(v0)).code).toBe(0);
    v0.instructions[0].accounts = [0, 4];
    expect(check(rawTransaction(v0)).code).toBe(TX_ACCOUNT_INDEX_OUT_OF_RANGE);
  });

  test("signature count must equal num_required_signatures", () => {
    expect(check(rawTransaction({ ...baseSpec(), signatureCount: 2 }))).toEqual({
      code: TX_SIGNATURE_COUNT_MISMATCH,
      offset: 0,
    });
    expect(check(rawTransaction({ ...baseSpec(), signatureCount: 0 })).code).toBe(
      TX_SIGNATURE_COUNT_MISMATCH,
    );
  });

  test("v0: every lookup loads at least one account", () => {
    const spec: RawTransactionSpec = {
      ...baseSpec(),
      version: 0,
      lookups: [
        { key: rawKey(8), writable: [1], readonly: [] },
        { key: rawKey(9), writable: [], readonly: [] },
      ],
    };
    const bytes = rawTransaction(spec);
    const result = check(bytes);
    expect(result.code).toBe(TX_EMPTY_ADDRESS_TABLE_LOOKUP);
    expect(Array.from(bytes.subarray(result.offset, result.offset + 32))).toEqual(Array.from(rawKey(9)));
  });

  test("v0: more than 256 account keys", () => {
    const indexes = Array.from({ length: 254 }, (_, index) => index);
    const spec: RawTransactionSpec = {
      ...baseSpec(),
      version: 0,
      lookups: [{ key: rawKey(9), writable: indexes, readonly: [] }],
    };
    expect(check(rawTransaction(spec)).code).toBe(TX_TOO_MANY_ACCOUNT_KEYS);
  });

  test("more than 64 account locks", () => {
    const indexes = Array.from({ length: 61 }, (_, index) => index);
    const spec: RawTransactionSpec = {
      ...baseSpec(),
      version: 0,
      lookups: [{ key: rawKey(9), writable: indexes, readonly: [] }],
    };
    const bytes = rawTransaction(spec);
    expect(check(bytes).code).toBe(0);
    spec.lookups![0].readonly = [200, 201];
    const tooMany = rawTransaction(spec);
    const lookupsOffset = 1 + 64 + 1 + 3 + 1 + 3 * 32 + 32 + 1 + (1 + 1 + 2 + 1 + 3);
    expect(check(tooMany)).toEqual({ code: TX_TOO_MANY_ACCOUNT_LOCKS, offset: lookupsOffset });
  });

  test("duplicate static account key, reported at the second copy", () => {
    const spec = baseSpec();
    spec.keys = [rawKey(0), rawKey(1), rawKey(2), rawKey(1)];
    spec.header = [1, 0, 2];
    expect(check(rawTransaction(spec))).toEqual({
      code: TX_DUPLICATE_ACCOUNT_KEY,
      offset: KEYS_OFFSET + 3 * 32,
    });
  });

  test("the fee payer may not be duplicated either", () => {
    const spec = baseSpec();
    spec.keys = [rawKey(0), rawKey(1), COMPUTE_BUDGET_PROGRAM_ID, rawKey(0)];
    spec.header = [1, 0, 2];
    spec.instructions = [{ programIdIndex: 2, accounts: [], data: [2, 0, 0, 1, 0] }];
    expect(check(rawTransaction(spec)).code).toBe(TX_DUPLICATE_ACCOUNT_KEY);
  });
});

describe("error table and reporting", () => {
  test("every code has a unique name and description, and converts to OutriderError", () => {
    const names = new Set<string>();
    for (const [code, entry] of TX_ERROR_TABLE) {
      expect(code).toBeGreaterThan(2000);
      expect(code).toBeLessThan(3000);
      expect(names.has(entry.name)).toBe(false);
      names.add(entry.name);
      const error = txErrorToOutriderError(code, 17);
      expect(error.code).toBe(code);
      expect(error.codeName).toBe(entry.name);
      expect(error.context.offset).toBe(17);
      expect(error.message).toContain("17");
    }
  });
});
