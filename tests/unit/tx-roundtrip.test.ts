// Property tests: random transactions built and signed by @solana/web3.js and @solana/kit decode to exactly
// the fields those libraries put in, their signatures verify over our message slice, and re-serializing
// the decoded object gives back the same bytes.
import { describe, expect, test } from "bun:test";
import { createPublicKey, verify } from "node:crypto";
import { getBase58Decoder } from "@solana/kit";
import fc from "fast-check";
import {
  type DecodedTransaction,
  decodeParsedTransaction,
  ParsedTransaction,
  parseTransaction,
  serializeTransaction,
} from "../../src/tx/index.ts";
import { buildKit, buildWeb3Legacy, buildWeb3V0, type TxSpec, txSpecArbitrary } from "../helpers/tx-build.ts";

const base58 = getBase58Decoder(); // bytes → base58 text (kit's codec as the reference)
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const RUNS = 100;

function parseAndDecode(bytes: Uint8Array): { parsed: ParsedTransaction; decoded: DecodedTransaction } {
  const parsed = new ParsedTransaction();
  // Parse from inside a larger buffer, as from a packet pool, to exercise absolute offsets.
  const pool = new Uint8Array(bytes.length + 100).fill(0xee);
  pool.set(bytes, 37);
  const code = parseTransaction(pool, 37, bytes.length, parsed);
  if (code !== 0) throw new Error(`parse failed: code ${code} at ${parsed.errorOffset}`);
  return { parsed, decoded: decodeParsedTransaction(parsed) };
}

function expectSignaturesVerify(parsed: ParsedTransaction): void {
  const message = parsed.bytes.subarray(parsed.messageOffset, parsed.messageOffset + parsed.messageLength);
  for (let index = 0; index < parsed.signatureCount; index++) {
    const keyOffset = parsed.staticKeyOffset(index);
    const key = createPublicKey({
      key: Buffer.concat([SPKI_ED25519_PREFIX, parsed.bytes.subarray(keyOffset, keyOffset + 32)]),
      format: "der",
      type: "spki",
    });
    const signatureOffset = parsed.signatureOffset(index);
    expect(verify(null, message, key, parsed.bytes.subarray(signatureOffset, signatureOffset + 64))).toBe(
      true,
    );
  }
}

/** Compute budget and fee as Agave derives them from what the spec asked for. */
function expectComputeBudget(decoded: DecodedTransaction, spec: TxSpec): void {
  const budget = spec.computeBudget;
  const budgetInstructionCount = Object.values(budget).filter((value) => value !== undefined).length;
  const defaultLimit = budgetInstructionCount * 3_000 + spec.instructions.length * 200_000;
  const limit = Math.min(budget.unitLimit ?? defaultLimit, 1_400_000);
  expect(decoded.computeBudget.unitLimit).toBe(budget.unitLimit ?? null);
  expect(decoded.computeBudget.heapFrameBytes).toBe(budget.heapFrameBytes ?? null);
  expect(decoded.computeBudget.loadedAccountsDataSizeLimit).toBe(budget.loadedAccountsDataSizeLimit ?? null);
  expect(decoded.computeBudget.requestedComputeUnits).toBe(limit);
  const price = budget.unitPrice;
  expect(decoded.computeBudget.unitPrice === null ? null : BigInt(decoded.computeBudget.unitPrice)).toBe(
    price ?? null,
  );
  let priority = ((price ?? 0n) * BigInt(limit) + 999_999n) / 1_000_000n;
  if (priority > (1n << 64n) - 1n) priority = (1n << 64n) - 1n;
  expect(BigInt(decoded.fee.priorityLamports)).toBe(priority);
  expect(decoded.fee.signatures).toBe(spec.signerCount);
  expect(decoded.fee.baseLamports).toBe(5_000 * spec.signerCount);
  const total = priority + BigInt(5_000 * spec.signerCount);
  expect(BigInt(decoded.fee.totalLamports)).toBe(total > (1n << 64n) - 1n ? (1n << 64n) - 1n : total);
}

describe("tx decode matches @solana/web3.js", () => {
  test("legacy Transaction: fields, signatures, compute budget, round trip", () => {
    fc.assert(
      fc.property(txSpecArbitrary({ lookups: false }), (spec) => {
        const built = buildWeb3Legacy(spec);
        const { parsed, decoded } = parseAndDecode(built.bytes);
        const message = built.message;
        expect(decoded.version).toBe("legacy");
        expect(decoded.signatures).toEqual(
          built.transaction.signatures.map((entry) => base58.decode(entry.signature!)),
        );
        expect(decoded.header).toEqual({ ...message.header });
        expect(decoded.accountKeys).toEqual(
          message.accountKeys.map((key, index) => ({
            pubkey: key.toBase58(),
            signer: message.isAccountSigner(index),
            writable: message.isAccountWritable(index),
          })),
        );
        expect(decoded.recentBlockhash).toBe(message.recentBlockhash);
        expect(decoded.instructions).toEqual(
          message.instructions.map((instruction) => ({
            programId: message.accountKeys[instruction.programIdIndex].toBase58(),
            accounts: instruction.accounts,
            data: instruction.data,
          })),
        );
        expect(decoded.addressTableLookups).toEqual([]);
        const messageSlice = parsed.bytes.subarray(
          parsed.messageOffset,
          parsed.messageOffset + parsed.messageLength,
        );
        expect(new Uint8Array(messageSlice)).toEqual(new Uint8Array(message.serialize()));
        expectSignaturesVerify(parsed);
        expectComputeBudget(decoded, spec);
        expect(serializeTransaction(decoded)).toEqual(built.bytes);
      }),
      { numRuns: RUNS },
    );
  });

  test("VersionedTransaction with MessageV0 and lookup tables: fields, round trip", () => {
    let withLookups = 0;
    fc.assert(
      fc.property(txSpecArbitrary({ lookups: true }), (spec) => {
        const built = buildWeb3V0(spec);
        const { parsed, decoded } = parseAndDecode(built.bytes);
        const message = built.message;
        expect(decoded.version).toBe(0);
        if (decoded.addressTableLookups.length > 0) withLookups++;
        expect(decoded.signatures).toEqual(
          built.transaction.signatures.map((signature) => base58.decode(signature)),
        );
        expect(decoded.header).toEqual({ ...message.header });
        expect(decoded.accountKeys).toEqual(
          message.staticAccountKeys.map((key, index) => ({
            pubkey: key.toBase58(),
            signer: message.isAccountSigner(index),
            writable: message.isAccountWritable(index),
          })),
        );
        expect(decoded.recentBlockhash).toBe(message.recentBlockhash);
        expect(decoded.instructions).toEqual(
          message.compiledInstructions.map((instruction) => ({
            programId: message.staticAccountKeys[instruction.programIdIndex].toBase58(),
            accounts: instruction.accountKeyIndexes,
            data: base58.decode(instruction.data),
          })),
        );
        expect(decoded.addressTableLookups).toEqual(
          message.addressTableLookups.map((lookup) => ({
            accountKey: lookup.accountKey.toBase58(),
            writableIndexes: lookup.writableIndexes,
            readonlyIndexes: lookup.readonlyIndexes,
          })),
        );
        const lookedUp = message.addressTableLookups.reduce(
          (sum, lookup) => sum + lookup.writableIndexes.length + lookup.readonlyIndexes.length,
          0,
        );
        expect(parsed.accountKeyCount).toBe(message.staticAccountKeys.length + lookedUp);
        expectSignaturesVerify(parsed);
        expectComputeBudget(decoded, spec);
        expect(serializeTransaction(decoded)).toEqual(built.bytes);
      }),
      { numRuns: RUNS },
    );
    expect(withLookups).toBeGreaterThan(RUNS / 4);
  });
});

describe("tx decode matches @solana/kit", () => {
  for (const version of ["legacy", 0] as const) {
    test(`version ${version}: compiled message fields, signatures, round trip`, async () => {
      let withLookups = 0;
      await fc.assert(
        fc.asyncProperty(txSpecArbitrary({ lookups: version === 0 }), async (spec) => {
          const built = await buildKit(spec, version);
          const { parsed, decoded } = parseAndDecode(built.bytes);
          const compiled = built.compiled as unknown as {
            header: {
              numSignerAccounts: number;
              numReadonlySignerAccounts: number;
              numReadonlyNonSignerAccounts: number;
            };
            staticAccounts: string[];
            lifetimeToken: string;
            instructions: { programAddressIndex: number; accountIndices?: number[]; data?: Uint8Array }[];
            addressTableLookups?: {
              lookupTableAddress: string;
              writableIndexes: number[];
              readonlyIndexes: number[];
            }[];
          };
          expect(decoded.version).toBe(version);
          if (decoded.addressTableLookups.length > 0) withLookups++;
          expect(decoded.header).toEqual({
            numRequiredSignatures: compiled.header.numSignerAccounts,
            numReadonlySignedAccounts: compiled.header.numReadonlySignerAccounts,
            numReadonlyUnsignedAccounts: compiled.header.numReadonlyNonSignerAccounts,
          });
          expect(decoded.accountKeys.map((key) => key.pubkey)).toEqual(compiled.staticAccounts);
          expect(decoded.signatures).toEqual(
            compiled.staticAccounts
              .slice(0, compiled.header.numSignerAccounts)
              .map((signer) => base58.decode(built.signatures[signer]!)),
          );
          expect(decoded.recentBlockhash).toBe(compiled.lifetimeToken);
          expect(decoded.instructions).toEqual(
            compiled.instructions.map((instruction) => ({
              programId: compiled.staticAccounts[instruction.programAddressIndex],
              accounts: instruction.accountIndices ?? [],
              data: base58.decode(instruction.data ?? new Uint8Array(0)),
            })),
          );
          expect(decoded.addressTableLookups).toEqual(
            (compiled.addressTableLookups ?? []).map((lookup) => ({
              accountKey: lookup.lookupTableAddress,
              writableIndexes: [...lookup.writableIndexes],
              readonlyIndexes: [...lookup.readonlyIndexes],
            })),
          );
          expect(
            parsed.bytes.subarray(parsed.messageOffset, parsed.messageOffset + parsed.messageLength),
          ).toEqual(built.messageBytes);
          expectSignaturesVerify(parsed);
          expectComputeBudget(decoded, spec);
          expect(serializeTransaction(decoded)).toEqual(built.bytes);
        }),
        { numRuns: RUNS },
      );
      if (version === 0) expect(withLookups).toBeGreaterThan(RUNS / 4);
    });
  }
});
