// What a SIGHUP reload may change in a running Outrider: the keys that apply live, and
// every other changed key, which is reported as needing a restart (never silently ignored).
import type { OutriderConfig } from "../../config/schema.ts";

/** Keys applied without a restart. Flags join this list as their features become available. */
export const LIVE_KEYS: readonly string[] = ["log.level", "log.format", "accounts.cache_bytes_max"];

function leaves(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value))
      leaves(child, prefix === "" ? key : `${prefix}.${key}`, out);
  } else {
    out.set(prefix, JSON.stringify(value));
  }
}

export function describeReload(
  running: OutriderConfig,
  next: OutriderConfig,
): { applied: string[]; needsRestart: string[]; unchanged: boolean } {
  const before = new Map<string, string>();
  const after = new Map<string, string>();
  leaves(running, "", before);
  leaves(next, "", after);
  const changed = [...after].filter(([key, value]) => before.get(key) !== value).map(([key]) => key);
  return {
    applied: changed.filter((key) => LIVE_KEYS.includes(key)),
    needsRestart: changed.filter((key) => !LIVE_KEYS.includes(key)),
    unchanged: changed.length === 0,
  };
}
