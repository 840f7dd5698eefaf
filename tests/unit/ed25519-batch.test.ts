// Batches of real Solana signatures: transactions built and signed by @solana/web3.js (legacy, two
// signers) and @solana/kit (v0), laid out in a SharedArrayBuffer packet pool as they arrive on the
// wire, verified in one call by the native and the fallback verifier; tampering shows up per entry.
import { describe, expect, test } from "bun:test";
import { sign as cryptoSign, generateKeyPairSync } from "node:crypto";
import {
  address,
  appendTransactionMessageInstruction,
  type Blockhash,
  compileTransaction,
  createTransactionMessage,
  generateKeyPairSigner,
  getTransactionEncoder,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransaction,
} from "@solana/kit";
import { Keypair, SystemProgram, Transaction } from "@solana/web3.js";
import fc from "fast-check";
import { isOutriderError } from "../../src/errors.ts";
import { defaultNativeLibrary } from "../../src/native/library.ts";
import {
  createEd25519BatchOffsets,
  ED25519_BATCH_INVALID,
  ED25519_BATCH_OUT_OF_BOUNDS,
  ED25519_INPUT_LENGTH,
  type Ed25519Verifier,
  FallbackEd25519Verifier,
  NativeEd25519Verifier,
} from "../../src/verify/ed25519.ts";
import { offsetArrays } from "../conformance/ed25519-vectors.ts";

const PACKET_SLOT_BYTES = 1232;
const BLOCKHASH = "EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N";

const verifiers: Ed25519Verifier[] = [new FallbackEd25519Verifier()];
if (defaultNativeLibrary.available) verifiers.push(new NativeEd25519Verifier());

function readCompactU16(bytes: Uint8Array, offset: number): { value: number; size: number } {
  let value = 0;
  for (let size = 0; size < 3; size++) {
    const byte = bytes[offset + size];
    value |= (byte & 0x7f) << (7 * size);
    if ((byte & 0x80) === 0) return { value, size: size + 1 };
  }
  throw new Error("compact-u16 longer than 3 bytes");
}

/** Signature, signer-key and message offsets of a wire transaction (legacy or v0) at packetOffset. */
function signatureEntries(pool: Uint8Array, packetOffset: number, packetBytes: number) {
  const signatureCount = readCompactU16(pool, packetOffset);
  const messageOffset = packetOffset + signatureCount.size + 64 * signatureCount.value;
  let cursor = messageOffset;
  if (pool[cursor] & 0x80) cursor++; // versioned message prefix
  cursor += 3; // header
  const accountCount = readCompactU16(pool, cursor);
  cursor += accountCount.size;
  return Array.from({ length: signatureCount.value }, (_, index) => ({
    signatureOffset: packetOffset + signatureCount.size + 64 * index,
    publicKeyOffset: cursor + 32 * index,
    messageOffset,
    messageLength: packetOffset + packetBytes - messageOffset,
  }));
}

async function realPackets(): Promise<Uint8Array[]> {
  const packets: Uint8Array[] = [];
  // @solana/web3.js: legacy transfers, fee payer plus a second signer.
  for (let index = 0; index < 3; index++) {
    const payer = Keypair.generate();
    const other = Keypair.generate();
    const transaction = new Transaction({ feePayer: payer.publicKey, recentBlockhash: BLOCKHASH }).add(
      SystemProgram.transfer({
        fromPubkey: other.publicKey,
        toPubkey: payer.publicKey,
        lamports: 1000 + index,
      }),
    );
    transaction.sign(payer, other);
    packets.push(Uint8Array.from(transaction.serialize()));
  }
  // @solana/kit: v0 transfers.
  for (let index = 0; index < 3; index++) {
    const payer = await generateKeyPairSigner();
    const message = pipe(
      createTransactionMessage({ version: 0 }),
      (draft) => setTransactionMessageFeePayerSigner(payer, draft),
      (draft) =>
        setTransactionMessageLifetimeUsingBlockhash(
          { blockhash: BLOCKHASH as Blockhash, lastValidBlockHeight: 100n },
          draft,
        ),
      (draft) =>
        appendTransactionMessageInstruction(
          {
            programAddress: address("11111111111111111111111111111111"),
            accounts: [],
            data: Uint8Array.from([2, 0, 0, 0, index, 0, 0, 0, 0, 0, 0, 0]),
          },
          draft,
        ),
    );
    const signed = await signTransaction([payer.keyPair], compileTransaction(message));
    packets.push(Uint8Array.from(getTransactionEncoder().encode(signed)));
  }
  return packets;
}

async function packetPoolBatch() {
  const packets = await realPackets();
  const pool = new Uint8Array(new SharedArrayBuffer(PACKET_SLOT_BYTES * (packets.length + 1)));
  const entries = packets.flatMap((packet, slot) => {
    pool.set(packet, (slot + 1) * PACKET_SLOT_BYTES); // slot 0 left empty
    return signatureEntries(pool, (slot + 1) * PACKET_SLOT_BYTES, packet.length);
  });
  const offsets = createEd25519BatchOffsets(64);
  entries.forEach((entry, index) => {
    offsets.signatureOffsets[index] = entry.signatureOffset;
    offsets.publicKeyOffsets[index] = entry.publicKeyOffset;
    offsets.messageOffsets[index] = entry.messageOffset;
    offsets.messageLengths[index] = entry.messageLength;
  });
  return { pool, offsets, count: entries.length };
}

describe("batches of real transaction signatures in a SharedArrayBuffer pool", () => {
  test("the native verifier is under test", () => {
    expect(verifiers.map((verifier) => verifier.kind)).toEqual(["fallback-node-crypto", "native-libsodium"]);
  });

  test("all valid; tampering with a message, a signature or a key fails only that entry", async () => {
    const { pool, offsets, count } = await packetPoolBatch();
    expect(count).toBe(9); // 3 × 2 web3.js signers + 3 kit signers
    for (const verifier of verifiers) {
      const results = new Uint8Array(64);
      expect(verifier.verifyBatch(pool, ...offsetArrays(offsets), count, results)).toBe(count);
      expect([...results.subarray(0, count)]).toEqual(Array(count).fill(1));
    }
    // Entry 0 and 1 share a message (two signers of one transaction): tampering it fails both.
    pool[offsets.messageOffsets[0] + offsets.messageLengths[0] - 1] ^= 0x01;
    pool[offsets.signatureOffsets[4] + 10] ^= 0x80;
    pool[offsets.publicKeyOffsets[7] + 3] ^= 0x04;
    const expected = [0, 0, 1, 1, 0, 1, 1, 0, 1];
    for (const verifier of verifiers) {
      const results = new Uint8Array(64);
      expect(verifier.verifyBatch(pool, ...offsetArrays(offsets), count, results)).toBe(5);
      expect([...results.subarray(0, count)]).toEqual(expected);
    }
  });

  test("a view with a byteOffset into the shared pool: offsets are relative to the view", async () => {
    const { pool, offsets, count } = await packetPoolBatch();
    const view = pool.subarray(PACKET_SLOT_BYTES);
    for (let index = 0; index < count; index++) {
      offsets.signatureOffsets[index] -= PACKET_SLOT_BYTES;
      offsets.publicKeyOffsets[index] -= PACKET_SLOT_BYTES;
      offsets.messageOffsets[index] -= PACKET_SLOT_BYTES;
    }
    for (const verifier of verifiers)
      expect(verifier.verifyBatch(view, ...offsetArrays(offsets), count, new Uint8Array(count))).toBe(count);
  });
});

describe("random keys and messages (fast-check): native and fallback agree, tampering always fails", () => {
  test("valid signatures verify; one flipped bit anywhere makes them invalid", () => {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const rawPublicKey = Uint8Array.from(Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url"));
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 1232 }),
        fc.constantFrom("none", "signature", "publicKey", "message"),
        fc.nat(),
        (message, target, bitChoice) => {
          const signature = Uint8Array.from(cryptoSign(null, message, privateKey));
          const key = Uint8Array.from(rawPublicKey);
          const msg = Uint8Array.from(message);
          const flip = (bytes: Uint8Array) => {
            const bit = bitChoice % (bytes.length * 8);
            bytes[bit >> 3] ^= 1 << (bit & 7);
          };
          if (target === "signature") flip(signature);
          if (target === "publicKey") flip(key);
          if (target === "message" && msg.length > 0) flip(msg);
          const expected = target === "none" || (target === "message" && msg.length === 0);
          for (const verifier of verifiers) expect(verifier.verify(signature, key, msg)).toBe(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  test("arbitrary bytes: both verifiers give the same verdict", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 64 }),
        (signature, key, message) => {
          const verdicts = verifiers.map((verifier) => verifier.verify(signature, key, message));
          expect(new Set(verdicts).size).toBe(1);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("malformed batch descriptions are refused before any verdict", () => {
  function expectCode(action: () => unknown, code: number): void {
    let caught: unknown;
    try {
      action();
    } catch (error) {
      caught = error;
    }
    expect(isOutriderError(caught, code)).toBe(true);
  }

  for (const verifier of verifiers) {
    test(verifier.kind, () => {
      const buffer = new Uint8Array(200);
      const offsets = createEd25519BatchOffsets(2);
      const results = new Uint8Array(2).fill(7);
      expectCode(
        () => verifier.verifyBatch(buffer, ...offsetArrays(offsets), 3, results),
        ED25519_BATCH_INVALID,
      );
      expectCode(
        () => verifier.verifyBatch(buffer, ...offsetArrays(offsets), -1, results),
        ED25519_BATCH_INVALID,
      );
      expectCode(
        () => verifier.verifyBatch(buffer, ...offsetArrays(offsets), 2, new Uint8Array(1)),
        ED25519_BATCH_INVALID,
      );
      offsets.signatureOffsets[1] = 137; // 137 + 64 > 200
      expectCode(
        () => verifier.verifyBatch(buffer, ...offsetArrays(offsets), 2, results),
        ED25519_BATCH_OUT_OF_BOUNDS,
      );
      offsets.signatureOffsets[1] = 0;
      offsets.messageOffsets[0] = 100;
      offsets.messageLengths[0] = 101;
      expectCode(
        () => verifier.verifyBatch(buffer, ...offsetArrays(offsets), 2, results),
        ED25519_BATCH_OUT_OF_BOUNDS,
      );
      offsets.publicKeyOffsets[0] = 0xffffffff;
      expectCode(
        () => verifier.verifyBatch(buffer, ...offsetArrays(offsets), 1, results),
        ED25519_BATCH_OUT_OF_BOUNDS,
      );
      expect([...results]).toEqual([7, 7]);
      expect(verifier.verifyBatch(buffer, ...offsetArrays(offsets), 0, results)).toBe(0);
      expectCode(
        () => verifier.verify(new Uint8Array(63), new Uint8Array(32), new Uint8Array(1)),
        ED25519_INPUT_LENGTH,
      );
      expectCode(
        () => verifier.verify(new Uint8Array(64), new Uint8Array(33), new Uint8Array(1)),
        ED25519_INPUT_LENGTH,
      );
      // All-zero signature and key: small-order A and R, rejected, not thrown.
      offsets.publicKeyOffsets[0] = 0;
      offsets.messageLengths[0] = 0;
      expect(verifier.verifyBatch(buffer, ...offsetArrays(offsets), 2, results)).toBe(0);
      expect([...results]).toEqual([0, 0]);
    });
  }
});
