// Solana's PubSub over WebSocket: signatureSubscribe (incl. enableReceivedNotification), accountSubscribe,
// programSubscribe (dataSize / memcmp filters; an account is notified when a write leaves it owned by the
// program, as Agave does), slotSubscribe and their unsubscribes, fed by RpcBackend events. Commitment is honoured by holding a
// notification until the event's slot reaches it. Bounded: subscriptions per connection and in total.
import type { ServerWebSocket } from "bun";
import { commitmentReached } from "../bank/status-store.ts";
import type { AccountEncoding } from "./account-encoding.ts";
import { accountEncodingOf, encodeAccount } from "./account-encoding.ts";
import {
  asRequest,
  errorResponse,
  invalidParams,
  JsonRpcError,
  methodNotFound,
  parseError,
  requestIdOf,
  stringifyJson,
  successResponse,
} from "./json-rpc.ts";
import { matchesProgramFilters, type ProgramFilter, programFiltersOf } from "./program-filters.ts";
import type { AccountView, BackendEvent, ChainHead, Commitment, RpcBackend } from "./rpc-backend.ts";
import {
  commitmentOf,
  configObject,
  optionalBoolean,
  paramsArray,
  requirePubkey,
  requireSignature,
} from "./rpc-params.ts";

export const SUBSCRIPTIONS_PER_CONNECTION_MAX = 1_000;
export const SUBSCRIPTIONS_TOTAL_MAX = 100_000;
/** Pending (commitment not yet reached) account notifications kept per subscription. */
const PENDING_ACCOUNT_SLOTS_MAX = 64;

export interface PubsubConnection {
  subscriptionIds: Set<number>;
}

type Subscription =
  | {
      kind: "signature";
      id: number;
      socket: ServerWebSocket<PubsubConnection>;
      signature: string;
      commitment: Commitment;
      received: boolean;
      executed: { slot: number; err: unknown } | null;
    }
  | {
      kind: "account";
      id: number;
      socket: ServerWebSocket<PubsubConnection>;
      address: string;
      commitment: Commitment;
      encoding: AccountEncoding;
      pendingSlots: number[];
    }
  | {
      kind: "program";
      id: number;
      socket: ServerWebSocket<PubsubConnection>;
      program: string;
      commitment: Commitment;
      encoding: AccountEncoding;
      filters: ProgramFilter[];
      /** Writes waiting for their slot to reach the commitment (bounded). */
      pendingWrites: { slot: number; addresses: string[] }[];
    }
  | { kind: "slot"; id: number; socket: ServerWebSocket<PubsubConnection> };

const UNSUBSCRIBE_KIND: Record<string, Subscription["kind"]> = {
  signatureUnsubscribe: "signature",
  accountUnsubscribe: "account",
  programUnsubscribe: "program",
  slotUnsubscribe: "slot",
};

export class PubsubHub {
  private nextSubscriptionId = 0;
  private readonly subscriptions = new Map<number, Subscription>();
  private chain: ChainHead = { slot: 0, confirmedSlot: 0, finalizedSlot: 0 };
  private readonly unsubscribeBackend: () => void;
  /** Account subscriptions per address, so the backend is told once when the first comes and the last goes. */
  private readonly watchedAccounts = new Map<string, number>();

  constructor(private readonly backend: RpcBackend) {
    this.unsubscribeBackend = backend.subscribe((event) => {
      this.onBackendEvent(event).catch(() => {});
    });
  }

  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  close(): void {
    this.unsubscribeBackend();
    this.subscriptions.clear();
  }

  dropConnection(socket: ServerWebSocket<PubsubConnection>): void {
    for (const id of socket.data.subscriptionIds) {
      const subscription = this.subscriptions.get(id);
      this.subscriptions.delete(id);
      if (subscription?.kind === "account") this.unwatch(subscription.address);
    }
    socket.data.subscriptionIds.clear();
  }

  private watch(address: string): void {
    const count = this.watchedAccounts.get(address) ?? 0;
    this.watchedAccounts.set(address, count + 1);
    if (count === 0) this.backend.watchAccount?.(address, true).catch(() => {});
  }

  private unwatch(address: string): void {
    const count = this.watchedAccounts.get(address) ?? 0;
    if (count <= 1) {
      this.watchedAccounts.delete(address);
      if (count === 1) this.backend.watchAccount?.(address, false).catch(() => {});
    } else this.watchedAccounts.set(address, count - 1);
  }

  async handleMessage(socket: ServerWebSocket<PubsubConnection>, text: string): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      socket.send(stringifyJson(errorResponse(null, parseError())));
      return;
    }
    const id = requestIdOf(parsed);
    try {
      const request = asRequest(parsed);
      const result = await this.dispatch(socket, request.method, paramsArray(request.method, request.params));
      socket.send(stringifyJson(successResponse(request.id, result)));
    } catch (error) {
      const rpcError = error instanceof JsonRpcError ? error : new JsonRpcError(-32603, "Internal error");
      socket.send(stringifyJson(errorResponse(id, rpcError)));
    }
  }

  private register(
    socket: ServerWebSocket<PubsubConnection>,
    make: (id: number) => Subscription,
  ): Subscription {
    if (socket.data.subscriptionIds.size >= SUBSCRIPTIONS_PER_CONNECTION_MAX) {
      throw invalidParams(
        `Too many subscriptions on this connection; max ${SUBSCRIPTIONS_PER_CONNECTION_MAX}`,
      );
    }
    if (this.subscriptions.size >= SUBSCRIPTIONS_TOTAL_MAX) {
      throw invalidParams(`Too many subscriptions; max ${SUBSCRIPTIONS_TOTAL_MAX}`);
    }
    const subscription = make(this.nextSubscriptionId++);
    this.subscriptions.set(subscription.id, subscription);
    socket.data.subscriptionIds.add(subscription.id);
    return subscription;
  }

  private async dispatch(socket: ServerWebSocket<PubsubConnection>, method: string, params: unknown[]) {
    if (method === "slotSubscribe") return this.register(socket, (id) => ({ kind: "slot", id, socket })).id;
    if (method === "signatureSubscribe") {
      const signature = requireSignature(params[0], "signature");
      const config = configObject(params, 1);
      const commitment = commitmentOf(config);
      const received = optionalBoolean(config, "enableReceivedNotification", false);
      const subscription = this.register(socket, (id) => ({
        kind: "signature",
        id,
        socket,
        signature,
        commitment,
        received,
        executed: null,
      }));
      this.chain = await this.backend.getChainHead();
      const status = (await this.backend.getSignatureStatuses([signature], false)).statuses[0];
      if (status && subscription.kind === "signature") {
        subscription.executed = { slot: status.slot, err: status.err };
        // After the subscription id has been answered (a microtask would run before it is sent).
        setTimeout(() => this.maybeNotifySignature(subscription), 0);
      }
      return subscription.id;
    }
    if (method === "accountSubscribe") {
      const address = requirePubkey(params, 0, "pubkey");
      const config = configObject(params, 1);
      const commitment = commitmentOf(config);
      const encoding = accountEncodingOf(config);
      const id = this.register(socket, (id) => ({
        kind: "account",
        id,
        socket,
        address,
        commitment,
        encoding,
        pendingSlots: [],
      })).id;
      this.watch(address);
      return id;
    }
    // In front of a node only the accounts the front follows would be seen: subscribe on the node there.
    if (method === "programSubscribe" && ((await this.backend.upstreamRouting?.()) ?? null) === null) {
      const program = requirePubkey(params, 0, "program id");
      const config = configObject(params, 1);
      const commitment = commitmentOf(config);
      const encoding = accountEncodingOf(config);
      const filters = programFiltersOf(config);
      return this.register(socket, (id) => ({
        kind: "program",
        id,
        socket,
        program,
        commitment,
        encoding,
        filters,
        pendingWrites: [],
      })).id;
    }
    const kind = UNSUBSCRIBE_KIND[method];
    if (kind !== undefined) {
      const id = params[0];
      const subscription = typeof id === "number" ? this.subscriptions.get(id) : undefined;
      if (subscription === undefined || subscription.kind !== kind || subscription.socket !== socket) {
        throw invalidParams("Invalid subscription id.");
      }
      this.remove(subscription);
      return true;
    }
    throw methodNotFound();
  }

  private remove(subscription: Subscription): void {
    this.subscriptions.delete(subscription.id);
    subscription.socket.data.subscriptionIds.delete(subscription.id);
    if (subscription.kind === "account") this.unwatch(subscription.address);
  }

  private notify(subscription: Subscription, method: string, result: unknown): void {
    subscription.socket.send(
      stringifyJson({ jsonrpc: "2.0", method, params: { result, subscription: subscription.id } }),
    );
  }

  private maybeNotifySignature(subscription: Extract<Subscription, { kind: "signature" }>): void {
    if (!this.subscriptions.has(subscription.id) || subscription.executed === null) return;
    const { slot, err } = subscription.executed;
    if (!commitmentReached(slot, subscription.commitment, this.chain)) return;
    this.notify(subscription, "signatureNotification", { context: { slot }, value: { err } });
    this.remove(subscription);
  }

  private async notifyAccount(subscription: Extract<Subscription, { kind: "account" }>, slot: number) {
    const answer = await this.backend.getAccounts([subscription.address], "processed");
    const account = answer.accounts[0];
    const value = account
      ? encodeAccount(account, subscription.encoding === "base58" ? "base64" : subscription.encoding, null)
      : {
          data: ["", "base64"],
          executable: false,
          lamports: 0,
          owner: "11111111111111111111111111111111",
          rentEpoch: 0,
          space: 0,
        };
    if (this.subscriptions.has(subscription.id))
      this.notify(subscription, "accountNotification", { context: { slot }, value });
  }

  /** Notifies a program subscription of the written accounts it owns now (state at processed). */
  private async notifyProgram(
    subscription: Extract<Subscription, { kind: "program" }>,
    slot: number,
    addresses: string[],
    read?: { addresses: string[]; accounts: (AccountView | null)[] },
  ): Promise<void> {
    const answer = read ?? {
      addresses,
      accounts: (await this.backend.getAccounts(addresses, "processed")).accounts,
    };
    for (let index = 0; index < answer.addresses.length; index++) {
      const account = answer.accounts[index];
      if (account === null || account === undefined || account.owner !== subscription.program) continue;
      if (!matchesProgramFilters(account.data, subscription.filters)) continue;
      if (!this.subscriptions.has(subscription.id)) return;
      const encoding = subscription.encoding === "base58" ? "base64" : subscription.encoding;
      this.notify(subscription, "programNotification", {
        context: { slot },
        value: { pubkey: answer.addresses[index], account: encodeAccount(account, encoding, null) },
      });
    }
  }

  private async onBackendEvent(event: BackendEvent): Promise<void> {
    if (event.type === "slot") {
      this.chain = { slot: event.slot, confirmedSlot: event.confirmedSlot, finalizedSlot: event.root };
      for (const subscription of this.subscriptions.values()) {
        if (subscription.kind === "slot") {
          this.notify(subscription, "slotNotification", {
            parent: event.parent,
            root: event.root,
            slot: event.slot,
          });
        } else if (subscription.kind === "signature") {
          this.maybeNotifySignature(subscription);
        } else if (subscription.kind === "program") {
          const ready = subscription.pendingWrites.filter((write) =>
            commitmentReached(write.slot, subscription.commitment, this.chain),
          );
          if (ready.length > 0) {
            subscription.pendingWrites = subscription.pendingWrites.filter((write) => !ready.includes(write));
            const addresses = [...new Set(ready.flatMap((write) => write.addresses))];
            await this.notifyProgram(subscription, ready[ready.length - 1]!.slot, addresses);
          }
        } else if (subscription.pendingSlots.length > 0) {
          const ready = subscription.pendingSlots.filter((slot) =>
            commitmentReached(slot, subscription.commitment, this.chain),
          );
          if (ready.length > 0) {
            subscription.pendingSlots = subscription.pendingSlots.filter((slot) => !ready.includes(slot));
            await this.notifyAccount(subscription, ready[ready.length - 1]!);
          }
        }
      }
      return;
    }
    if (event.type === "signatureReceived") {
      for (const subscription of this.subscriptions.values()) {
        if (
          subscription.kind === "signature" &&
          subscription.received &&
          subscription.signature === event.signature
        ) {
          this.notify(subscription, "signatureNotification", {
            context: { slot: this.chain.slot },
            value: "receivedSignature",
          });
        }
      }
      return;
    }
    if (event.type === "signatureExecuted") {
      this.chain = { ...this.chain, slot: Math.max(this.chain.slot, event.slot) };
      for (const subscription of [...this.subscriptions.values()]) {
        if (subscription.kind === "signature" && subscription.signature === event.signature) {
          subscription.executed = { slot: event.slot, err: event.err };
          this.maybeNotifySignature(subscription);
        }
      }
      return;
    }
    const written = new Set(event.addresses);
    let read: { addresses: string[]; accounts: (AccountView | null)[] } | undefined;
    for (const subscription of [...this.subscriptions.values()]) {
      if (subscription.kind !== "program") continue;
      if (subscription.commitment !== "processed") {
        subscription.pendingWrites.push({ slot: event.slot, addresses: event.addresses });
        if (subscription.pendingWrites.length > PENDING_ACCOUNT_SLOTS_MAX) subscription.pendingWrites.shift();
        continue;
      }
      // One read of the written accounts serves every program subscription of this event.
      if (read === undefined) {
        const addresses = [...written];
        read = { addresses, accounts: (await this.backend.getAccounts(addresses, "processed")).accounts };
      }
      await this.notifyProgram(subscription, event.slot, read.addresses, read);
    }
    for (const subscription of [...this.subscriptions.values()]) {
      if (subscription.kind !== "account" || !written.has(subscription.address)) continue;
      if (subscription.commitment === "processed") await this.notifyAccount(subscription, event.slot);
      else if (!subscription.pendingSlots.includes(event.slot)) {
        subscription.pendingSlots.push(event.slot);
        if (subscription.pendingSlots.length > PENDING_ACCOUNT_SLOTS_MAX) subscription.pendingSlots.shift();
      }
    }
  }
}
