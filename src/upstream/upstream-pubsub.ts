// PubSub client for the upstream node's WebSocket (Solana's accountSubscribe, programSubscribe,
// signatureSubscribe, slotSubscribe). One connection; each subscription resolves once the upstream
// has confirmed it (from then on no change is missed), notifications go to the subscriber's callback.
// When the connection drops, every subscription is gone: reset listeners hear it (caches must forget
// what they can no longer keep coherent), pending subscribes are rejected, and the client reconnects
// with backoff. Bounded: subscriptions held, notifications for not-yet-confirmed ids kept.
import { upstreamError } from "./errors.ts";
import { parseJsonExact, stringifyExact } from "./upstream-client.ts";

export type SubscriptionKind = "account" | "program" | "signature" | "slot";

export type NotificationListener = (result: unknown) => void;

export interface UpstreamSubscription {
  readonly kind: SubscriptionKind;
  readonly params: readonly unknown[];
  /** Connection generation it belongs to; meaningless once the connection resets. */
  readonly generation: number;
  /** The upstream's subscription id (null until confirmed). */
  upstreamId: number | null;
  /** performance.now() when the upstream confirmed it. */
  activeSinceMs: number;
}

export interface UpstreamPubsubOptions {
  url: string;
  subscriptionsMax: number;
  /** Longest wait for a subscribe answer before it is treated as failed. */
  requestTimeoutMs: number;
  /** Called on every (re)connection and every loss of connection. */
  onConnectionChange?: (connected: boolean) => void;
  /** Called for each notification received for a live subscription. */
  onNotification?: (kind: SubscriptionKind) => void;
  /** Called when the number of confirmed subscriptions of a kind changes. */
  onSubscriptionsChange?: (counts: Readonly<Record<SubscriptionKind, number>>) => void;
}

interface Entry {
  subscription: UpstreamSubscription;
  listener: NotificationListener;
}

interface Pending {
  entry: Entry;
  resolve(subscription: UpstreamSubscription): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

const SUBSCRIBE_METHOD: Record<SubscriptionKind, string> = {
  account: "accountSubscribe",
  program: "programSubscribe",
  signature: "signatureSubscribe",
  slot: "slotSubscribe",
};
const UNSUBSCRIBE_METHOD: Record<SubscriptionKind, string> = {
  account: "accountUnsubscribe",
  program: "programUnsubscribe",
  signature: "signatureUnsubscribe",
  slot: "slotUnsubscribe",
};
/** Notifications that arrive before their subscribe answer (some servers send them first) are held. */
const EARLY_NOTIFICATIONS_MAX = 256;
const RECONNECT_DELAY_MS_MIN = 100;
const RECONNECT_DELAY_MS_MAX = 5_000;

export class UpstreamPubsub {
  readonly url: string;
  /** Increments on every new connection; subscriptions of older generations are dead. */
  generation = 0;
  reconnects = 0;
  notifications = 0;
  private socket: WebSocket | null = null;
  private connected = false;
  private closed = false;
  private reconnectDelayMs = RECONNECT_DELAY_MS_MIN;
  private nextRequestId = 1;
  private readonly options: UpstreamPubsubOptions;
  private readonly pending = new Map<number, Pending>();
  private readonly active = new Map<number, Entry>();
  private readonly early = new Map<number, unknown[]>();
  private readonly resetListeners = new Set<() => void>();
  private readonly connectWaiters: (() => void)[] = [];
  private readonly counts: Record<SubscriptionKind, number> = {
    account: 0,
    program: 0,
    signature: 0,
    slot: 0,
  };

  constructor(options: UpstreamPubsubOptions) {
    if (!URL.canParse(options.url) || !/^wss?:$/.test(new URL(options.url).protocol)) {
      throw upstreamError("UPSTREAM_BAD_URL", `upstream PubSub URL must be ws(s)://…, got '${options.url}'`);
    }
    this.url = options.url;
    this.options = options;
    this.connect();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Subscriptions confirmed and alive. */
  get activeCount(): number {
    return this.active.size;
  }

  /** Called when the connection is lost: every subscription made so far is gone. */
  onReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  /** Resolves once connected (or at once when connected already). */
  whenConnected(): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve) => this.connectWaiters.push(resolve));
  }

  /** Subscribes; resolves with the confirmed subscription. Rejects when not connected or over the bound. */
  subscribe(
    kind: SubscriptionKind,
    params: unknown[],
    listener: NotificationListener,
  ): Promise<UpstreamSubscription> {
    if (!this.connected || this.socket === null) {
      return Promise.reject(
        upstreamError("UPSTREAM_PUBSUB_DOWN", `upstream PubSub ${this.url} is not connected`),
      );
    }
    if (this.active.size + this.pending.size >= this.options.subscriptionsMax) {
      return Promise.reject(
        upstreamError(
          "UPSTREAM_LIMIT",
          `upstream subscriptions would exceed ${this.options.subscriptionsMax}`,
        ),
      );
    }
    const id = this.nextRequestId++;
    const subscription: UpstreamSubscription = {
      kind,
      params,
      generation: this.generation,
      upstreamId: null,
      activeSinceMs: 0,
    };
    const entry: Entry = { subscription, listener };
    const socket = this.socket;
    return new Promise<UpstreamSubscription>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.pending.delete(id)) return;
        reject(
          upstreamError("UPSTREAM_UNREACHABLE", `upstream did not answer ${SUBSCRIBE_METHOD[kind]} in time`),
        );
      }, this.options.requestTimeoutMs);
      this.pending.set(id, { entry, resolve, reject, timer });
      socket.send(stringifyExact({ jsonrpc: "2.0", id, method: SUBSCRIBE_METHOD[kind], params }));
    });
  }

  /** Ends a subscription (nothing to do when its connection is already gone). */
  unsubscribe(subscription: UpstreamSubscription): void {
    const upstreamId = subscription.upstreamId;
    if (upstreamId === null || subscription.generation !== this.generation) return;
    if (this.active.get(upstreamId)?.subscription !== subscription) return;
    this.removeActive(upstreamId);
    if (this.connected && this.socket !== null) {
      this.socket.send(
        stringifyExact({
          jsonrpc: "2.0",
          id: this.nextRequestId++,
          method: UNSUBSCRIBE_METHOD[subscription.kind],
          params: [upstreamId],
        }),
      );
    }
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
    this.dropAll(upstreamError("UPSTREAM_PUBSUB_DOWN", "upstream PubSub client closed"));
  }

  private connect(): void {
    if (this.closed) return;
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.connected = true;
      this.generation++;
      this.reconnectDelayMs = RECONNECT_DELAY_MS_MIN;
      this.options.onConnectionChange?.(true);
      for (const waiter of this.connectWaiters.splice(0)) waiter();
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      const text =
        typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data as ArrayBuffer);
      this.onMessage(text);
    };
    const onGone = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      const wasConnected = this.connected;
      this.connected = false;
      this.dropAll(upstreamError("UPSTREAM_PUBSUB_DOWN", `upstream PubSub ${this.url} disconnected`));
      if (wasConnected) {
        this.options.onConnectionChange?.(false);
        for (const listener of this.resetListeners) listener();
      }
      if (this.closed) return;
      this.reconnects++;
      const delay = this.reconnectDelayMs;
      this.reconnectDelayMs = Math.min(RECONNECT_DELAY_MS_MAX, delay * 2);
      setTimeout(() => this.connect(), delay);
    };
    socket.onclose = onGone;
    socket.onerror = () => {
      try {
        socket.close();
      } catch {}
      onGone();
    };
  }

  private dropAll(error: Error): void {
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.pending.clear();
    this.active.clear();
    this.early.clear();
    for (const kind of Object.keys(this.counts) as SubscriptionKind[]) this.counts[kind] = 0;
    this.options.onSubscriptionsChange?.(this.counts);
  }

  private addActive(upstreamId: number, entry: Entry): void {
    this.active.set(upstreamId, entry);
    this.counts[entry.subscription.kind]++;
    this.options.onSubscriptionsChange?.(this.counts);
  }

  private removeActive(upstreamId: number): void {
    const entry = this.active.get(upstreamId);
    if (!entry) return;
    this.active.delete(upstreamId);
    this.counts[entry.subscription.kind]--;
    this.options.onSubscriptionsChange?.(this.counts);
  }

  private onMessage(text: string): void {
    let message: Record<string, unknown>;
    try {
      message = parseJsonExact(text) as Record<string, unknown>;
    } catch {
      return;
    }
    if (message === null || typeof message !== "object") return;
    if (typeof message.method === "string" && message.params !== null && typeof message.params === "object") {
      const params = message.params as { result?: unknown; subscription?: unknown };
      if (typeof params.subscription !== "number") return;
      this.notifications++;
      const entry = this.active.get(params.subscription);
      if (entry) {
        this.options.onNotification?.(entry.subscription.kind);
        // Signature subscriptions end with their notification, as on Solana.
        if (
          entry.subscription.kind === "signature" &&
          params.result !== null &&
          typeof params.result === "object"
        ) {
          const value = (params.result as { value?: unknown }).value;
          if (value !== "receivedSignature") this.removeActive(params.subscription);
        }
        entry.listener(params.result);
      } else if (this.pending.size > 0) {
        const held = this.early.get(params.subscription) ?? [];
        held.push(params.result);
        this.early.set(params.subscription, held);
        if (this.early.size > EARLY_NOTIFICATIONS_MAX)
          this.early.delete(this.early.keys().next().value as number);
      }
      return;
    }
    const id = message.id;
    if (typeof id !== "number") return;
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (message.error !== undefined || typeof message.result !== "number") {
      const error = message.error as { message?: string } | undefined;
      pending.reject(
        upstreamError(
          "UPSTREAM_BAD_RESPONSE",
          `upstream refused ${SUBSCRIBE_METHOD[pending.entry.subscription.kind]}: ${error?.message ?? "no id"}`,
        ),
      );
      return;
    }
    const { entry } = pending;
    entry.subscription.upstreamId = message.result;
    entry.subscription.activeSinceMs = performance.now();
    this.addActive(message.result, entry);
    pending.resolve(entry.subscription);
    const held = this.early.get(message.result);
    if (held) {
      this.early.delete(message.result);
      for (const result of held) {
        if (this.active.get(message.result) !== entry) break;
        this.options.onNotification?.(entry.subscription.kind);
        if (
          entry.subscription.kind === "signature" &&
          (result as { value?: unknown })?.value !== "receivedSignature"
        )
          this.removeActive(message.result);
        entry.listener(result);
      }
    }
  }
}
