// The feature-flag registry: the five optimisation flags of DESIGN.md, each with
// its description, default, owning stage, and whether its feature is built yet.
// With every flag off Outrider is a plain, correct relay: the baseline.
import type { FlagKey } from "../config/schema.ts";

export interface FlagDefinition {
  /** Key in the [flags] section of a config file or profile. */
  key: FlagKey;
  /** Command-line form. */
  cli: string;
  /** Environment variable. */
  env: string;
  description: string;
  defaultEnabled: boolean;
  /** Stage(s) owning the feature, as folders of src/. */
  stages: string[];
  /** False until the feature is built; asking for it explicitly is then an error. */
  available: boolean;
  /** The issue that builds it, while unavailable. */
  pendingIssue?: number;
}

function flag(
  key: FlagKey,
  description: string,
  stages: string[],
  available: boolean,
  pendingIssue?: number,
) {
  const dashed = key.replaceAll("_", "-");
  return {
    key,
    cli: `--${dashed}`,
    env: `OUTRIDER_${key.toUpperCase()}`,
    description,
    defaultEnabled: false,
    stages,
    available,
    pendingIssue,
  } satisfies FlagDefinition;
}

export const FLAG_DEFINITIONS: readonly FlagDefinition[] = Object.freeze([
  flag(
    "enable_trading_cache",
    "trading account cache, prefetch, transaction template cache, signature-verification cache",
    ["accounts", "verify"],
    true,
  ),
  flag(
    "enable_adaptive_buffering",
    "adaptive packet buffer, priority queueing, dependency-aware batching",
    ["ingress", "schedule"],
    true,
  ),
  flag(
    "enable_fast_path",
    "fast path for simple transfers, trusted-source handling, minimal validation mode",
    ["verify", "bank"],
    false,
  ),
  flag(
    "enable_advanced_memory",
    "object pools, NUMA placement, CPU affinity, I/O priority, dynamic worker sizing",
    ["ring", "native"],
    false,
  ),
  flag(
    "enable_market_data",
    "order-book reconstruction, price aggregation, market query API",
    ["market", "server"],
    false,
  ),
]);

export function flagByKey(key: string): FlagDefinition | undefined {
  return FLAG_DEFINITIONS.find((definition) => definition.key === key);
}

export function flagByCli(cli: string): FlagDefinition | undefined {
  return FLAG_DEFINITIONS.find((definition) => definition.cli === cli);
}
