// RpcBackend over an in-process EmbeddedBank and StatusStore: sendTransaction runs Agave's preflight
// (signature verification, then simulation) unless skipped, and executes through executeBatch at once.
// The pipeline (ingress → verify → schedule → bank workers) will replace this with a backend that hands
// transactions to ingress; the server does not change.

import type { EmbeddedBank, TransactionResult } from "../bank/embedded-bank.ts";
import type { StatusStore } from "../bank/status-store.ts";
import { firstSignatureBytes, viewWireTransaction } from "../bank/wire-view.ts";
import { isOutriderError } from "../errors.ts";
import { base58Encode } from "../tx/base58.ts";
import type {
  AccountView,
  BackendEvent,
  Commitment,
  RpcBackend,
  SendOptions,
  SendOutcome,
} from "./rpc-backend.ts";

/** The solana-core version whose RPC behaviour this face follows (reported by getVersion). */
export const EMULATED_SOLANA_CORE_VERSION = "3.0.0";
export const EMULATED_FEATURE_SET = 0;

const base58 = { decode: (bytes: Uint8Array): string => base58Encode(bytes) };

export class LocalBackend implements RpcBackend {
  private readonly listeners = new Set<(event: BackendEvent) => void>();

  constructor(
    readonly bank: EmbeddedBank,
    readonly statusStore: StatusStore,
    /** With the trading cache: account reads go through it (src/accounts/embedded-accounts.ts). */
    private readonly accounts?: {
      read(
        addresses: string[],
        commitment: Commitment,
      ): Promise<{ slot: number; accounts: (AccountView | null)[] }>;
    },
  ) {
    bank.onSlot((event) => {
      statusStore.prune(event.slot);
      this.emit({ type: "slot", ...event });
    });
    statusStore.onEvent((event) => {
      if (event.type === "received") this.emit({ type: "signatureReceived", signature: event.signature });
      else if (event.type === "executed") {
        const { signature, slot, err } = event.record;
        this.emit({ type: "signatureExecuted", signature, slot, err });
      }
    });
  }

  private emit(event: BackendEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  subscribe(listener: (event: BackendEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Feeds one bank result to the status store and to account subscribers. */
  recordResult(result: TransactionResult): void {
    if (result.included) {
      this.statusStore.recordExecuted(result.signature, result.slot, result.err);
      const lookups = result.lookupWritableAddresses;
      const addresses =
        lookups.length === 0 ? result.writableAddresses : [...result.writableAddresses, ...lookups];
      this.emit({ type: "accountsWritten", slot: result.slot, addresses });
    } else {
      this.statusStore.recordDropped(result.signature, result.slot, result.notIncludedReason, result.err);
    }
  }

  async getHealth() {
    return "ok" as const;
  }
  async getVersion() {
    return { solanaCore: EMULATED_SOLANA_CORE_VERSION, featureSet: EMULATED_FEATURE_SET };
  }
  async getChainHead() {
    return {
      slot: this.bank.slot,
      confirmedSlot: this.bank.confirmedSlot,
      finalizedSlot: this.bank.finalizedSlot,
    };
  }
  async getSlot(commitment: Commitment) {
    return this.bank.slotAt(commitment);
  }
  async getBlockHeight(commitment: Commitment) {
    return this.bank.blockHeightAt(commitment);
  }
  async getEpochInfo(commitment: Commitment) {
    return this.bank.epochInfo(commitment);
  }
  async getGenesisHash() {
    return this.bank.genesisHash;
  }
  async getLatestBlockhash(commitment: Commitment) {
    const latest = this.bank.latestBlockhash(commitment);
    return { ...latest, slot: this.bank.slotAt(commitment) };
  }
  async isBlockhashValid(blockhash: string, commitment: Commitment) {
    return { slot: this.bank.slotAt(commitment), valid: this.bank.isBlockhashValid(blockhash) };
  }
  async getFeeForMessage(messageBytes: Uint8Array, commitment: Commitment) {
    return { slot: this.bank.slotAt(commitment), feeLamports: this.bank.feeForMessage(messageBytes) };
  }
  async getMinimumBalanceForRentExemption(dataLengthBytes: number) {
    return this.bank.minimumBalanceForRentExemption(dataLengthBytes);
  }
  async getAccounts(addresses: string[], commitment: Commitment) {
    if (this.accounts !== undefined) return this.accounts.read(addresses, commitment);
    return {
      slot: this.bank.slotAt(commitment),
      accounts: addresses.map((address) => this.bank.getAccount(address)),
    };
  }

  async sendTransaction(wireBytes: Uint8Array, options: SendOptions): Promise<SendOutcome> {
    let signature: string;
    try {
      signature = base58.decode(firstSignatureBytes(viewWireTransaction(wireBytes)));
    } catch (error) {
      const message = isOutriderError(error) ? error.message : String(error);
      return { accepted: false, rejection: { kind: "invalidTransaction", message } };
    }
    if (!options.skipPreflight) {
      const simulation = this.bank.simulate(wireBytes, { sigVerify: true, replaceRecentBlockhash: false });
      if (simulation.err === "SignatureFailure") {
        return { accepted: false, rejection: { kind: "signatureVerificationFailure" } };
      }
      if (simulation.err !== null)
        return { accepted: false, rejection: { kind: "preflightFailure", simulation } };
    }
    this.statusStore.recordReceived(signature);
    const outcome = this.bank.executeBatchWithResults({ slot: this.bank.slot, transactions: [wireBytes] });
    this.recordResult(outcome.results[0]!);
    return { accepted: true, signature };
  }

  async simulateTransaction(
    wireBytes: Uint8Array,
    options: { sigVerify: boolean; replaceRecentBlockhash: boolean; commitment: Commitment },
  ) {
    return this.bank.simulate(wireBytes, options);
  }

  async getSignatureStatuses(signatures: string[], searchTransactionHistory: boolean) {
    const chain = await this.getChainHead();
    return {
      slot: chain.slot,
      statuses: this.statusStore.getStatuses(signatures, searchTransactionHistory, chain),
    };
  }

  async requestAirdrop(address: string, lamports: bigint): Promise<string> {
    const result = this.bank.airdrop(address, lamports);
    this.recordResult(result);
    return result.signature;
  }
}
