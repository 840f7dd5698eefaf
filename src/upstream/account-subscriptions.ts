// accountSubscribe on the upstream node, one subscription per account however many want it: PubSub
// clients of Outrider (so their accountSubscribe keeps working in front of a node) and the account
// cache (so a cached value stays coherent). Each holder is a bit; the subscription lives while any
// bit is set. Notifications (base64, processed) are decoded and handed on with their slot. After the
// connection is lost, subscriptions held for clients are made again; the cache's are not (it forgets
// its values on a reset and subscribes again as accounts are loaded).
import type { AccountView } from "../server/rpc-backend.ts";
import { accountViewFromJson } from "./account-json.ts";
import type { UpstreamPubsub, UpstreamSubscription } from "./upstream-pubsub.ts";

export const HOLDER_CLIENT = 1;
export const HOLDER_CACHE = 2;

export type AccountNotification = (
  address: string,
  slot: number,
  account: AccountView | null,
  /** HOLDER_* bits holding the subscription when the notification came. */
  holders: number,
) => void;

interface Entry {
  holders: number;
  subscription: UpstreamSubscription | null;
  pending: Promise<boolean> | null;
}

export class AccountSubscriptions {
  failures = 0;
  private readonly entries = new Map<string, Entry>();
  private readonly pubsub: UpstreamPubsub;
  private readonly onNotification: AccountNotification;

  constructor(pubsub: UpstreamPubsub, onNotification: AccountNotification) {
    this.pubsub = pubsub;
    this.onNotification = onNotification;
    pubsub.onReset(() => {
      for (const [address, entry] of this.entries) {
        entry.subscription = null;
        entry.pending = null;
        entry.holders &= ~HOLDER_CACHE;
        if (entry.holders === 0) this.entries.delete(address);
      }
      void pubsub.whenConnected().then(() => {
        for (const [address, entry] of this.entries)
          if (entry.holders & HOLDER_CLIENT) void this.ensure(address, entry);
      });
    });
  }

  get size(): number {
    return this.entries.size;
  }

  /** True when the upstream confirmed the subscription at or before `sinceMs` (performance.now()). */
  activeSince(address: string, sinceMs: number): boolean {
    const subscription = this.entries.get(address)?.subscription;
    return subscription !== null && subscription !== undefined && subscription.activeSinceMs <= sinceMs;
  }

  isActive(address: string): boolean {
    return this.entries.get(address)?.subscription != null;
  }

  /** Adds a holder; resolves true once the account's subscription is confirmed, false if it failed. */
  hold(address: string, holder: number): Promise<boolean> {
    let entry = this.entries.get(address);
    if (!entry) {
      entry = { holders: 0, subscription: null, pending: null };
      this.entries.set(address, entry);
    }
    entry.holders |= holder;
    return this.ensure(address, entry);
  }

  /** Removes a holder; the subscription ends with the last one. */
  release(address: string, holder: number): void {
    const entry = this.entries.get(address);
    if (!entry) return;
    entry.holders &= ~holder;
    if (entry.holders !== 0) return;
    this.entries.delete(address);
    if (entry.subscription) this.pubsub.unsubscribe(entry.subscription);
  }

  private ensure(address: string, entry: Entry): Promise<boolean> {
    if (entry.subscription) return Promise.resolve(true);
    if (entry.pending) return entry.pending;
    const pending = this.pubsub
      .subscribe("account", [address, { encoding: "base64", commitment: "processed" }], (result) => {
        if (this.entries.get(address) !== entry) return;
        const { context, value } = (result ?? {}) as { context?: { slot?: number }; value?: unknown };
        let account: AccountView | null;
        try {
          account = accountViewFromJson(value ?? null);
        } catch {
          return;
        }
        // A closed account is reported with 0 lamports; getAccountInfo shows it as null.
        if (account !== null && account.lamports === 0n) account = null;
        this.onNotification(address, Number(context?.slot ?? 0), account, entry.holders);
      })
      .then(
        (subscription) => {
          if (this.entries.get(address) !== entry || entry.pending !== pending) {
            this.pubsub.unsubscribe(subscription);
            return false;
          }
          entry.subscription = subscription;
          entry.pending = null;
          return true;
        },
        () => {
          this.failures++;
          if (entry.pending === pending) entry.pending = null;
          return false;
        },
      );
    entry.pending = pending;
    return pending;
  }
}
