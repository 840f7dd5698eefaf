// LocalNode: the embedded bank, the status store and the RPC face joined in one process (no workers),
// so real clients can be pointed at it. sendTransaction executes through executeBatch at once.
import { EmbeddedBank, type EmbeddedBankConfig } from "../bank/embedded-bank.ts";
import { StatusStore, type StatusStoreConfig } from "../bank/status-store.ts";
import { LocalBackend } from "./local-backend.ts";
import { type RpcServer, type RpcServerOptions, startRpcServer } from "./rpc-server.ts";

export interface LocalNodeOptions {
  bank?: Partial<EmbeddedBankConfig>;
  statusStore?: Partial<StatusStoreConfig>;
  server?: Omit<RpcServerOptions, "backend">;
}

export class LocalNode {
  readonly bank: EmbeddedBank;
  readonly statusStore: StatusStore;
  readonly backend: LocalBackend;
  readonly server: RpcServer;

  private constructor(
    bank: EmbeddedBank,
    statusStore: StatusStore,
    backend: LocalBackend,
    server: RpcServer,
  ) {
    this.bank = bank;
    this.statusStore = statusStore;
    this.backend = backend;
    this.server = server;
  }

  static start(options: LocalNodeOptions = {}): LocalNode {
    const bank = new EmbeddedBank(options.bank);
    const statusStore = new StatusStore({
      recentSlots: bank.config.blockhashMaxAgeSlots + 1,
      ...options.statusStore,
    });
    const backend = new LocalBackend(bank, statusStore);
    const server = startRpcServer({ ...options.server, backend });
    bank.start();
    return new LocalNode(bank, statusStore, backend, server);
  }

  get httpUrl(): string {
    return this.server.httpUrl;
  }
  get wsUrl(): string {
    return this.server.wsUrl;
  }

  async stop(): Promise<void> {
    this.bank.stop();
    await this.server.stop();
  }
}
