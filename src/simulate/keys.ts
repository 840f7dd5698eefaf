// Deterministic ed25519 keys for the simulated market: account number n of a run with seed s has the
// private seed SHA-256("outrider-simulate" ‖ s ‖ n), so a restarted client (or a second run) signs
// with the same keys and finds the same addresses. Fresh addresses (cold wallets) are plain 32-byte
// hashes: nobody signs for them. Signing uses node:crypto (one KeyObject per key, made once).
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign } from "node:crypto";
import { base58Encode } from "../tx/base58.ts";
import type { AccountLayout } from "./account-layout.ts";

const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export interface SimKeypair {
  publicKey: Uint8Array;
  privateKey: KeyObject;
}

/** An ed25519 keypair from its 32-byte private seed. */
export function keypairFromSeed(seed: Uint8Array): SimKeypair {
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.from(seed)]),
    format: "der",
    type: "pkcs8",
  });
  const jwk = createPublicKey(privateKey).export({ format: "jwk" });
  return { publicKey: new Uint8Array(Buffer.from(jwk.x as string, "base64url")), privateKey };
}

export function signMessage(message: Uint8Array, privateKey: KeyObject): Uint8Array {
  return new Uint8Array(sign(null, message, privateKey));
}

export class SimKeys {
  private readonly keypairs = new Map<number, SimKeypair>();
  private readonly addresses = new Map<number, Uint8Array>();

  constructor(
    readonly seed: number,
    readonly layout: AccountLayout,
  ) {}

  private hash(account: number): Uint8Array {
    return new Uint8Array(
      createHash("sha256").update(`outrider-simulate:${this.seed}:${account}`).digest().subarray(0, 32),
    );
  }

  /** The keypair of a signing account (any account below layout.accountsCount). */
  keypair(account: number): SimKeypair {
    let keypair = this.keypairs.get(account);
    if (keypair === undefined) {
      if (this.layout.isFresh(account))
        throw new Error(`account ${account} is a fresh address: it has no key`);
      keypair = keypairFromSeed(this.hash(account));
      this.keypairs.set(account, keypair);
    }
    return keypair;
  }

  /** The 32-byte address of any account number, fresh addresses included. */
  address(account: number): Uint8Array {
    if (!this.layout.isFresh(account)) return this.keypair(account).publicKey;
    let address = this.addresses.get(account);
    if (address === undefined) {
      address = this.hash(account);
      // Fresh addresses are used once; do not keep them all.
      if (this.addresses.size > 100_000) this.addresses.clear();
      this.addresses.set(account, address);
    }
    return address;
  }

  base58(account: number): string {
    return base58Encode(this.address(account), 0, 32);
  }
}
