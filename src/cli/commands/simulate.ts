// `outrider simulate`: the measuring instrument. Starts the companion per profile, drives a seeded
// trading workload from a separate load-client process, and reports landed transactions/s, latency,
// drops, cache hit rates, batching, CPU per stage, memory and GC — with ratios trading ÷ baseline
// when both profiles run (A B A B). `outrider simulate __client` is the load client's own entry
// (spawned by the command itself, not for users).
import { runLoadClientProcess } from "../../simulate/load-client-main.ts";
import { parseSimulateOptions, SIMULATE_HELP, SIMULATE_OPTIONS } from "../../simulate/options.ts";
import { runSimulation } from "../../simulate/simulation.ts";
import { parseCommandArgs } from "../args.ts";
import { EXIT_OK, EXIT_RUNTIME_ERROR } from "../exit.ts";

export const HELP = SIMULATE_HELP;

export async function run(argv: string[]): Promise<number> {
  if (argv[0] === "__client") return await runLoadClientProcess();
  const { values } = parseCommandArgs(argv, SIMULATE_OPTIONS, "simulate");
  if (values.help) {
    console.log(HELP);
    return EXIT_OK;
  }
  const options = parseSimulateOptions(values);
  const report = await runSimulation(options, argv);
  return report.verdict.pass ? EXIT_OK : EXIT_RUNTIME_ERROR;
}
