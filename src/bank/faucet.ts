// The embedded bank's faucet: a keypair holding lamports that signs ordinary System transfers for
// requestAirdrop. Each airdrop carries a memo with a counter so that two equal requests in one slot
// still get distinct signatures. Builds a legacy wire transaction by hand (layout: solana-message).
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { getAddressDecoder, getAddressEncoder, getBase58Decoder } from "@solana/kit";

const SYSTEM_PROGRAM = "11111111111111111111111111111111";
const MEMO_PROGRAM = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr";
const SYSTEM_TRANSFER_DISCRIMINATOR = 2;

export class Faucet {
  readonly publicKey: Uint8Array;
  readonly address: string;
  private readonly privateKey: KeyObject;
  private airdropCounter = 0;

  constructor() {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const jwk = publicKey.export({ format: "jwk" });
    this.publicKey = new Uint8Array(Buffer.from(jwk.x as string, "base64url"));
    this.privateKey = privateKey;
    this.address = getAddressDecoder().decode(this.publicKey);
  }

  /** Signed wire bytes of a transfer of `lamports` to `recipient`, using `blockhash`. */
  buildAirdrop(recipient: string, lamports: bigint, blockhash: string): Uint8Array {
    const encoder = getAddressEncoder();
    const keys = [
      this.publicKey,
      encoder.encode(recipient as never),
      encoder.encode(SYSTEM_PROGRAM as never),
    ];
    keys.push(encoder.encode(MEMO_PROGRAM as never));
    this.airdropCounter += 1;
    const memo = new TextEncoder().encode(`outrider airdrop ${this.airdropCounter}`);
    const transferData = new Uint8Array(12);
    const view = new DataView(transferData.buffer);
    view.setUint32(0, SYSTEM_TRANSFER_DISCRIMINATOR, true);
    view.setBigUint64(4, lamports, true);
    const message: number[] = [1, 0, 2, keys.length];
    for (const key of keys) message.push(...key);
    message.push(...encoder.encode(blockhash as never));
    message.push(2); // two instructions
    message.push(2, 2, 0, 1, transferData.length, ...transferData);
    message.push(3, 0, memo.length, ...memo);
    const messageBytes = new Uint8Array(message);
    const signature = new Uint8Array(sign(null, messageBytes, this.privateKey));
    const wire = new Uint8Array(1 + 64 + messageBytes.length);
    wire[0] = 1;
    wire.set(signature, 1);
    wire.set(messageBytes, 65);
    return wire;
  }

  static signatureOf(wire: Uint8Array): string {
    return getBase58Decoder().decode(wire.subarray(1, 65));
  }
}
