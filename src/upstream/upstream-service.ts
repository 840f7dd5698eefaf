// What the bank tile serves other threads in upstream mode, over the same MessagePort and with the same
// method names as the embedded bank's BankService: chain reads and side calls go to the upstream node,
// account reads go through the account reader (the trading cache, or straight to the upstream), and
// signature statuses are the upstream's, except for transactions Outrider itself dropped before
// forwarding (kept in the local status store, with their reason). Also the pass-through of every
// JSON-RPC method Outrider does not answer itself, and the preflight run before accepting a
// sendTransaction (the upstream's simulateTransaction with signature verification).
import { BANK_SERVICE_METHODS } from "../bank/bank-service.ts";
import type { SimulationOutcome } from "../bank/embedded-bank.ts";
import type { SignatureStatus, StatusStore } from "../bank/status-store.ts";
import type { TransactionErrorJson } from "../bank/transaction-error.ts";
import type {
  AccountView,
  ChainHead,
  Commitment,
  EpochInfoView,
  HealthState,
  PassThroughAnswer,
  SendRejection,
  UpstreamRouting,
} from "../server/rpc-backend.ts";
import type { ChainFollower } from "./chain-follower.ts";
import { UpstreamRpcError } from "./errors.ts";
import type { UpstreamClient } from "./upstream-client.ts";

/** Reads accounts for RPC answers: from the cache when it holds a current value, else the upstream. */
export interface AccountReader {
  read(
    addresses: string[],
    commitment: Commitment,
  ): Promise<{ slot: number; accounts: (AccountView | null)[] }>;
}

/** Keeps the upstream telling Outrider about writes of an account (for PubSub account subscribers). */
export interface AccountWatcher {
  setWatched(address: string, watched: boolean): void;
}

export interface UpstreamServiceDeps {
  client: UpstreamClient;
  follower: ChainFollower;
  statusStore: StatusStore;
  accounts: AccountReader;
  watcher: AccountWatcher;
  routing: UpstreamRouting;
}

/** Methods served on the bank port in upstream mode (the embedded bank's, plus the upstream's own). */
export const UPSTREAM_SERVICE_METHODS = [...BANK_SERVICE_METHODS, "passThrough"] as const;

type Context<T> = { context: { slot: number }; value: T };

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** Solana's simulateTransaction result as Outrider's SimulationOutcome. */
export function simulationFromJson(answer: Context<Record<string, unknown>>): SimulationOutcome {
  const value = answer.value;
  const returnData = value.returnData as { programId: string; data: [string, string] } | null | undefined;
  const replacement = value.replacementBlockhash as
    | { blockhash: string; lastValidBlockHeight: number }
    | null
    | undefined;
  return {
    slot: Number(answer.context.slot),
    err: (value.err as TransactionErrorJson | null) ?? null,
    logs: Array.isArray(value.logs) ? (value.logs as string[]) : [],
    unitsConsumed: Number(value.unitsConsumed ?? 0),
    feeLamports: value.fee === undefined || value.fee === null ? null : BigInt(value.fee as number | bigint),
    returnData: returnData
      ? { programId: returnData.programId, data: new Uint8Array(Buffer.from(returnData.data[0], "base64")) }
      : null,
    replacementBlockhash: replacement
      ? { blockhash: replacement.blockhash, lastValidBlockHeight: Number(replacement.lastValidBlockHeight) }
      : null,
  };
}

export class UpstreamService {
  private readonly deps: UpstreamServiceDeps;

  constructor(deps: UpstreamServiceDeps) {
    this.deps = deps;
  }

  private call<T>(method: string, params?: unknown): Promise<T> {
    return this.deps.client.call<T>(method, params);
  }

  async getHealth(): Promise<HealthState> {
    try {
      return (await this.call<string>("getHealth")) === "ok" ? "ok" : "unknown";
    } catch (error) {
      return error instanceof UpstreamRpcError && error.rpcCode === -32005 ? "behind" : "unknown";
    }
  }
  async getVersion(): Promise<{ solanaCore: string; featureSet: number }> {
    const version = await this.call<Record<string, unknown>>("getVersion");
    return { solanaCore: String(version["solana-core"]), featureSet: Number(version["feature-set"] ?? 0) };
  }
  async getChainHead(): Promise<ChainHead> {
    return { ...this.deps.follower.head };
  }
  getSlot(commitment: Commitment): Promise<number> {
    return this.call("getSlot", [{ commitment }]);
  }
  getBlockHeight(commitment: Commitment): Promise<number> {
    return this.call("getBlockHeight", [{ commitment }]);
  }
  getEpochInfo(commitment: Commitment): Promise<EpochInfoView> {
    return this.call("getEpochInfo", [{ commitment }]);
  }
  getGenesisHash(): Promise<string> {
    return this.call("getGenesisHash");
  }
  async getLatestBlockhash(commitment: Commitment) {
    const answer = await this.call<Context<{ blockhash: string; lastValidBlockHeight: number }>>(
      "getLatestBlockhash",
      [{ commitment }],
    );
    this.noteBlockhash(answer);
    return {
      slot: Number(answer.context.slot),
      blockhash: answer.value.blockhash,
      lastValidBlockHeight: Number(answer.value.lastValidBlockHeight),
    };
  }
  async isBlockhashValid(blockhash: string, commitment: Commitment) {
    const answer = await this.call<Context<boolean>>("isBlockhashValid", [blockhash, { commitment }]);
    return { slot: Number(answer.context.slot), valid: answer.value };
  }
  async getFeeForMessage(messageBytes: Uint8Array, commitment: Commitment) {
    const answer = await this.call<Context<number | bigint | null>>("getFeeForMessage", [
      base64(messageBytes),
      { commitment },
    ]);
    return {
      slot: Number(answer.context.slot),
      feeLamports: answer.value === null ? null : BigInt(answer.value),
    };
  }
  async getMinimumBalanceForRentExemption(dataLengthBytes: number, commitment: Commitment): Promise<bigint> {
    return BigInt(
      await this.call<number | bigint>("getMinimumBalanceForRentExemption", [
        dataLengthBytes,
        { commitment },
      ]),
    );
  }
  getAccounts(addresses: string[], commitment: Commitment) {
    return this.deps.accounts.read(addresses, commitment);
  }
  async simulateTransaction(
    wireBytes: Uint8Array,
    options: { sigVerify: boolean; replaceRecentBlockhash: boolean; commitment: Commitment },
  ): Promise<SimulationOutcome> {
    const answer = await this.call<Context<Record<string, unknown>>>("simulateTransaction", [
      base64(wireBytes),
      { encoding: "base64", ...options },
    ]);
    return simulationFromJson(answer);
  }

  /** The upstream's statuses, except where Outrider dropped the transaction itself (local, with its reason). */
  async getSignatureStatuses(signatures: string[], searchTransactionHistory: boolean) {
    const head = this.deps.follower.head;
    const local = this.deps.statusStore.getStatuses(signatures, true, head);
    const remote = signatures.filter((_, index) => local[index]?.outriderDropped === undefined);
    let upstream: Context<(SignatureStatus | null)[]> = { context: { slot: head.slot }, value: [] };
    if (remote.length > 0) {
      upstream = await this.call("getSignatureStatuses", [remote, { searchTransactionHistory }]);
    }
    let next = 0;
    const statuses = signatures.map((_, index) =>
      local[index]?.outriderDropped !== undefined ? local[index] : (upstream.value[next++] ?? null),
    );
    return { slot: Math.max(head.slot, Number(upstream.context.slot)), statuses };
  }

  requestAirdrop(address: string, lamports: bigint): Promise<string> {
    return this.call("requestAirdrop", [address, lamports]);
  }

  /** Agave's preflight, on the upstream: signature verification and simulation at processed. */
  async preflight(wireBytes: Uint8Array): Promise<SendRejection | null> {
    let simulation: SimulationOutcome;
    try {
      simulation = await this.simulateTransaction(wireBytes, {
        sigVerify: true,
        replaceRecentBlockhash: false,
        commitment: "processed",
      });
    } catch (error) {
      if (error instanceof UpstreamRpcError) {
        if (error.rpcCode === -32003) return { kind: "signatureVerificationFailure" };
        return { kind: "invalidTransaction", message: error.rpcMessage };
      }
      throw error;
    }
    if (simulation.err === "SignatureFailure") return { kind: "signatureVerificationFailure" };
    if (simulation.err !== null) return { kind: "preflightFailure", simulation };
    return null;
  }

  recordReceived(signature: string): void {
    this.deps.statusStore.recordReceived(signature);
  }

  recordDropped(signature: string, reasonCode: number, err: TransactionErrorJson | null): void {
    this.deps.statusStore.recordDropped(signature, this.deps.follower.head.slot, reasonCode, err);
  }

  upstreamRouting(): UpstreamRouting {
    return this.deps.routing;
  }

  /** One JSON-RPC call sent to the upstream as it came; its answer (or error) returned as it went. */
  async passThrough(method: string, params: unknown): Promise<PassThroughAnswer> {
    const [answer] = await this.deps.client.batch([{ method, params }], false);
    if (answer.ok) {
      if (method === "getLatestBlockhash") this.noteBlockhash(answer.result);
      return { result: answer.result };
    }
    const error = answer.error;
    if (error instanceof UpstreamRpcError) {
      return {
        error:
          error.rpcData === undefined
            ? { code: error.rpcCode, message: error.rpcMessage }
            : { code: error.rpcCode, message: error.rpcMessage, data: error.rpcData },
      };
    }
    return { error: { code: -32603, message: `Internal error: ${error.message}` } };
  }

  async watchAccount(address: string, watched: boolean): Promise<void> {
    this.deps.watcher.setWatched(address, watched);
  }

  /** A blockhash handed to a client must be in the shared window, or verify would call it expired. */
  private noteBlockhash(result: unknown): void {
    const answer = result as Context<{ blockhash?: unknown; lastValidBlockHeight?: unknown }> | null;
    const blockhash = answer?.value?.blockhash;
    if (typeof blockhash !== "string") return;
    this.deps.follower.publishBlockhash(
      blockhash,
      Number(answer?.value.lastValidBlockHeight ?? 0),
      Number(answer?.context?.slot ?? 0),
    );
  }
}
