// The trading account cache in embedded mode (enable_trading_cache without --upstream): account reads
// (getAccountInfo, getMultipleAccounts, getBalance, account notifications) are answered from the cache,
// loaded from litesvm on a miss (about 30 µs an account through the kit types; a hit is well under
// 1 µs). Coherent with the bank's own writes: after each executed transaction the accounts it could
// write — its static writable keys, and the writable accounts it loads through address lookup tables,
// which the bank resolves from the tables it names (src/bank/lookup-writes.ts) — are marked written at
// the slot, so an older cached value never serves. What "through the cache" cannot mean here: litesvm loads the accounts a transaction executes
// with from its own store; the cache sits in front of reads, not of execution.
import type { AccountView, Commitment } from "../server/rpc-backend.ts";
import { CachedAccounts } from "./cached-accounts.ts";

/** What the cache needs of the embedded bank. */
export interface EmbeddedAccountSource {
  readonly slot: number;
  slotAt(commitment: Commitment): number;
  getAccount(address: string): AccountView | null;
}

export class EmbeddedAccounts {
  readonly cached: CachedAccounts;
  private readonly bank: EmbeddedAccountSource;

  constructor(bank: EmbeddedAccountSource, options: { capacityBytes: number; entriesMax: number }) {
    this.bank = bank;
    this.cached = new CachedAccounts({
      capacityBytes: options.capacityBytes,
      entriesMax: options.entriesMax,
      source: {
        load: async (addresses) => ({
          slot: bank.slot,
          accounts: addresses.map((address) => bank.getAccount(address)),
        }),
      },
      // Every write is reported by the bank tile itself as it executes, in its own thread.
      feed: { hold: async () => true, release: () => {}, activeSince: () => true },
      chain: { slotAt: () => bank.slot },
    });
  }

  /** Reads show the newest state whatever the commitment (as the embedded bank's own reads do). */
  async read(addresses: string[], commitment: Commitment) {
    const answer = await this.cached.read(addresses, "processed");
    return { slot: this.bank.slotAt(commitment), accounts: answer.accounts, fromCache: answer.fromCache };
  }

  /** Accounts written at `slot` (an executed transaction's writable keys, lookup-table ones included). */
  written(slot: number, addresses: readonly string[]): void {
    for (const address of addresses) this.cached.invalidate(address, slot);
  }
}
