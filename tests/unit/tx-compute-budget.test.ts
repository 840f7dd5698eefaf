// Compute-budget parsing and fee math as Agave does it: defaults (200k / 3k builtin), cap, duplicates,
// bad data, heap-frame and loaded-accounts rules, priority fee rounding, precompile signatures.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  base58Decode,
  COMPUTE_BUDGET_PROGRAM_ID,
  decodeParsedTransaction,
  ED25519_PROGRAM_ID,
  ParsedTransaction,
  parseTransaction,
  priorityFeeLamports,
  SECP256R1_PROGRAM_ID,
  TX_COMPUTE_BUDGET_DUPLICATE,
  TX_COMPUTE_BUDGET_INVALID_DATA,
  TX_COMPUTE_BUDGET_INVALID_HEAP_FRAME,
  TX_COMPUTE_BUDGET_ZERO_LOADED_ACCOUNTS_DATA_SIZE,
} from "../../src/tx/index.ts";
import { rawKey, rawTransaction } from "../helpers/tx-build.ts";

const SYSTEM_PROGRAM_ID = base58Decode("11111111111111111111111111111111")!;
const parsed = new ParsedTransaction();

function u32(discriminant: number, value: number): number[] {
  const data = new Uint8Array(5);
  data[0] = discriminant;
  new DataView(data.buffer).setUint32(1, value, true);
  return Array.from(data);
}

function u64(discriminant: number, value: bigint): number[] {
  const data = new Uint8Array(9);
  data[0] = discriminant;
  new DataView(data.buffer).setBigUint64(1, value, true);
  return Array.from(data);
}

/** Keys: 0 payer, 1 account, 2 compute budget, 3 custom program, 4 system, 5 ed25519, 6 secp256r1. */
function run(instructions: { program: number; data: number[] }[], signatureCount = 1) {
  const keys = [
    rawKey(0),
    rawKey(1),
    COMPUTE_BUDGET_PROGRAM_ID,
    rawKey(3),
    SYSTEM_PROGRAM_ID,
    ED25519_PROGRAM_ID,
  ];
  keys.push(SECP256R1_PROGRAM_ID);
  const signerKeys = Array.from({ length: signatureCount - 1 }, (_, index) => rawKey(20 + index));
  const allKeys = [keys[0], ...signerKeys, ...keys.slice(1)];
  const shift = signatureCount - 1;
  const bytes = rawTransaction({
    header: [signatureCount, 0, 5],
    keys: allKeys,
    instructions: instructions.map((instruction) => ({
      programIdIndex: instruction.program === 0 ? 0 : instruction.program + shift,
      accounts: [],
      data: instruction.data,
    })),
  });
  const code = parseTransaction(bytes, 0, bytes.length, parsed);
  return { code, offset: parsed.errorOffset, bytes };
}

describe("compute-budget instructions", () => {
  test("defaults: 200,000 per non-builtin, 3,000 per builtin (compute budget included), capped", () => {
    expect(run([{ program: 3, data: [] }]).code).toBe(0);
    expect(parsed.computeUnitLimit).toBe(200_000);
    expect(
      run([
        { program: 3, data: [] },
        { program: 4, data: [] },
        { program: 2, data: u64(3, 1n) },
      ]).code,
    ).toBe(0);
    expect(parsed.computeUnitLimit).toBe(200_000 + 3_000 + 3_000);
    expect(run(Array.from({ length: 8 }, () => ({ program: 3, data: [] }))).code).toBe(0);
    expect(parsed.computeUnitLimit).toBe(1_400_000);
    expect(parsed.heapFrameBytes).toBe(32 * 1024);
    expect(parsed.loadedAccountsDataSizeLimit).toBe(64 * 1024 * 1024);
  });

  test("requested values, limit capped at 1.4M, loaded size capped at 64 MiB, trailing data allowed", () => {
    const result = run([
      { program: 2, data: u32(2, 5_000_000) },
      { program: 2, data: [...u64(3, 250_000n), 9, 9] },
      { program: 2, data: u32(1, 64 * 1024) },
      { program: 2, data: u32(4, 0xffffffff) },
      { program: 3, data: [] },
    ]);
    expect(result.code).toBe(0);
    expect(parsed.computeUnitLimitRequested).toBe(5_000_000);
    expect(parsed.computeUnitLimit).toBe(1_400_000);
    expect(parsed.computeUnitPriceMicroLamports).toBe(250_000);
    expect(parsed.heapFrameBytes).toBe(64 * 1024);
    expect(parsed.loadedAccountsDataSizeLimit).toBe(64 * 1024 * 1024);
    expect(parsed.priorityFeeLamports).toBe(350_000);
    expect(parsed.totalFeeLamports).toBe(355_000);
  });

  test("duplicates are rejected at the second instruction's data", () => {
    for (const data of [u32(2, 1), u64(3, 1n), u32(1, 32 * 1024), u32(4, 1)]) {
      const result = run([
        { program: 2, data },
        { program: 3, data: [] },
        { program: 2, data },
      ]);
      expect(result.code).toBe(TX_COMPUTE_BUDGET_DUPLICATE);
      expect(result.bytes[result.offset]).toBe(data[0]);
      expect(result.offset).toBe(result.bytes.length - data.length);
    }
  });

  test("invalid data: empty, retired discriminant 0, unknown, short", () => {
    for (const data of [[], [0, 1, 0, 0, 0], [5, 0, 0, 0, 0], [2, 1, 0, 0], [3, 1, 0, 0, 0, 0, 0, 0]]) {
      expect(run([{ program: 2, data }]).code).toBe(TX_COMPUTE_BUDGET_INVALID_DATA);
    }
  });

  test("heap frame must be a multiple of 1024 within 32 KiB..256 KiB", () => {
    for (const bytes of [0, 31 * 1024, 257 * 1024, 33 * 1024 + 1]) {
      expect(run([{ program: 2, data: u32(1, bytes) }]).code).toBe(TX_COMPUTE_BUDGET_INVALID_HEAP_FRAME);
    }
    expect(run([{ program: 2, data: u32(1, 256 * 1024) }]).code).toBe(0);
  });

  test("a loaded-accounts data size limit of 0 is rejected", () => {
    expect(run([{ program: 2, data: u32(4, 0) }]).code).toBe(
      TX_COMPUTE_BUDGET_ZERO_LOADED_ACCOUNTS_DATA_SIZE,
    );
  });
});

describe("fees", () => {
  test("base fee counts transaction and precompile signatures", () => {
    expect(
      run(
        [
          { program: 5, data: [2, 0] },
          { program: 6, data: [3] },
          { program: 5, data: [] },
        ],
        2,
      ).code,
    ).toBe(0);
    expect(parsed.precompileSignatureCount).toBe(5);
    expect(parsed.feeSignatureCount).toBe(7);
    expect(parsed.baseFeeLamports).toBe(35_000);
  });

  test("priority fee is ceil(price × limit / 10^6), exact against bigint, u64-saturated", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.integer({ min: 0, max: 1_400_000 }),
        (price, limit) => {
          let expected = (price * BigInt(limit) + 999_999n) / 1_000_000n;
          if (expected > (1n << 64n) - 1n) expected = (1n << 64n) - 1n;
          const actual = priorityFeeLamports(Number(price >> 32n), Number(price & 0xffffffffn), limit);
          if (expected < 1n << 53n) expect(BigInt(actual)).toBe(expected);
          else expect(Math.abs(actual - Number(expected)) / Number(expected)).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 2000 },
    );
    expect(priorityFeeLamports(0, 1, 1)).toBe(1);
    expect(priorityFeeLamports(0, 1_000_000, 1)).toBe(1);
    expect(priorityFeeLamports(0, 1_000_001, 1)).toBe(2);
  });

  test("decode reports huge prices and fees exactly as decimal strings", () => {
    expect(
      run([
        { program: 2, data: u64(3, (1n << 64n) - 1n) },
        { program: 2, data: u32(2, 1_400_000) },
      ]).code,
    ).toBe(0);
    const decoded = decodeParsedTransaction(parsed);
    expect(decoded.computeBudget.unitPrice).toBe("18446744073709551615");
    expect(decoded.fee.priorityLamports).toBe("18446744073709551615");
    expect(decoded.fee.totalLamports).toBe("18446744073709551615");
  });
});
