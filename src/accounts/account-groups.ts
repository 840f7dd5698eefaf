// Market-aware groups of accounts: a market and the accounts trading on it reads with it — its book
// sides, event queue (request queue, oracles) named in its own bytes, users' open-orders accounts
// (which name their market), and accounts that transactions lock together with the market (learned
// from lock sets: a transaction touching a market usually touches the trader's token accounts too).
// The cache uses groups to load a market's accounts together when one of them is touched.
// Bounded: groups, members per group (co-access members are replaced oldest first).
import type { AccountView } from "../server/rpc-backend.ts";
import { marketRelationsOf } from "./market-layouts.ts";

export interface AccountGroup {
  readonly market: string;
  /** Accounts the market's bytes name (stable while the market exists). */
  readonly named: Set<string>;
  /** Open-orders accounts and accounts locked together with the market (most recent last). */
  readonly learned: Set<string>;
  /** performance.now() of the last group prefetch (so a hot market is not prefetched on every read). */
  prefetchedAtMs: number;
}

export interface AccountGroupsOptions {
  groupsMax?: number;
  learnedMembersMax?: number;
}

export const GROUPS_MAX_DEFAULT = 4096;
export const LEARNED_MEMBERS_MAX_DEFAULT = 64;

export class AccountGroups {
  private readonly groups = new Map<string, AccountGroup>();
  /** Member (or market) address → its group. */
  private readonly memberOf = new Map<string, AccountGroup>();
  private readonly groupsMax: number;
  private readonly learnedMembersMax: number;

  constructor(options: AccountGroupsOptions = {}) {
    this.groupsMax = options.groupsMax ?? GROUPS_MAX_DEFAULT;
    this.learnedMembersMax = options.learnedMembersMax ?? LEARNED_MEMBERS_MAX_DEFAULT;
  }

  get size(): number {
    return this.groups.size;
  }

  /** The group an account belongs to (as market or member), if any. */
  groupOf(address: string): AccountGroup | undefined {
    return this.memberOf.get(address);
  }

  /** Every account of a group, the market first. */
  accountsOf(group: AccountGroup): string[] {
    return [group.market, ...group.named, ...group.learned];
  }

  /**
   * Learns from an account's value: a market names its members; an open-orders account joins its
   * market's group. Returns the group it changed, if any.
   */
  learnFromValue(address: string, view: AccountView | null): AccountGroup | undefined {
    if (view === null) return undefined;
    const relations = marketRelationsOf(view.owner, view.data);
    if (relations === null) return undefined;
    if (relations.market !== null) {
      const group = this.groupFor(relations.market);
      this.addLearned(group, address);
      return group;
    }
    const group = this.groupFor(address);
    for (const member of relations.members) {
      if (group.named.has(member)) continue;
      group.named.add(member);
      group.learned.delete(member);
      this.memberOf.set(member, group);
    }
    return group;
  }

  /**
   * Learns from a transaction's lock set: when it touches a known group, the other accounts it locks
   * (programs excluded by the caller) join that group. Returns the group, if any.
   */
  learnCoAccess(addresses: readonly string[]): AccountGroup | undefined {
    let group: AccountGroup | undefined;
    for (const address of addresses) {
      group = this.memberOf.get(address);
      if (group !== undefined) break;
    }
    if (group === undefined) return undefined;
    for (const address of addresses) {
      if (address === group.market || group.named.has(address)) continue;
      const other = this.memberOf.get(address);
      if (other !== undefined && other !== group) continue; // belongs to another market already
      this.addLearned(group, address);
    }
    return group;
  }

  private groupFor(market: string): AccountGroup {
    let group = this.groups.get(market);
    if (group !== undefined) return group;
    group = { market, named: new Set(), learned: new Set(), prefetchedAtMs: Number.NEGATIVE_INFINITY };
    this.groups.set(market, group);
    this.memberOf.set(market, group);
    if (this.groups.size > this.groupsMax) this.dropGroup(this.groups.values().next().value as AccountGroup);
    return group;
  }

  private addLearned(group: AccountGroup, address: string): void {
    if (group.learned.has(address)) group.learned.delete(address);
    group.learned.add(address);
    this.memberOf.set(address, group);
    if (group.learned.size > this.learnedMembersMax) {
      const oldest = group.learned.values().next().value as string;
      group.learned.delete(oldest);
      if (this.memberOf.get(oldest) === group) this.memberOf.delete(oldest);
    }
  }

  private dropGroup(group: AccountGroup): void {
    this.groups.delete(group.market);
    for (const address of [group.market, ...group.named, ...group.learned]) {
      if (this.memberOf.get(address) === group) this.memberOf.delete(address);
    }
  }
}
