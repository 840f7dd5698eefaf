// Follows the upstream node's chain: its slots (slotSubscribe, with a timed poll as a fallback), and on
// each new slot one batched JSON-RPC request for the newest blockhash, block height and the confirmed
// and finalized slots. Publishes them into the shared ChainState, so verify's blockhash-expiry check
// and every RPC answer see the upstream's chain, and reports slot events for PubSub subscribers.
import type { ChainState } from "../pipeline/chain-state.ts";
import type { ChainHead } from "../server/rpc-backend.ts";
import { base58DecodeInto } from "../tx/base58.ts";
import type { UpstreamClient } from "./upstream-client.ts";
import type { UpstreamPubsub, UpstreamSubscription } from "./upstream-pubsub.ts";

export interface SlotEventOut {
  slot: number;
  parent: number;
  confirmedSlot: number;
  root: number;
}

export interface ChainFollowerOptions {
  client: UpstreamClient;
  pubsub: UpstreamPubsub;
  chain: ChainState;
  /** Poll this often when no slot notification came (the WebSocket is down or silent). */
  pollIntervalMs: number;
  onSlot?: (event: SlotEventOut) => void;
  onError?: (message: string) => void;
}

/** Blockhashes remembered to avoid publishing one twice (the shared window holds 512). */
const PUBLISHED_HASHES_MAX = 1024;

export class ChainFollower {
  readonly head: ChainHead = { slot: 0, confirmedSlot: 0, finalizedSlot: 0 };
  blockHeight = 0;
  refreshes = 0;
  refreshFailures = 0;
  private failuresInARow = 0;
  private readonly options: ChainFollowerOptions;
  private readonly published = new Set<string>();
  private readonly hashBytes = new Uint8Array(32);
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  private lastNotificationMs = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private subscription: UpstreamSubscription | null = null;
  private stopped = false;

  constructor(options: ChainFollowerOptions) {
    this.options = options;
  }

  /** First refresh (so the chain state is filled before intake opens), then follow. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      if (performance.now() - this.lastNotificationMs >= this.options.pollIntervalMs) void this.refresh();
    }, this.options.pollIntervalMs);
    const subscribe = () => {
      if (this.stopped) return;
      this.options.pubsub
        .whenConnected()
        .then(() =>
          this.options.pubsub.subscribe("slot", [], (result) => {
            const slot = (result as { slot?: unknown })?.slot;
            if (typeof slot !== "number" || slot <= this.head.slot) return;
            this.lastNotificationMs = performance.now();
            void this.refresh();
          }),
        )
        .then((subscription) => {
          this.subscription = subscription;
        })
        .catch(() => setTimeout(subscribe, this.options.pollIntervalMs));
    };
    this.options.pubsub.onReset(() => {
      this.subscription = null;
      subscribe();
    });
    subscribe();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.subscription) this.options.pubsub.unsubscribe(this.subscription);
  }

  /** Newest slot at a commitment level, as last seen upstream. */
  slotAt(commitment: "processed" | "confirmed" | "finalized"): number {
    if (commitment === "processed") return this.head.slot;
    return commitment === "confirmed" ? this.head.confirmedSlot : this.head.finalizedSlot;
  }

  /** Coalesces: one refresh in flight; a request meanwhile runs one more afterwards. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = this.refreshOnce().finally(() => {
      this.refreshing = null;
      if (this.refreshAgain && !this.stopped) {
        this.refreshAgain = false;
        void this.refresh();
      }
    });
    return this.refreshing;
  }

  /** Adds a blockhash the upstream handed out (e.g. answering getLatestBlockhash) to the shared window. */
  publishBlockhash(blockhash: string, lastValidBlockHeight: number, slot: number): void {
    if (this.published.has(blockhash)) return;
    if (base58DecodeInto(blockhash, this.hashBytes) !== 32) return;
    this.published.add(blockhash);
    if (this.published.size > PUBLISHED_HASHES_MAX)
      this.published.delete(this.published.values().next().value as string);
    this.options.chain.publish(this.snapshot(), { hash: this.hashBytes, slot, lastValidBlockHeight });
  }

  private snapshot() {
    return {
      slot: this.head.slot,
      blockHeight: this.blockHeight,
      confirmedSlot: this.head.confirmedSlot,
      finalizedSlot: this.head.finalizedSlot,
    };
  }

  private async refreshOnce(): Promise<void> {
    this.refreshes++;
    const answers = await this.options.client.batch([
      { method: "getLatestBlockhash", params: [{ commitment: "processed" }] },
      { method: "getBlockHeight", params: [{ commitment: "processed" }] },
      { method: "getSlot", params: [{ commitment: "confirmed" }] },
      { method: "getSlot", params: [{ commitment: "finalized" }] },
    ]);
    const failed = answers.find((answer) => !answer.ok);
    if (failed && !failed.ok) {
      // Logged on the first failure of a run of them, then every 25th (a node down for long is not spam).
      if (this.failuresInARow++ % 25 === 0) {
        this.options.onError?.(
          `chain refresh failed (${this.failuresInARow} in a row): ${failed.error.message}`,
        );
      }
      this.refreshFailures++;
      return;
    }
    this.failuresInARow = 0;
    const values = answers.map((answer) => (answer.ok ? answer.result : null));
    const latest = values[0] as {
      context: { slot: number };
      value: { blockhash: string; lastValidBlockHeight: number };
    };
    const slot = Math.max(this.head.slot, Number(latest.context.slot));
    const previous = this.head.slot;
    this.blockHeight = Math.max(this.blockHeight, Number(values[1]));
    this.head.slot = slot;
    this.head.confirmedSlot = Math.max(this.head.confirmedSlot, Math.min(slot, Number(values[2])));
    this.head.finalizedSlot = Math.max(this.head.finalizedSlot, Math.min(slot, Number(values[3])));
    if (this.published.has(latest.value.blockhash)) this.options.chain.publish(this.snapshot());
    else
      this.publishBlockhash(
        latest.value.blockhash,
        Number(latest.value.lastValidBlockHeight),
        Number(latest.context.slot),
      );
    if (slot > previous) {
      this.options.onSlot?.({
        slot,
        parent: previous > 0 ? previous : Math.max(0, slot - 1),
        confirmedSlot: this.head.confirmedSlot,
        root: this.head.finalizedSlot,
      });
    }
  }
}
