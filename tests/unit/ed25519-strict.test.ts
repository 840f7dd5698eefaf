// The strict checks of the fallback verifier, against independent curve arithmetic (@noble/ed25519
// and BigInt): small-order detection in every encoding, canonical y, canonical S.
import { describe, expect, test } from "bun:test";
import * as noble from "@noble/ed25519";
import fc from "fast-check";
import { GROUP_ORDER_LE, isCanonicalScalar } from "../../src/verify/ed25519-scalar.ts";
import {
  isCanonicalYEncoding,
  isSmallOrderEncoding,
  SMALL_ORDER_Y_ENCODINGS,
} from "../../src/verify/small-order.ts";

const FIELD_PRIME = 2n ** 255n - 19n;
const GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

function littleEndian(value: bigint, bytes = 32): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let index = 0; index < bytes; index++) out[index] = Number((value >> BigInt(8 * index)) & 0xffn);
  return out;
}

function readLittleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let index = bytes.length - 1; index >= 0; index--) value = (value << 8n) | BigInt(bytes[index]);
  return value;
}

/** Encoding of a point with y as given (maybe ≥ p) and the sign bit set or not. */
function encode(y: bigint, signBit: boolean): Uint8Array {
  const bytes = littleEndian(y);
  if (signBit) bytes[31] |= 0x80;
  return bytes;
}

/** The eight torsion points, from an order-8 generator, by repeated addition (noble arithmetic). */
function torsionPoints(): { x: bigint; y: bigint }[] {
  const generator = noble.Point.fromHex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a");
  const points = [];
  let point = noble.Point.ZERO;
  for (let multiple = 0; multiple < 8; multiple++) {
    points.push(point.toAffine());
    point = point.add(generator);
  }
  return points;
}

/** Does noble (ZIP-215 decoding: non-canonical y accepted) decode these bytes to a small-order point? */
function nobleSaysSmallOrder(bytes: Uint8Array): boolean {
  try {
    return noble.Point.fromBytes(bytes, true).isSmallOrder();
  } catch {
    return false;
  }
}

describe("small-order encodings", () => {
  const torsion = torsionPoints();

  test("the torsion subgroup has 8 distinct points, all small-order", () => {
    expect(new Set(torsion.map((point) => `${point.x},${point.y}`)).size).toBe(8);
    expect(noble.Point.ZERO.isSmallOrder()).toBe(true);
  });

  test("every canonical and non-canonical encoding of a torsion point is flagged", () => {
    const encodings: Uint8Array[] = [];
    for (const point of torsion) {
      const sign = (point.x & 1n) === 1n;
      encodings.push(encode(point.y, sign));
      // x = 0 with the sign bit set: non-canonical, decodes to the same point in dalek.
      if (point.x === 0n) encodings.push(encode(point.y, true));
      // y + p < 2^255: non-canonical y.
      if (point.y + FIELD_PRIME < 2n ** 255n) {
        encodings.push(encode(point.y + FIELD_PRIME, sign));
        encodings.push(encode(point.y + FIELD_PRIME, !sign));
      }
    }
    for (const encoding of encodings) expect(isSmallOrderEncoding(encoding, 0)).toBe(true);
    // And the table holds exactly the y values these points have (plus their y + p variants).
    const tableYs = new Set(SMALL_ORDER_Y_ENCODINGS.map((bytes) => readLittleEndian(bytes)));
    const pointYs = new Set(
      torsion.flatMap((point) => [point.y, point.y + FIELD_PRIME].filter((y) => y < 2n ** 255n)),
    );
    expect(tableYs).toEqual(pointYs);
  });

  test("agrees with noble on arbitrary encodings, torsion-heavy", () => {
    const nearTorsion = fc
      .tuple(
        fc.constantFrom(...SMALL_ORDER_Y_ENCODINGS),
        fc.boolean(),
        fc.integer({ min: 0, max: 31 }),
        fc.integer({ min: -1, max: 255 }),
      )
      .map(([yBytes, sign, index, replacement]) => {
        const bytes = Uint8Array.from(yBytes);
        if (sign) bytes[31] |= 0x80;
        if (replacement >= 0) bytes[index] = replacement; // sometimes perturb one byte
        return bytes;
      });
    const randomPoint = fc
      .bigInt({ min: 1n, max: GROUP_ORDER - 1n })
      .map((scalar) => noble.Point.BASE.multiply(scalar).toBytes());
    fc.assert(
      fc.property(
        fc.oneof(nearTorsion, randomPoint, fc.uint8Array({ minLength: 32, maxLength: 32 })),
        (bytes) => {
          expect(isSmallOrderEncoding(bytes, 0)).toBe(nobleSaysSmallOrder(bytes));
        },
      ),
      { numRuns: 500 },
    );
  });

  test("mixed-order points (large + torsion component) are not small-order", () => {
    const generator = noble.Point.fromHex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a");
    const mixed = noble.Point.BASE.multiply(12345n).add(generator).toBytes();
    expect(isSmallOrderEncoding(mixed, 0)).toBe(false);
  });

  test("reads at an offset", () => {
    const buffer = new Uint8Array(40).fill(0x55);
    buffer.set(encode(1n, false), 8);
    expect(isSmallOrderEncoding(buffer, 8)).toBe(true);
    expect(isSmallOrderEncoding(buffer, 0)).toBe(false);
  });
});

describe("canonical encodings", () => {
  test("isCanonicalYEncoding ⇔ y mod 2^255 < p", () => {
    const nearPrime = fc.bigInt({ min: FIELD_PRIME - 40n, max: 2n ** 255n - 1n });
    fc.assert(
      fc.property(
        fc.oneof(nearPrime, fc.bigInt({ min: 0n, max: 2n ** 255n - 1n })),
        fc.boolean(),
        (y, sign) => {
          expect(isCanonicalYEncoding(encode(y, sign), 0)).toBe(y < FIELD_PRIME);
        },
      ),
      { numRuns: 500 },
    );
  });

  test("isCanonicalScalar ⇔ S < L", () => {
    expect(readLittleEndian(GROUP_ORDER_LE)).toBe(GROUP_ORDER);
    const nearOrder = fc.bigInt({ min: GROUP_ORDER - 300n, max: GROUP_ORDER + 300n });
    fc.assert(
      fc.property(fc.oneof(nearOrder, fc.bigInt({ min: 0n, max: 2n ** 256n - 1n })), (scalar) => {
        expect(isCanonicalScalar(littleEndian(scalar), 0)).toBe(scalar < GROUP_ORDER);
      }),
      { numRuns: 500 },
    );
  });
});
