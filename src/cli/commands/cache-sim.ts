// `outrider cache sim`: replays an account access trace through Outrider's account cache policy,
// plain LRU and Bélády's optimal, and prints their hit ratios as one JSON object.
import { readAccessTrace } from "../../accounts/access-trace.ts";
import { type SimulationCapacity, simulateCachePolicies } from "../../accounts/cache-simulation.ts";
import { isOutriderError } from "../../errors.ts";
import { parseCommandArgs } from "../args.ts";
import { EXIT_OK, EXIT_USAGE_ERROR, usageError } from "../exit.ts";

export const HELP = `usage: outrider cache sim --trace FILE --capacity N[KB|MB|GB]

Replays an account access trace and prints the hit ratio of Outrider's account cache
(W-TinyLFU with an adaptive window), plain LRU (lru-cache) and Bélády's optimal:
  {"accesses": …, "capacity": …, "policies": {"outrider": r, "lru": r, "optimal": r}, …}

  --trace FILE      one base58 account address per line, optionally followed by a space
                    and the account's data size in bytes; blank lines and # lines ignored
  --capacity N      cache of N entries (sizes ignored), or with a KB/MB/GB suffix
                    (1 KB = 1024 bytes) a cache of that many bytes, each entry weighing its
                    data size plus a fixed overhead
  --quiet           no progress on stderr
A bad trace line is an error naming the line (exit 2).`;

const CAPACITY_PATTERN = /^([0-9]+)(KB|MB|GB)?$/i;
const UNIT_BYTES: Record<string, number> = { KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };
const CAPACITY_ENTRIES_MAX = 1 << 26;

export function parseCapacity(text: string): SimulationCapacity {
  const match = CAPACITY_PATTERN.exec(text.trim());
  if (!match) throw usageError(`cache sim: --capacity '${text}' is not N, NKB, NMB or NGB`);
  const amount = Number(match[1]);
  if (!match[2]) {
    if (amount < 1 || amount > CAPACITY_ENTRIES_MAX)
      throw usageError(`cache sim: --capacity must be 1..${CAPACITY_ENTRIES_MAX} entries`);
    return { unit: "entries", value: amount };
  }
  const bytes = amount * UNIT_BYTES[match[2].toUpperCase()];
  if (bytes < 1 || !Number.isSafeInteger(bytes) || bytes > 1024 ** 4)
    throw usageError("cache sim: --capacity in bytes must be 1 B..1024 GB");
  return { unit: "bytes", value: bytes };
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    { trace: { type: "string" }, capacity: { type: "string" }, quiet: { type: "boolean" } },
    "cache sim",
  );
  if (values.help) {
    console.log(HELP);
    return EXIT_OK;
  }
  if (typeof values.trace !== "string") throw usageError("cache sim: --trace FILE is required");
  if (typeof values.capacity !== "string") throw usageError("cache sim: --capacity N is required");
  const capacity = parseCapacity(values.capacity);
  let trace: Awaited<ReturnType<typeof readAccessTrace>>;
  try {
    trace = await readAccessTrace(values.trace);
  } catch (error) {
    if (!isOutriderError(error)) throw error;
    console.error(`error: ${error.message}`);
    return EXIT_USAGE_ERROR;
  }
  const quiet = values.quiet === true;
  const result = simulateCachePolicies(
    trace,
    capacity,
    quiet
      ? undefined
      : (policy, done, total) => console.error(`cache sim: ${policy} ${done}/${total} accesses`),
  );
  console.log(JSON.stringify(result));
  return EXIT_OK;
}
