// What the bank tile offers other threads over its MessagePort: the RPC reads and
// side calls of LocalBackend (accounts, blockhashes, fees, simulation, airdrops,
// statuses), plus the pipeline's own calls: preflight before acceptance, and recording
// received / dropped transactions in the status store. Executions are recorded by the
// bank tile itself as batches complete.

import type { LocalBackend } from "../server/local-backend.ts";
import type { SendRejection } from "../server/rpc-backend.ts";
import type { TransactionErrorJson } from "./transaction-error.ts";

/** Methods of LocalBackend served as they are. */
export const BANK_SERVICE_BACKEND_METHODS = [
  "getHealth",
  "getVersion",
  "getChainHead",
  "getSlot",
  "getBlockHeight",
  "getEpochInfo",
  "getGenesisHash",
  "getLatestBlockhash",
  "isBlockhashValid",
  "getFeeForMessage",
  "getMinimumBalanceForRentExemption",
  "getAccounts",
  "simulateTransaction",
  "getSignatureStatuses",
  "requestAirdrop",
] as const;

export const BANK_SERVICE_METHODS = [
  ...BANK_SERVICE_BACKEND_METHODS,
  "preflight",
  "recordReceived",
  "recordDropped",
  "upstreamRouting",
  "watchAccount",
] as const;

export class BankService {
  constructor(private readonly backend: LocalBackend) {
    for (const method of BANK_SERVICE_BACKEND_METHODS) {
      const target = backend[method] as (...args: unknown[]) => unknown;
      (this as unknown as Record<string, unknown>)[method] = (...args: unknown[]) =>
        target.apply(backend, args);
    }
  }

  /** Agave's preflight: signature verification, then simulation. Null when the transaction may go ahead. */
  preflight(wireBytes: Uint8Array): SendRejection | null {
    const simulation = this.backend.bank.simulate(wireBytes, {
      sigVerify: true,
      replaceRecentBlockhash: false,
    });
    if (simulation.err === "SignatureFailure") return { kind: "signatureVerificationFailure" };
    if (simulation.err !== null) return { kind: "preflightFailure", simulation };
    return null;
  }

  recordReceived(signature: string): void {
    this.backend.statusStore.recordReceived(signature);
  }

  recordDropped(signature: string, reasonCode: number, err: TransactionErrorJson | null): void {
    this.backend.statusStore.recordDropped(signature, this.backend.bank.slot, reasonCode, err);
  }

  /** Embedded: every JSON-RPC method is answered here (upstream mode serves UpstreamService instead). */
  upstreamRouting(): null {
    return null;
  }

  /** Embedded: every account write is reported as an event already. */
  watchAccount(_address: string, _watched: boolean): void {}
}
