// The narrow interface the JSON-RPC face talks to. Every method is async so that the backend can later
// live across threads (pipeline workers); the server never touches the bank directly.
import type { SimulationOutcome } from "../bank/embedded-bank.ts";
import type { SignatureStatus } from "../bank/status-store.ts";
import type { TransactionErrorJson } from "../bank/transaction-error.ts";

export type Commitment = "processed" | "confirmed" | "finalized";
export type HealthState = "ok" | "behind" | "unknown";

export interface AccountView {
  lamports: bigint;
  data: Uint8Array;
  owner: string;
  executable: boolean;
  rentEpoch: bigint;
}

export interface EpochInfoView {
  absoluteSlot: number;
  blockHeight: number;
  epoch: number;
  slotIndex: number;
  slotsInEpoch: number;
  transactionCount: number;
}

/** Why sendTransaction refused a transaction (maps to Solana's RPC error codes). */
export type SendRejection =
  | { kind: "signatureVerificationFailure" }
  | { kind: "preflightFailure"; simulation: SimulationOutcome }
  | { kind: "invalidTransaction"; message: string };

export type SendOutcome =
  | { accepted: true; signature: string }
  | { accepted: false; rejection: SendRejection };

export interface SendOptions {
  skipPreflight: boolean;
  preflightCommitment: Commitment;
  maxRetries: number | null;
  /** The HTTP connection the request came on (server/connection-id.ts), when the server knows it. */
  connectionId?: number;
}

export type BackendEvent =
  | { type: "slot"; slot: number; parent: number; confirmedSlot: number; root: number }
  | { type: "signatureReceived"; signature: string }
  | { type: "signatureExecuted"; signature: string; slot: number; err: TransactionErrorJson | null }
  | { type: "accountsWritten"; slot: number; addresses: string[] };

export interface ChainHead {
  slot: number;
  confirmedSlot: number;
  finalizedSlot: number;
}

/** Upstream mode: the JSON-RPC methods Outrider answers itself; every other one goes to the upstream as it is. */
export interface UpstreamRouting {
  localMethods: string[];
}

/** The upstream's answer to a passed-through call, as a value (its error code, message and data kept). */
export type PassThroughAnswer =
  | { result: unknown }
  | { error: { code: number; message: string; data?: unknown } };

export interface RpcBackend {
  getHealth(): Promise<HealthState>;
  getVersion(): Promise<{ solanaCore: string; featureSet: number }>;
  getChainHead(): Promise<ChainHead>;
  getSlot(commitment: Commitment): Promise<number>;
  getBlockHeight(commitment: Commitment): Promise<number>;
  getEpochInfo(commitment: Commitment): Promise<EpochInfoView>;
  getGenesisHash(): Promise<string>;
  getLatestBlockhash(
    commitment: Commitment,
  ): Promise<{ slot: number; blockhash: string; lastValidBlockHeight: number }>;
  isBlockhashValid(blockhash: string, commitment: Commitment): Promise<{ slot: number; valid: boolean }>;
  getFeeForMessage(
    messageBytes: Uint8Array,
    commitment: Commitment,
  ): Promise<{ slot: number; feeLamports: bigint | null }>;
  getMinimumBalanceForRentExemption(dataLengthBytes: number, commitment: Commitment): Promise<bigint>;
  getAccounts(
    addresses: string[],
    commitment: Commitment,
  ): Promise<{ slot: number; accounts: (AccountView | null)[] }>;
  sendTransaction(wireBytes: Uint8Array, options: SendOptions): Promise<SendOutcome>;
  simulateTransaction(
    wireBytes: Uint8Array,
    options: { sigVerify: boolean; replaceRecentBlockhash: boolean; commitment: Commitment },
  ): Promise<SimulationOutcome>;
  getSignatureStatuses(
    signatures: string[],
    searchTransactionHistory: boolean,
  ): Promise<{ slot: number; statuses: (SignatureStatus | null)[] }>;
  requestAirdrop(address: string, lamports: bigint): Promise<string>;
  /** Subscribes to chain events; returns the unsubscribe function. */
  subscribe(listener: (event: BackendEvent) => void): () => void;
  /** Upstream mode only: which methods stay local (null, or absent: embedded, everything is local). */
  upstreamRouting?(): Promise<UpstreamRouting | null>;
  /** Upstream mode only: one call sent to the upstream unchanged. */
  passThrough?(method: string, params: unknown): Promise<PassThroughAnswer>;
  /** PubSub accountSubscribe (true) / last unsubscribe (false): report writes of this account as events. */
  watchAccount?(address: string, watched: boolean): Promise<void>;
}
