// The load client's JSON-RPC calls, over plain HTTP POST with keep-alive as any Solana client does:
// sendTransaction (base64, skipPreflight as bots send), getSignatureStatuses (up to 256 per call),
// getMultipleAccounts (up to 100), getLatestBlockhash, getMinimumBalanceForRentExemption,
// requestAirdrop. JSON-RPC errors come back as values where the caller must count them.
import { base58Decode } from "../tx/base58.ts";
import { simulateError } from "./errors.ts";

export const SIGNATURE_STATUSES_MAX = 256;
export const MULTIPLE_ACCOUNTS_MAX = 100;

export interface RpcStatus {
  slot: number;
  err: unknown;
  confirmationStatus: string;
  outriderDropped?: { reason: string; code: number };
}

export type SendOutcome =
  | { accepted: true; signature: string }
  | { accepted: false; reason: string; message: string };

export interface AccountReading {
  lamports: bigint;
  data: Uint8Array;
}

export class RpcClient {
  private nextId = 1;

  constructor(public url: string) {}

  private async post(body: string): Promise<{ result?: unknown; error?: { code: number; message: string } }> {
    const response = await fetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      keepalive: true,
    });
    if (!response.ok) throw simulateError("RPC_FAILED", `HTTP ${response.status} from ${this.url}`);
    return (await response.json()) as { result?: unknown; error?: { code: number; message: string } };
  }

  /** A call that must succeed. */
  async call<T>(method: string, params: unknown[]): Promise<T> {
    const reply = await this.post(JSON.stringify({ jsonrpc: "2.0", id: this.nextId++, method, params }));
    if (reply.error)
      throw simulateError("RPC_FAILED", `${method}: ${reply.error.message} (${reply.error.code})`, {
        method,
        code: reply.error.code,
      });
    return reply.result as T;
  }

  /** sendTransaction; a refusal (JSON-RPC error, HTTP error, connection failure) is a value with its reason. */
  async sendTransaction(wireBase64: string): Promise<SendOutcome> {
    try {
      const reply = await this.post(
        JSON.stringify({
          jsonrpc: "2.0",
          id: this.nextId++,
          method: "sendTransaction",
          params: [wireBase64, { encoding: "base64", skipPreflight: true, maxRetries: 0 }],
        }),
      );
      if (reply.error)
        return { accepted: false, reason: `rpc_${reply.error.code}`, message: reply.error.message };
      return { accepted: true, signature: reply.result as string };
    } catch (error) {
      return { accepted: false, reason: "connection_failed", message: String(error) };
    }
  }

  async signatureStatuses(signatures: string[], searchHistory = false): Promise<(RpcStatus | null)[]> {
    const reply = await this.call<{ value: (RpcStatus | null)[] }>("getSignatureStatuses", [
      signatures,
      { searchTransactionHistory: searchHistory },
    ]);
    return reply.value;
  }

  async latestBlockhash(): Promise<Uint8Array> {
    const reply = await this.call<{ value: { blockhash: string } }>("getLatestBlockhash", [
      { commitment: "processed" },
    ]);
    const bytes = base58Decode(reply.value.blockhash);
    if (bytes === null || bytes.length !== 32)
      throw simulateError("RPC_FAILED", "getLatestBlockhash: bad hash");
    return bytes;
  }

  async rentExemptLamports(dataBytes: number): Promise<bigint> {
    return BigInt(await this.call<number>("getMinimumBalanceForRentExemption", [dataBytes]));
  }

  async requestAirdrop(address: string, lamports: bigint): Promise<string> {
    return await this.call<string>("requestAirdrop", [address, Number(lamports)]);
  }

  /** Accounts by base58 address (null for a missing account), in chunks of 100. */
  async multipleAccounts(addresses: string[]): Promise<(AccountReading | null)[]> {
    const out: (AccountReading | null)[] = [];
    for (let at = 0; at < addresses.length; at += MULTIPLE_ACCOUNTS_MAX) {
      const reply = await this.call<{ value: ({ lamports: number; data: [string, string] } | null)[] }>(
        "getMultipleAccounts",
        [addresses.slice(at, at + MULTIPLE_ACCOUNTS_MAX), { encoding: "base64", commitment: "processed" }],
      );
      for (const account of reply.value)
        out.push(
          account === null
            ? null
            : {
                lamports: BigInt(account.lamports),
                data: new Uint8Array(Buffer.from(account.data[0], "base64")),
              },
        );
    }
    return out;
  }
}
