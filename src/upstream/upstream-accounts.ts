// The trading account cache as the upstream tile runs it (enable_trading_cache): CachedAccounts loading
// from the node and kept coherent by its account notifications, market-aware groups (learned from
// market layouts and from transactions' lock sets), prefetch (a transaction's accounts when it enters
// the bank stage or is hinted earlier by verify, a market's group when one of its accounts is read,
// configured markets and the saved hot set at start), the access trace and the hot set on disk.
import { AccountGroups } from "../accounts/account-groups.ts";
import type { ChainSlots } from "../accounts/cached-accounts.ts";
import {
  type AccountChangeFeed,
  type AccountLoadSource,
  CachedAccounts,
  PREFETCH_MARKET,
  PREFETCH_TRANSACTION,
  PREFETCH_VERIFY,
  PREFETCH_WARM,
} from "../accounts/cached-accounts.ts";
import { PrefetchHintReader, type PrefetchHintsDescriptor } from "../accounts/prefetch-hints.ts";
import { TraceRecorder } from "../accounts/trace-recorder.ts";
import { readWarmSet, writeWarmSet } from "../accounts/warm-set.ts";
import type { OutriderConfig } from "../config/schema.ts";
import type { AccountView, Commitment } from "../server/rpc-backend.ts";
import { base58Encode } from "../tx/base58.ts";

/** A market's group is prefetched at most this often when its accounts are read. */
export const GROUP_PREFETCH_INTERVAL_MS = 1_000;
/** Hints taken from the verify rings per drain. */
const HINTS_PER_DRAIN_MAX = 4096;

export interface UpstreamAccountsOptions {
  config: OutriderConfig;
  loader: AccountLoadSource;
  feed: AccountChangeFeed;
  follower: ChainSlots;
  hints?: PrefetchHintsDescriptor[];
  log: (level: "info" | "warn", message: string, fields?: Record<string, unknown>) => void;
  /** Every loaded value (its owner tells which program subscription covers it). */
  onLoaded?: (address: string, view: AccountView | null) => void;
}

export class UpstreamAccounts {
  readonly cached: CachedAccounts;
  readonly groups = new AccountGroups();
  private readonly options: UpstreamAccountsOptions;
  private readonly trace: TraceRecorder | null;
  private readonly hintReaders: PrefetchHintReader[];
  private readonly hinted: string[] = [];
  private readonly prefetchEnabled: boolean;

  constructor(options: UpstreamAccountsOptions) {
    this.options = options;
    const accounts = options.config.accounts;
    this.prefetchEnabled = accounts.prefetch;
    this.trace = accounts.cache_trace_file !== "" ? new TraceRecorder(accounts.cache_trace_file) : null;
    const trace = this.trace;
    this.hintReaders = (options.hints ?? []).map((descriptor) => new PrefetchHintReader(descriptor));
    this.cached = new CachedAccounts({
      capacityBytes: accounts.cache_bytes_max,
      entriesMax: accounts.cache_entries_max,
      source: options.loader,
      feed: options.feed,
      chain: options.follower,
      onAccess: trace ? (address, dataBytes) => trace.record(address, 0, dataBytes) : undefined,
      onLoaded: (address, view) => {
        options.onLoaded?.(address, view);
        this.learn(address, view);
      },
    });
  }

  /** Warm start: the saved hot set and the configured markets (their groups follow as they load). */
  async warm(): Promise<void> {
    const accounts = this.options.config.accounts;
    if (accounts.markets.length > 0) {
      const count = await this.cached.prefetchFollowed(accounts.markets, PREFETCH_MARKET);
      this.options.log("info", "account cache: configured markets loading", { markets: count });
    }
    if (accounts.cache_warm_file !== "") {
      const warm = await readWarmSet(accounts.cache_warm_file);
      const count = await this.cached.prefetchFollowed(warm.addresses, PREFETCH_WARM);
      this.options.log(
        warm.badLines > 0 ? "warn" : "info",
        "account cache: warm start from the saved hot set",
        {
          file: accounts.cache_warm_file,
          accounts: count,
          badLines: warm.badLines,
        },
      );
    }
  }

  /** Shutdown: the hot set to disk, the trace closed. */
  async stop(): Promise<void> {
    const file = this.options.config.accounts.cache_warm_file;
    if (file !== "") {
      try {
        const written = await writeWarmSet(file, this.cached);
        this.options.log("info", "account cache: hot set saved", { file, accounts: written });
      } catch (error) {
        this.options.log("warn", "account cache: hot set not saved", { file, error: String(error) });
      }
    }
    await this.trace?.close();
  }

  /** An RPC read; a read touching a market's group prefetches the rest of the group. */
  async read(addresses: readonly string[], commitment: Commitment) {
    const answer = await this.cached.read(addresses, commitment);
    if (this.prefetchEnabled) {
      const nowMs = performance.now();
      for (const address of addresses) {
        const group = this.groups.groupOf(address);
        if (group === undefined || nowMs - group.prefetchedAtMs < GROUP_PREFETCH_INTERVAL_MS) continue;
        group.prefetchedAtMs = nowMs;
        this.cached.prefetch(this.groups.accountsOf(group), PREFETCH_MARKET);
      }
    }
    return answer;
  }

  /**
   * A transaction entering the bank stage: the accounts it locks (programs excluded) join the group of
   * a market they touch, and are loaded if not cached.
   */
  onTransactionLocks(addresses: readonly string[]): void {
    this.groups.learnCoAccess(addresses);
    if (this.prefetchEnabled) this.cached.prefetch(addresses, PREFETCH_TRANSACTION);
  }

  /** Takes the lock-set hints verify offered and prefetches them; returns how many. */
  drainHints(): number {
    if (this.hintReaders.length === 0) return 0;
    const hinted = this.hinted;
    hinted.length = 0;
    for (const reader of this.hintReaders) {
      reader.drain((bytes, offset) => hinted.push(base58Encode(bytes, offset, 32)), HINTS_PER_DRAIN_MAX);
    }
    if (hinted.length > 0 && this.prefetchEnabled) this.cached.prefetch(hinted, PREFETCH_VERIFY);
    return hinted.length;
  }

  private learn(address: string, view: AccountView | null): void {
    const group = this.groups.learnFromValue(address, view);
    // A market just learned: load its book sides and queue with it.
    if (group !== undefined && group.market === address && this.prefetchEnabled) {
      group.prefetchedAtMs = performance.now();
      this.cached.prefetch(this.groups.accountsOf(group), PREFETCH_MARKET);
    }
  }
}
