// Signed SOL transfers with a priority fee (SetComputeUnitLimit + SetComputeUnitPrice + transfer),
// built with @solana/web3.js once per (payer, recipient, fee, blockhash) and then re-signed with
// node:crypto for each amount: the amount is the only field that changes, so every transaction is a
// distinct, valid wire transaction at the cost of one ed25519 signature. For tests and benches that
// need thousands of real transactions (overload, fairness, priority).
import { createPrivateKey, type KeyObject, sign } from "node:crypto";
import {
  ComputeBudgetProgram,
  type Keypair,
  type PublicKey,
  SystemProgram,
  Transaction,
} from "@solana/web3.js";

const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export function signingKey(keypair: Keypair): KeyObject {
  return createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.from(keypair.secretKey.subarray(0, 32))]),
    format: "der",
    type: "pkcs8",
  });
}

export interface FeeTransferSpec {
  payer: Keypair;
  to: PublicKey;
  blockhash: string;
  /** SetComputeUnitPrice, micro-lamports per compute unit (0: no price instruction). */
  microLamportsPerComputeUnit: number;
  /** SetComputeUnitLimit. */
  computeUnitLimit: number;
}

/** Makes many distinct signed transfers of one shape; only the amount (and so the signature) differs. */
export class FeeTransferFactory {
  private readonly message: Buffer;
  private readonly amountOffset: number;
  private readonly key: KeyObject;

  constructor(spec: FeeTransferSpec) {
    const template = new Transaction({ feePayer: spec.payer.publicKey, recentBlockhash: spec.blockhash });
    template.add(ComputeBudgetProgram.setComputeUnitLimit({ units: spec.computeUnitLimit }));
    if (spec.microLamportsPerComputeUnit > 0)
      template.add(
        ComputeBudgetProgram.setComputeUnitPrice({ microLamports: spec.microLamportsPerComputeUnit }),
      );
    // A marker amount, found once in the compiled message: the transfer's u64 little-endian lamports.
    const marker = 0x5a5a5a5a5a5an;
    template.add(
      SystemProgram.transfer({ fromPubkey: spec.payer.publicKey, toPubkey: spec.to, lamports: marker }),
    );
    this.message = Buffer.from(template.serializeMessage());
    const markerBytes = Buffer.alloc(8);
    markerBytes.writeBigUInt64LE(marker);
    this.amountOffset = this.message.indexOf(markerBytes);
    if (this.amountOffset < 0) throw new Error("fee transfer: amount not found in the message");
    this.key = signingKey(spec.payer);
  }

  /** The signed wire transaction sending `lamports` (a fresh buffer). */
  make(lamports: number): Buffer {
    this.message.writeBigUInt64LE(BigInt(lamports), this.amountOffset);
    const signature = sign(null, this.message, this.key);
    return Buffer.concat([Buffer.from([1]), signature, this.message]);
  }
}

/** The first signature of a wire transaction (its id), as raw bytes. */
export function firstSignature(wire: Uint8Array): Uint8Array {
  return wire.subarray(1, 65);
}
