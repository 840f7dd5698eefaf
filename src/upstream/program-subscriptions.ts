// programSubscribe on the upstream node for the configured market programs (upstream.market_programs):
// one subscription per program keeps every cached account that program owns coherent, instead of one
// accountSubscribe per account. Notifications (base64, processed) are decoded and handed on with their
// slot; the owner of each account seen (loaded or notified) is remembered, bounded, so the cache's feed
// knows which accounts a program subscription covers. After the connection is lost the subscriptions are
// made again (the cache forgets its values on a reset and reloads them once covered again).
import type { AccountView } from "../server/rpc-backend.ts";
import { accountViewFromJson } from "./account-json.ts";
import type { UpstreamPubsub, UpstreamSubscription } from "./upstream-pubsub.ts";

/** Wait before subscribing again to a program the node refused or did not answer. */
const RETRY_DELAY_MS = 1_000;

export type ProgramAccountNotification = (address: string, slot: number, account: AccountView) => void;

export class ProgramSubscriptions {
  failures = 0;
  notifications = 0;
  private readonly programs: ReadonlySet<string>;
  private readonly active = new Map<string, UpstreamSubscription>();
  /** Address → program, for accounts seen owned by a followed program (insertion order: oldest first). */
  private readonly owners = new Map<string, string>();
  private readonly ownersMax: number;
  private readonly pubsub: UpstreamPubsub;
  private readonly onNotification: ProgramAccountNotification;

  constructor(
    pubsub: UpstreamPubsub,
    programs: readonly string[],
    ownersMax: number,
    onNotification: ProgramAccountNotification,
  ) {
    this.pubsub = pubsub;
    this.programs = new Set(programs);
    this.ownersMax = Math.max(1, ownersMax);
    this.onNotification = onNotification;
    pubsub.onReset(() => {
      this.active.clear();
      void pubsub.whenConnected().then(() => this.start());
    });
  }

  get count(): number {
    return this.programs.size;
  }

  /**
   * Subscribes every program not subscribed yet, once connected; resolves once each was confirmed or
   * failed (a failed one is tried again after RETRY_DELAY_MS while connected).
   */
  async start(): Promise<void> {
    await this.pubsub.whenConnected();
    await Promise.all(
      [...this.programs].filter((program) => !this.active.has(program)).map((p) => this.subscribe(p)),
    );
  }

  /** Records the owner of an account seen; true when it is a followed program. */
  learn(address: string, owner: string | null): boolean {
    if (owner === null || !this.programs.has(owner)) {
      this.owners.delete(address);
      return false;
    }
    this.owners.delete(address);
    this.owners.set(address, owner);
    if (this.owners.size > this.ownersMax) this.owners.delete(this.owners.keys().next().value as string);
    return true;
  }

  /** True when the account is known owned by a followed program whose subscription is confirmed. */
  covers(address: string): boolean {
    const program = this.owners.get(address);
    return program !== undefined && this.active.has(program);
  }

  /** True when a program subscription covering the account was confirmed at or before `sinceMs`. */
  coversSince(address: string, sinceMs: number): boolean {
    const program = this.owners.get(address);
    if (program === undefined) return false;
    const subscription = this.active.get(program);
    return subscription !== undefined && subscription.activeSinceMs <= sinceMs;
  }

  private async subscribe(program: string): Promise<void> {
    try {
      const subscription = await this.pubsub.subscribe(
        "program",
        [program, { encoding: "base64", commitment: "processed" }],
        (result) => {
          const { context, value } = (result ?? {}) as {
            context?: { slot?: number };
            value?: { pubkey?: unknown; account?: unknown };
          };
          if (typeof value?.pubkey !== "string") return;
          let account: AccountView | null;
          try {
            account = accountViewFromJson(value.account ?? null);
          } catch {
            return;
          }
          if (account === null) return;
          this.notifications++;
          this.learn(value.pubkey, account.owner);
          this.onNotification(value.pubkey, Number(context?.slot ?? 0), account);
        },
      );
      this.active.set(program, subscription);
    } catch {
      this.failures++;
      setTimeout(() => {
        if (this.pubsub.isConnected && !this.active.has(program)) void this.subscribe(program);
      }, RETRY_DELAY_MS);
    }
  }
}
