// Agave verify_strict conformance: all 914 CCTV vectors through the native (libsodium) batch path, the
// native single path, and the node:crypto fallback; each must give Solana's verdict on every vector.
import { beforeAll, describe, expect, test } from "bun:test";
import { createPublicKey, verify as cryptoVerify } from "node:crypto";
import { defaultNativeLibrary } from "../../src/native/library.ts";
import {
  createVerifier,
  type Ed25519Verifier,
  FallbackEd25519Verifier,
  NativeEd25519Verifier,
} from "../../src/verify/ed25519.ts";
import { GROUP_ORDER_LE } from "../../src/verify/ed25519-scalar.ts";
import { isSmallOrderEncoding } from "../../src/verify/small-order.ts";
import { type DecodedVector, loadVectors, offsetArrays, packVectors } from "./ed25519-vectors.ts";

let vectors: DecodedVector[] = [];
beforeAll(async () => {
  vectors = await loadVectors();
});

function mismatches(verdicts: ArrayLike<number | boolean>): number[] {
  const wrong: number[] = [];
  vectors.forEach((vector, index) => {
    if (Boolean(verdicts[index]) !== vector.solanaAccepts) wrong.push(vector.number);
  });
  return wrong;
}

function batchVerdicts(
  verifier: Ed25519Verifier,
  shared: boolean,
): { results: Uint8Array; validCount: number } {
  const packed = packVectors(vectors, { shared, leadingBytes: 7 });
  const results = new Uint8Array(vectors.length).fill(0xaa);
  const validCount = verifier.verifyBatch(packed.buffer, ...offsetArrays(packed), vectors.length, results);
  return { results, validCount };
}

describe("CCTV ed25519 vectors, Solana's rule", () => {
  test("the set has 914 vectors, 43 accepted and 871 rejected", () => {
    expect(vectors).toHaveLength(914);
    expect(vectors.filter((vector) => vector.solanaAccepts)).toHaveLength(43);
  });

  test("plain node:crypto only over-accepts, and only small-order A or R: both checks are load-bearing", () => {
    const prefix = Buffer.from("302a300506032b6570032100", "hex");
    const plainVerdicts = vectors.map((vector) => {
      try {
        const key = createPublicKey({
          key: Buffer.concat([prefix, vector.publicKey]),
          format: "der",
          type: "spki",
        });
        return cryptoVerify(null, vector.message, key, vector.signature);
      } catch {
        return false;
      }
    });
    const falseAccepts = vectors.filter((vector, index) => plainVerdicts[index] && !vector.solanaAccepts);
    const falseRejects = vectors.filter((vector, index) => !plainVerdicts[index] && vector.solanaAccepts);
    expect(falseRejects).toEqual([]);
    expect(falseAccepts.length).toBeGreaterThan(0);
    const smallA = (vector: DecodedVector) => isSmallOrderEncoding(vector.publicKey, 0);
    const smallR = (vector: DecodedVector) => isSmallOrderEncoding(vector.signature, 0);
    expect(falseAccepts.every((vector) => smallA(vector) || smallR(vector))).toBe(true);
    // Without the A check, some remain accepted; likewise without the R check.
    expect(falseAccepts.filter((vector) => !smallR(vector)).length).toBeGreaterThan(0);
    expect(falseAccepts.filter((vector) => !smallA(vector)).length).toBeGreaterThan(0);
  });

  test("S ≥ L (malleated signature of the one fully valid vector) is rejected by every path", () => {
    const valid = vectors.find((vector) => vector.flags.length === 0)!;
    const malleated = Uint8Array.from(valid.signature);
    let carry = 0;
    for (let index = 0; index < 32; index++) {
      const sum = malleated[32 + index] + GROUP_ORDER_LE[index] + carry;
      malleated[32 + index] = sum & 0xff;
      carry = sum >> 8;
    }
    expect(carry).toBe(0); // S + L still fits 32 bytes
    const verifiers: Ed25519Verifier[] = [new FallbackEd25519Verifier()];
    if (defaultNativeLibrary.available) verifiers.push(new NativeEd25519Verifier());
    for (const verifier of verifiers) {
      expect(verifier.verify(valid.signature, valid.publicKey, valid.message)).toBe(true);
      expect(verifier.verify(malleated, valid.publicKey, valid.message)).toBe(false);
    }
  });
});

describe("native libsodium verifier", () => {
  test("the native library is loaded (make native)", () => {
    expect(defaultNativeLibrary.available ? "loaded" : defaultNativeLibrary.reason).toBe("loaded");
  });

  test("all 914 in one batch call match the rule", () => {
    const { results, validCount } = batchVerdicts(new NativeEd25519Verifier(), false);
    expect(mismatches(results)).toEqual([]);
    expect(validCount).toBe(43);
    expect(results.every((result) => result === 0 || result === 1)).toBe(true);
  });

  test("all 914 in one batch over a SharedArrayBuffer match the rule", () => {
    const { results, validCount } = batchVerdicts(new NativeEd25519Verifier(), true);
    expect(mismatches(results)).toEqual([]);
    expect(validCount).toBe(43);
  });

  test("single verify() matches the rule on all 914", () => {
    const verifier = new NativeEd25519Verifier();
    const verdicts = vectors.map((vector) =>
      verifier.verify(vector.signature, vector.publicKey, vector.message),
    );
    expect(mismatches(verdicts)).toEqual([]);
  });

  test("createVerifier() picks the native verifier when the library is loaded", () => {
    const choice = createVerifier();
    expect(choice.kind).toBe("native-libsodium");
    expect(choice.verifier).toBeInstanceOf(NativeEd25519Verifier);
    expect(choice.reason).toBeUndefined();
  });
});

describe("fallback node:crypto verifier with strict checks", () => {
  test("all 914 in one batch call match the rule", () => {
    const { results, validCount } = batchVerdicts(new FallbackEd25519Verifier(), false);
    expect(mismatches(results)).toEqual([]);
    expect(validCount).toBe(43);
  });

  test("all 914 in one batch over a SharedArrayBuffer match the rule", () => {
    const { results } = batchVerdicts(new FallbackEd25519Verifier(), true);
    expect(mismatches(results)).toEqual([]);
  });

  test("single verify() matches the rule on all 914", () => {
    const verifier = new FallbackEd25519Verifier();
    const verdicts = vectors.map((vector) =>
      verifier.verify(vector.signature, vector.publicKey, vector.message),
    );
    expect(mismatches(verdicts)).toEqual([]);
  });
});
