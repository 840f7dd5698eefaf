// Follows the transactions the forwarder handed to the upstream until the upstream reports them
// executed: a signatureSubscribe (processed) per transaction, and a batched getSignatureStatuses poll
// for those whose subscription could not be made or whose notification is late. Reports each
// execution once (slot, err) — for PubSub signature subscribers, and so that the accounts the
// transaction wrote are known to have changed at that slot. Bounded in count and age.
import type { TransactionErrorJson } from "../bank/transaction-error.ts";
import type { UpstreamClient } from "./upstream-client.ts";
import type { UpstreamPubsub, UpstreamSubscription } from "./upstream-pubsub.ts";

export interface TrackedExecution<T> {
  signature: string;
  slot: number;
  err: TransactionErrorJson | null;
  /** What the caller attached when it started tracking (e.g. the accounts the transaction writes). */
  tag: T;
}

export interface SignatureTrackerOptions<T> {
  client: UpstreamClient;
  pubsub: UpstreamPubsub;
  /** Signatures followed at once; the oldest is given up beyond it. */
  trackedMax: number;
  /** A signature not executed after this long is given up (its blockhash has expired by then). */
  trackMs: number;
  /** Poll statuses of signatures older than this that have not been reported. */
  pollAfterMs: number;
  onExecuted: (execution: TrackedExecution<T>) => void;
}

interface Tracked<T> {
  signature: string;
  tag: T;
  sinceMs: number;
  subscription: UpstreamSubscription | null;
}

const STATUSES_PER_CALL_MAX = 256;

export class SignatureTracker<T> {
  executed = 0;
  givenUp = 0;
  private readonly options: SignatureTrackerOptions<T>;
  private readonly tracked = new Map<string, Tracked<T>>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private polling = false;

  constructor(options: SignatureTrackerOptions<T>) {
    this.options = options;
    this.timer = setInterval(() => void this.poll(), Math.max(20, Math.floor(options.pollAfterMs / 2)));
  }

  get size(): number {
    return this.tracked.size;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const entry of this.tracked.values())
      if (entry.subscription) this.options.pubsub.unsubscribe(entry.subscription);
    this.tracked.clear();
  }

  track(signature: string, tag: T): void {
    if (this.tracked.has(signature)) return;
    const entry: Tracked<T> = { signature, tag, sinceMs: performance.now(), subscription: null };
    this.tracked.set(signature, entry);
    while (this.tracked.size > this.options.trackedMax)
      this.giveUp(this.tracked.values().next().value as Tracked<T>);
    if (!this.options.pubsub.isConnected) return;
    this.options.pubsub
      .subscribe("signature", [signature, { commitment: "processed" }], (result) => {
        const { context, value } = (result ?? {}) as { context?: { slot?: number }; value?: unknown };
        if (value === "receivedSignature" || value === null || typeof value !== "object") return;
        this.report(
          signature,
          Number(context?.slot ?? 0),
          (value as { err?: TransactionErrorJson | null }).err ?? null,
        );
      })
      .then((subscription) => {
        if (this.tracked.get(signature) === entry) entry.subscription = subscription;
        else this.options.pubsub.unsubscribe(subscription);
      })
      .catch(() => {});
  }

  private report(signature: string, slot: number, err: TransactionErrorJson | null): void {
    const entry = this.tracked.get(signature);
    if (!entry) return;
    this.tracked.delete(signature);
    if (entry.subscription) this.options.pubsub.unsubscribe(entry.subscription);
    this.executed++;
    this.options.onExecuted({ signature, slot, err, tag: entry.tag });
  }

  private giveUp(entry: Tracked<T>): void {
    this.tracked.delete(entry.signature);
    if (entry.subscription) this.options.pubsub.unsubscribe(entry.subscription);
    this.givenUp++;
  }

  /** Statuses of late signatures, in batches of 256; gives up those past trackMs. */
  private async poll(): Promise<void> {
    if (this.polling || this.tracked.size === 0) return;
    this.polling = true;
    try {
      const now = performance.now();
      const late: string[] = [];
      for (const entry of this.tracked.values()) {
        if (now - entry.sinceMs >= this.options.trackMs) this.giveUp(entry);
        else if (now - entry.sinceMs >= this.options.pollAfterMs) late.push(entry.signature);
      }
      for (let start = 0; start < late.length; start += STATUSES_PER_CALL_MAX) {
        const chunk = late.slice(start, start + STATUSES_PER_CALL_MAX);
        let answer: { value: ({ slot: number; err: TransactionErrorJson | null } | null)[] };
        try {
          answer = await this.options.client.call("getSignatureStatuses", [chunk]);
        } catch {
          return;
        }
        chunk.forEach((signature, index) => {
          const status = answer.value[index];
          if (status) this.report(signature, Number(status.slot), status.err ?? null);
        });
      }
    } finally {
      this.polling = false;
    }
  }
}
