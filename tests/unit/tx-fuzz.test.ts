// Fuzzing the parser with real transactions: every truncation, and thousands of random byte flips,
// insertions and deletions. parseTransaction never throws (it returns 0 or a known code); a mutated
// transaction that still parses decodes without throwing and re-serializes to exactly its bytes.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  decodeParsedTransaction,
  ParsedTransaction,
  parseTransaction,
  serializeTransaction,
  TX_ERROR_TABLE,
} from "../../src/tx/index.ts";
import { buildWeb3Legacy, buildWeb3V0, txSpecArbitrary } from "../helpers/tx-build.ts";

const parsed = new ParsedTransaction();
const corpus: Uint8Array[] = [
  ...fc
    .sample(txSpecArbitrary({ lookups: false }), { numRuns: 12, seed: 7 })
    .map((spec) => buildWeb3Legacy(spec).bytes),
  ...fc
    .sample(txSpecArbitrary({ lookups: true }), { numRuns: 12, seed: 8 })
    .map((spec) => buildWeb3V0(spec).bytes),
];

function expectKnownOutcome(bytes: Uint8Array): number {
  const code = parseTransaction(bytes, 0, bytes.length, parsed);
  if (code === 0) {
    const decoded = decodeParsedTransaction(parsed);
    expect(serializeTransaction(decoded)).toEqual(bytes);
  } else {
    expect(TX_ERROR_TABLE.has(code)).toBe(true);
    expect(parsed.errorOffset).toBeGreaterThanOrEqual(0);
    expect(parsed.errorOffset).toBeLessThanOrEqual(Math.max(bytes.length, 1232));
  }
  return code;
}

describe("tx parser fuzzing", () => {
  test("every truncation of every valid transaction is rejected with a code", () => {
    let truncations = 0;
    for (const bytes of corpus) {
      expect(expectKnownOutcome(bytes)).toBe(0);
      for (let cut = 0; cut < bytes.length; cut++) {
        expect(expectKnownOutcome(bytes.subarray(0, cut))).not.toBe(0);
        truncations++;
      }
    }
    expect(truncations).toBeGreaterThan(5000);
  });

  test("random flips, insertions and deletions never throw", () => {
    const mutation = fc.record({
      txIndex: fc.nat(corpus.length - 1),
      edits: fc.array(
        fc.record({
          kind: fc.constantFrom("flip", "set", "insert", "delete"),
          at: fc.nat(),
          value: fc.nat(255),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    });
    let accepted = 0;
    fc.assert(
      fc.property(mutation, ({ txIndex, edits }) => {
        const bytes = Array.from(corpus[txIndex]);
        for (const edit of edits) {
          const at = edit.at % (bytes.length + 1);
          if (edit.kind === "flip" && at < bytes.length) bytes[at] ^= 1 << (edit.value & 7);
          else if (edit.kind === "set" && at < bytes.length) bytes[at] = edit.value;
          else if (edit.kind === "insert") bytes.splice(at, 0, edit.value);
          else if (edit.kind === "delete" && at < bytes.length) bytes.splice(at, 1);
        }
        if (expectKnownOutcome(Uint8Array.from(bytes)) === 0) accepted++;
      }),
      { numRuns: 20_000 },
    );
    // Flips inside signatures, keys and data keep a transaction well-formed: some mutants must parse.
    expect(accepted).toBeGreaterThan(1000);
  });

  test("arbitrary bytes never throw", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1400 }), (bytes) => {
        expectKnownOutcome(bytes);
      }),
      { numRuns: 3000 },
    );
  });
});
