// The cache's hot set on disk (accounts.cache_warm_file): written at shutdown, hottest first, in the
// trace format 'outrider cache sim' reads (one base58 address per line, a space, its data length);
// read at start so the cache is loaded before the first reads. A missing file is an empty set; a bad
// line is skipped and counted (a warm start is an optimisation, never a reason not to start).
import { base58DecodeInto } from "../tx/base58.ts";
import type { CachedAccounts } from "./cached-accounts.ts";

export const WARM_SET_ACCOUNTS_MAX = 65_536;

export interface WarmSet {
  addresses: string[];
  badLines: number;
}

export async function readWarmSet(path: string, accountsMax = WARM_SET_ACCOUNTS_MAX): Promise<WarmSet> {
  const file = Bun.file(path);
  if (!(await file.exists())) return { addresses: [], badLines: 0 };
  const scratch = new Uint8Array(32);
  const seen = new Set<string>();
  let badLines = 0;
  for (const raw of (await file.text()).split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const address = line.split(/\s+/)[0];
    if (base58DecodeInto(address, scratch) !== 32) {
      badLines++;
      continue;
    }
    seen.add(address);
    if (seen.size >= accountsMax) break;
  }
  return { addresses: [...seen], badLines };
}

/** Writes the cache's accounts, hottest first (at most accountsMax); returns how many. */
export async function writeWarmSet(
  path: string,
  cached: CachedAccounts,
  accountsMax = WARM_SET_ACCOUNTS_MAX,
): Promise<number> {
  const lines: string[] = [`# outrider account cache hot set, written ${new Date().toISOString()}`];
  cached.cache.forEachHottest((value) => {
    lines.push(`${value.address} ${value.dataBytes}`);
    return lines.length <= accountsMax;
  });
  await Bun.write(path, `${lines.join("\n")}\n`);
  return lines.length - 1;
}
