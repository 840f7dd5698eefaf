// `outrider topology`: the machine as hwloc sees it (packages, cores, CPUs, NUMA nodes,
// caches) and the planned placement of every stage and ring for the configuration.
import { ConfigErrors } from "../../config/errors.ts";
import { nativeStatus, readTopology } from "../../native/index.ts";
import { formatTopology } from "../../native/topology-format.ts";
import { planStagePlacement } from "../../pipeline/placement-plan.ts";
import { parseCommandArgs } from "../args.ts";
import { CONFIG_OPTIONS, CONFIG_OPTIONS_HELP, resolveFromArgs } from "../config-options.ts";
import { EXIT_OK, EXIT_USAGE_ERROR } from "../exit.ts";

export const HELP = `usage: outrider topology [--json] [options]

Prints the machine topology (from hwloc when the native helper is available, else
from /sys or the runtime, and says which) and where 'outrider run' would place each
stage with this configuration: layout.verify_workers, layout.affinity and
layout.reserved_cpus (CPUs the validator uses; their whole cores are avoided).

  --json                 print as JSON

${CONFIG_OPTIONS_HELP}`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { ...CONFIG_OPTIONS, json: { type: "boolean" } }, "topology");
  if (values.help) {
    console.log(HELP);
    return EXIT_OK;
  }
  let config: ReturnType<typeof resolveFromArgs>["config"];
  try {
    config = resolveFromArgs(values).config;
  } catch (error) {
    if (!(error instanceof ConfigErrors)) throw error;
    for (const each of error.errors) console.error(`error: ${each.message}`);
    return EXIT_USAGE_ERROR;
  }
  const topology = readTopology();
  const plan = planStagePlacement(config, topology);
  if (values.json) {
    console.log(JSON.stringify({ topology, native: nativeStatus(), ...plan }, null, 2));
    return EXIT_OK;
  }
  console.log(formatTopology(topology));
  console.log("");
  console.log(
    `planned placement (verify workers: ${plan.verifyWorkers}, affinity: ${config.layout.affinity}):`,
  );
  for (const entry of plan.placement) {
    const instance = entry.stage === "verify" ? `verify#${entry.index}` : entry.stage;
    console.log(`  ${instance.padEnd(12)} ${entry.cpu === null ? "unpinned" : `cpu ${entry.cpu}`}`);
  }
  console.log("");
  console.log("rings (producer_consumer, depth, words per entry):");
  for (const ring of plan.rings) {
    console.log(
      `  ${ring.name.padEnd(20)} ${String(ring.depth).padStart(7)}  ${ring.wordsPerEntry}  [${ring.entry.join(", ")}]`,
    );
  }
  return EXIT_OK;
}
