// The RpcBackend the JSON-RPC face uses when the pipeline runs: sendTransaction goes
// into the pipeline through the ingress stage (after Agave's preflight unless skipped);
// every read and side call goes to the bank tile's service over its MessagePort; chain
// events (slots, signatures, account writes) come back over the same port. With adaptive
// buffering each transaction carries its sender's fair-share key (source-key.ts): the JSON-RPC
// connection it came on (the server names it in the send options: `connectionId`), else one shared
// RPC source. With the flag off every RPC transaction has source 0, as before.
import type { SimulationOutcome } from "../bank/embedded-bank.ts";
import type { SignatureStatus } from "../bank/status-store.ts";
import type { PortClient } from "../pipeline/port-rpc.ts";
import { SOURCE_KIND_RPC } from "../ring/packet-pool.ts";
import type {
  AccountView,
  BackendEvent,
  ChainHead,
  Commitment,
  EpochInfoView,
  HealthState,
  PassThroughAnswer,
  RpcBackend,
  SendOptions,
  SendOutcome,
  SendRejection,
  UpstreamRouting,
} from "../server/rpc-backend.ts";
import { base58Encode } from "../tx/base58.ts";
import { PACKET_DATA_SIZE, SIGNATURE_BYTES } from "../tx/limits.ts";
import type { IngressIntake } from "./ingress-intake.ts";
import { INGRESS_ACCEPTED, INGRESS_DROP_NAMES } from "./ingress-stage.ts";
import { rpcSourceKey } from "./source-key.ts";

export class PipelineBackend implements RpcBackend {
  private readonly listeners = new Set<(event: BackendEvent) => void>();
  private requestId = 0;
  /** Upstream mode's routing, asked of the bank tile once (it does not change while running). */
  private routing: Promise<UpstreamRouting | null> | null = null;

  constructor(
    private readonly bank: PortClient,
    private readonly ingress: IngressIntake,
    /** Adaptive buffering: give each transaction its sender's fair-share key. */
    private readonly fairShareKeys: boolean,
    /** Called after a transaction was accepted (to flush it on promptly and count it). */
    private readonly onAccepted: (byteLength: number) => void,
    private readonly onRefused: (code: number) => void,
  ) {
    bank.onEvent((event) => {
      for (const listener of this.listeners) listener(event as BackendEvent);
    });
  }

  subscribe(listener: (event: BackendEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async sendTransaction(wireBytes: Uint8Array, options: SendOptions): Promise<SendOutcome> {
    if (wireBytes.length > PACKET_DATA_SIZE) {
      return invalid(`transaction too large: ${wireBytes.length} bytes (max: ${PACKET_DATA_SIZE} bytes)`);
    }
    // The first signature is the transaction id: count byte (1..127 fits one byte), then 64 bytes.
    if (wireBytes.length < 1 + SIGNATURE_BYTES || wireBytes[0] === 0 || wireBytes[0] > 0x7f) {
      return invalid("failed to deserialize transaction: no signature");
    }
    const signature = base58Encode(wireBytes, 1, SIGNATURE_BYTES);
    if (!options.skipPreflight) {
      const rejection = await this.bank.call<SendRejection | null>("preflight", wireBytes);
      if (rejection !== null) return { accepted: false, rejection };
    }
    this.requestId = (this.requestId + 1) >>> 0;
    const connection = options.connectionId;
    const sourceId = this.fairShareKeys
      ? rpcSourceKey(typeof connection === "number" && Number.isInteger(connection) ? connection : 0)
      : 0;
    const code = this.ingress.accept(wireBytes, SOURCE_KIND_RPC, sourceId, this.requestId);
    if (code !== INGRESS_ACCEPTED) {
      this.onRefused(code);
      return invalid(
        `not accepted: ingress ${INGRESS_DROP_NAMES[code]} (transaction not queued; retry later)`,
      );
    }
    this.onAccepted(wireBytes.length);
    void this.bank.call("recordReceived", signature).catch(() => undefined);
    return { accepted: true, signature };
  }

  getHealth(): Promise<HealthState> {
    return this.bank.call("getHealth");
  }
  getVersion(): Promise<{ solanaCore: string; featureSet: number }> {
    return this.bank.call("getVersion");
  }
  getChainHead(): Promise<ChainHead> {
    return this.bank.call("getChainHead");
  }
  getSlot(commitment: Commitment): Promise<number> {
    return this.bank.call("getSlot", commitment);
  }
  getBlockHeight(commitment: Commitment): Promise<number> {
    return this.bank.call("getBlockHeight", commitment);
  }
  getEpochInfo(commitment: Commitment): Promise<EpochInfoView> {
    return this.bank.call("getEpochInfo", commitment);
  }
  getGenesisHash(): Promise<string> {
    return this.bank.call("getGenesisHash");
  }
  getLatestBlockhash(commitment: Commitment) {
    return this.bank.call<{ slot: number; blockhash: string; lastValidBlockHeight: number }>(
      "getLatestBlockhash",
      commitment,
    );
  }
  isBlockhashValid(blockhash: string, commitment: Commitment) {
    return this.bank.call<{ slot: number; valid: boolean }>("isBlockhashValid", blockhash, commitment);
  }
  getFeeForMessage(messageBytes: Uint8Array, commitment: Commitment) {
    return this.bank.call<{ slot: number; feeLamports: bigint | null }>(
      "getFeeForMessage",
      messageBytes,
      commitment,
    );
  }
  getMinimumBalanceForRentExemption(dataLengthBytes: number, commitment: Commitment): Promise<bigint> {
    return this.bank.call("getMinimumBalanceForRentExemption", dataLengthBytes, commitment);
  }
  getAccounts(addresses: string[], commitment: Commitment) {
    return this.bank.call<{ slot: number; accounts: (AccountView | null)[] }>(
      "getAccounts",
      addresses,
      commitment,
    );
  }
  simulateTransaction(
    wireBytes: Uint8Array,
    options: { sigVerify: boolean; replaceRecentBlockhash: boolean; commitment: Commitment },
  ): Promise<SimulationOutcome> {
    return this.bank.call("simulateTransaction", wireBytes, options);
  }
  getSignatureStatuses(signatures: string[], searchTransactionHistory: boolean) {
    return this.bank.call<{ slot: number; statuses: (SignatureStatus | null)[] }>(
      "getSignatureStatuses",
      signatures,
      searchTransactionHistory,
    );
  }
  requestAirdrop(address: string, lamports: bigint): Promise<string> {
    return this.bank.call("requestAirdrop", address, lamports);
  }
  // Upstream mode (src/upstream): the bank tile says which methods it passes through to the node.
  upstreamRouting(): Promise<UpstreamRouting | null> {
    this.routing ??= this.bank.call<UpstreamRouting | null>("upstreamRouting").catch(() => {
      this.routing = null;
      return null;
    });
    return this.routing;
  }
  passThrough(method: string, params: unknown): Promise<PassThroughAnswer> {
    return this.bank.call("passThrough", method, params);
  }
  watchAccount(address: string, watched: boolean): Promise<void> {
    return this.bank.call("watchAccount", address, watched);
  }
}

function invalid(message: string): SendOutcome {
  return { accepted: false, rejection: { kind: "invalidTransaction", message } };
}
