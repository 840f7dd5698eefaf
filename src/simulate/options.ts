// The options of `outrider simulate`, their help text, and their resolution against the scenario's
// defaults into one SimulateOptions (usage mistakes are CLI usage errors: exit 2).
import type { OptionSpec, ParsedArgs } from "../cli/args.ts";
import { usageError } from "../cli/exit.ts";
import { type ProfileChoice, SCENARIO_NAMES, SCENARIOS, type Scenario } from "./scenarios.ts";
import { DEFAULT_SIM_WORKLOAD, type SimWorkloadConfig } from "./workload.ts";

/** 150 slots of 400 ms (a blockhash's life: by then every accepted transaction is decided) + margin. */
export const DRAIN_S_DEFAULT = 65;

export const SIMULATE_OPTIONS: OptionSpec = {
  scenario: { type: "string" },
  "duration-s": { type: "string" },
  rate: { type: "string" },
  profile: { type: "string" },
  seed: { type: "string" },
  json: { type: "string" },
  plot: { type: "string" },
  rounds: { type: "string" },
  bots: { type: "string" },
  markets: { type: "string" },
  "slot-ms": { type: "string" },
  "poll-ms": { type: "string" },
  "drain-s": { type: "string" },
  quiet: { type: "boolean" },
};

export const SIMULATE_HELP = `usage: outrider simulate [--scenario NAME] [--duration-s N] [--rate TPS]
                         [--profile baseline|trading|both] [--seed N] [--json FILE] [--plot FILE]

Runs an end-to-end trading scenario against a real companion ('outrider run', one per
profile, started and stopped here) with a seeded workload played by a separate load-client
process: signed SOL transfers, SPL token transfers among hot pools and cold accounts, and
memos, from simulated bots over UDP and JSON-RPC, with resubmissions, bursts and a share of
bad transactions. Reports landed transactions/s, latency from send to executed (p50, p90,
p99, max), drops by reason, cache hit rates, batch size, CPU per stage, RSS, allocation rate
and GC pauses; with --profile both, runs baseline and trading alternately (A B A B) and
prints trading ÷ baseline ratios with their spread. Exit 1 when the scenario's verdict fails.

scenarios (${SCENARIO_NAMES.join(", ")}):
${Object.values(SCENARIOS)
  .map(
    (scenario) =>
      `  ${scenario.name.padEnd(11)} ${scenario.summary}\n${" ".repeat(14)}(defaults: ${scenario.durationS} s, ${scenario.rateTps} tx/s, --profile ${scenario.profile})`,
  )
  .join("\n")}

options:
  --scenario NAME    one of the scenarios above (default steady)
  --duration-s N     seconds of offered load per run (the scenario's default)
  --rate TPS         distinct transactions offered per second outside bursts (the scenario's default)
  --profile P        baseline, trading, or both (A B A B) (the scenario's default)
  --rounds N         runs per profile with --profile both (default 2)
  --seed N           workload seed (default 1); the same seed gives the same workload
  --json FILE        write the report as JSON (format in docs/SIMULATE.md)
  --plot FILE        write an SVG of landed tx/s and p50/p99 latency over time per run
  --bots N           simulated bots (fee payers) (default ${DEFAULT_SIM_WORKLOAD.bots})
  --markets N        hot markets (pools) (default ${DEFAULT_SIM_WORKLOAD.markets})
  --slot-ms N        the companion's slot time (default ${DEFAULT_SIM_WORKLOAD.slotMs})
  --poll-ms N        getSignatureStatuses poll interval, the latency resolution (default 3)
  --drain-s N        after the last send, longest wait for every outcome and an idle companion
                     (default ${DRAIN_S_DEFAULT}: a blockhash's life, by which every accepted transaction is decided)
  --quiet            no live progress line`;

export interface SimulateOptions {
  scenario: Scenario;
  profiles: ("baseline" | "trading")[];
  rounds: number;
  workload: SimWorkloadConfig;
  jsonFile: string | undefined;
  plotFile: string | undefined;
  pollIntervalMs: number;
  drainMs: number;
  quiet: boolean;
}

function numberOption(
  values: ParsedArgs["values"],
  name: string,
  fallback: number,
  low: number,
  high: number,
  integer: boolean,
): number {
  const text = values[name];
  if (typeof text !== "string") return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < low || value > high || (integer && !Number.isInteger(value)))
    throw usageError(
      `simulate: --${name} must be ${integer ? "an integer" : "a number"} in ${low}..${high}, got '${text}'`,
    );
  return value;
}

export function parseSimulateOptions(values: ParsedArgs["values"]): SimulateOptions {
  const scenarioName = typeof values.scenario === "string" ? values.scenario : "steady";
  const scenario = SCENARIOS[scenarioName];
  if (scenario === undefined)
    throw usageError(`simulate: unknown scenario '${scenarioName}' (one of ${SCENARIO_NAMES.join(", ")})`);
  const profileText = typeof values.profile === "string" ? values.profile : scenario.profile;
  if (!["baseline", "trading", "both"].includes(profileText))
    throw usageError(`simulate: --profile must be baseline, trading or both, got '${profileText}'`);
  const profile = profileText as ProfileChoice;
  const durationS = numberOption(values, "duration-s", scenario.durationS, 1, 86_400, false);
  const rateTps = numberOption(values, "rate", scenario.rateTps, 1, 100_000, false);
  const rounds = numberOption(values, "rounds", profile === "both" ? 2 : 1, 1, 20, true);
  const workload: SimWorkloadConfig = {
    ...DEFAULT_SIM_WORKLOAD,
    ...scenario.workload,
    seed: numberOption(values, "seed", 1, 0, 2 ** 32 - 1, true),
    durationS,
    rateTps,
    bursts: scenario.bursts(durationS),
    bots: numberOption(values, "bots", DEFAULT_SIM_WORKLOAD.bots, 2, 4096, true),
    markets: numberOption(values, "markets", DEFAULT_SIM_WORKLOAD.markets, 2, 1024, true),
    slotMs: numberOption(values, "slot-ms", DEFAULT_SIM_WORKLOAD.slotMs, 10, 60_000, true),
  };
  return {
    scenario,
    profiles: profile === "both" ? ["baseline", "trading"] : [profile],
    rounds,
    workload,
    jsonFile: typeof values.json === "string" ? values.json : undefined,
    plotFile: typeof values.plot === "string" ? values.plot : undefined,
    pollIntervalMs: numberOption(values, "poll-ms", 3, 1, 1000, false),
    drainMs: numberOption(values, "drain-s", DRAIN_S_DEFAULT, 0, 600, false) * 1000,
    quiet: values.quiet === true,
  };
}
