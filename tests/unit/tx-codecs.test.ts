// BLAKE3 against the official test vectors, Solana's message hash, and base58 against @solana/kit's codec.
import { describe, expect, test } from "bun:test";
import { getBase58Codec } from "@solana/kit";
import fc from "fast-check";
import {
  Blake3Hasher,
  base58Decode,
  base58DecodeInto,
  base58Encode,
  blake3,
  blake3Into,
  messageHashInto,
} from "../../src/tx/index.ts";

// First 32 bytes of the "hash" outputs in BLAKE3-team/BLAKE3 test_vectors/test_vectors.json
// (input: bytes i % 251).
const BLAKE3_VECTORS: [number, string][] = [
  [0, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"],
  [1, "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213"],
  [1023, "10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11"],
  [1024, "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7"],
  [1025, "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444"],
  [2048, "e776b6028c7cd22a4d0ba182a8bf62205d2ef576467e838ed6f2529b85fba24a"],
  [2049, "5f4d72f40d7a5f82b15ca2b2e44b1de3c2ef86c426c95c1af0b687952256303096"],
  [3072, "b98cb0ff3623be03326b373de6b9095218513e64f1ee2edd2525c7ad1e5cffd2"],
  [3073, "7124b49501012f81cc7f11ca069ec9226cecb8a2c850cfe644e327d22d3e1cd3"],
  [4096, "015094013f57a5277b59d8475c0501042c0b642e531b0a1c8f58d2163229e969"],
  [4097, "9b4052b38f1c5fc8b1f9ff7ac7b27cd242487b3d890d15c96a1c25b8aa0fb995"],
  [5120, "9cadc15fed8b5d854562b26a9536d9707cadeda9b143978f319ab34230535833"],
  [5121, "628bd2cb2004694adaab7bbd778a25df25c47b9d4155a55f8fbd79f2fe154cff"],
  [6144, "3e2e5b74e048f3add6d21faab3f83aa44d3b2278afb83b80b3c35164ebeca205"],
  [6145, "f1323a8631446cc50536a9f705ee5cb619424d46887f3c376c695b70e0f0507f"],
  [7168, "61da957ec2499a95d6b8023e2b0e604ec7f6b50e80a9678b89d2628e99ada77a"],
  [7169, "a003fc7a51754a9b3c7fae0367ab3d782dccf28855a03d435f8cfe74605e7817"],
  [8193, "bab6c09cb8ce8cf459261398d2e7aef35700bf488116ceb94a36d0f5f1b7bc3b"],
  [16384, "f875d6646de28985646f34ee13be9a576fd515f76b5b0a26bb324735041ddde4"],
  [31744, "62b6960e1a44bcc1eb1a611a8d6235b6b4b78f32e7abc4fb4c6cdcce94895c47"],
  [102400, "bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085"],
];

function vectorInput(length: number): Uint8Array {
  const input = new Uint8Array(length);
  for (let index = 0; index < length; index++) input[index] = index % 251;
  return input;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("BLAKE3", () => {
  test("official test vectors (hash mode)", () => {
    for (const [length, expected] of BLAKE3_VECTORS) {
      expect(hex(blake3(vectorInput(length)))).toBe(expected.slice(0, 64));
    }
  });

  test("incremental updates in any split equal one-shot, and the entry point writes at an offset", () => {
    const input = vectorInput(5000);
    const expected = hex(blake3(input));
    fc.assert(
      fc.property(fc.array(fc.nat(5000), { maxLength: 6 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), 5000];
        const hasher = new Blake3Hasher();
        for (let index = 1; index < points.length; index++) {
          hasher.update(input, points[index - 1], points[index] - points[index - 1]);
        }
        const out = new Uint8Array(40);
        hasher.finalizeInto(out, 8);
        expect(hex(out.subarray(8))).toBe(expected);
      }),
      { numRuns: 100 },
    );
    const out = new Uint8Array(64);
    blake3Into(input, 0, 5000, out, 32);
    expect(hex(out.subarray(32))).toBe(expected);
  });

  test("message hash = blake3('solana-tx-message-v1' || message)", () => {
    const message = vectorInput(300);
    const prefixed = new Uint8Array(20 + 300);
    prefixed.set(new TextEncoder().encode("solana-tx-message-v1"));
    prefixed.set(message, 20);
    const out = new Uint8Array(32);
    messageHashInto(message, 0, 300, out, 0);
    expect(hex(out)).toBe(hex(blake3(prefixed)));
  });
});

describe("base58", () => {
  const kit = getBase58Codec();

  test("encode and decode agree with @solana/kit on random bytes (32, 64 and any length)", () => {
    const bytesArbitrary = fc.oneof(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ minLength: 64, maxLength: 64 }),
      fc.uint8Array({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 40 }).map((bytes) => Uint8Array.from([0, 0, ...bytes])),
    );
    fc.assert(
      fc.property(bytesArbitrary, (bytes) => {
        const text = base58Encode(bytes);
        expect(text).toBe(kit.decode(bytes));
        expect(base58Decode(text)).toEqual(new Uint8Array(kit.encode(text)));
      }),
      { numRuns: 3000 },
    );
  });

  test("decode of random base58 text agrees with @solana/kit", () => {
    const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".split("");
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 100 }), (characters) => {
        const text = characters.join("");
        expect(base58Decode(text)).toEqual(new Uint8Array(kit.encode(text)));
      }),
      { numRuns: 2000 },
    );
  });

  test("invalid characters and too-small output buffers are rejected, not thrown", () => {
    for (const text of ["0", "O", "I", "l", "abc+", "é", "1111O"]) expect(base58Decode(text)).toBeNull();
    expect(base58DecodeInto("11111111111111111111111111111111", new Uint8Array(31), 0)).toBe(-1);
    expect(base58DecodeInto("11111111111111111111111111111111", new Uint8Array(32), 0)).toBe(32);
    expect(base58Encode(new Uint8Array(0))).toBe("");
  });
});
