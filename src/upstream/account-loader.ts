// Loads accounts from the upstream node: getMultipleAccounts in base64, at most 100 addresses per call
// (Solana's limit), several calls sent as one JSON-RPC batch. Answers with the context slot each value
// was read at, which the cache's slot ordering needs.
import type { AccountView, Commitment } from "../server/rpc-backend.ts";
import { accountViewFromJson } from "./account-json.ts";
import { upstreamError } from "./errors.ts";
import { UPSTREAM_BATCH_CALLS_MAX, type UpstreamClient } from "./upstream-client.ts";

export const MULTIPLE_ACCOUNTS_MAX = 100;

export interface LoadedAccounts {
  /** Lowest context slot among the calls made (every value is at least this new). */
  slot: number;
  accounts: (AccountView | null)[];
}

export type LoadObserver = (durationSeconds: number, accounts: number) => void;

export class UpstreamAccountLoader {
  loads = 0;
  constructor(
    private readonly client: UpstreamClient,
    private readonly observe: LoadObserver = () => {},
  ) {}

  async load(
    addresses: readonly string[],
    commitment: Commitment,
    minContextSlot = 0,
  ): Promise<LoadedAccounts> {
    if (addresses.length === 0) return { slot: 0, accounts: [] };
    if (addresses.length > MULTIPLE_ACCOUNTS_MAX * UPSTREAM_BATCH_CALLS_MAX) {
      throw upstreamError("UPSTREAM_LIMIT", `cannot load ${addresses.length} accounts at once`);
    }
    const startedMs = performance.now();
    const config: Record<string, unknown> = { encoding: "base64", commitment };
    if (minContextSlot > 0) config.minContextSlot = minContextSlot;
    const calls = [];
    for (let start = 0; start < addresses.length; start += MULTIPLE_ACCOUNTS_MAX) {
      calls.push({
        method: "getMultipleAccounts",
        params: [addresses.slice(start, start + MULTIPLE_ACCOUNTS_MAX), config],
      });
    }
    this.loads++;
    const answers = await this.client.batch(calls);
    const accounts: (AccountView | null)[] = [];
    let slot = Number.MAX_SAFE_INTEGER;
    for (const answer of answers) {
      if (!answer.ok) throw answer.error;
      const { context, value } = answer.result as { context: { slot: number }; value: unknown[] };
      if (!Array.isArray(value))
        throw upstreamError("UPSTREAM_BAD_RESPONSE", "getMultipleAccounts value is not an array");
      slot = Math.min(slot, Number(context.slot));
      for (const item of value) accounts.push(accountViewFromJson(item));
    }
    if (accounts.length !== addresses.length) {
      throw upstreamError(
        "UPSTREAM_BAD_RESPONSE",
        `asked for ${addresses.length} accounts, got ${accounts.length}`,
      );
    }
    this.observe((performance.now() - startedMs) / 1000, addresses.length);
    return { slot, accounts };
  }
}
