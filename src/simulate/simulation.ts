// `outrider simulate` end to end: generate the workload (and its statistics), run each profile —
// alternating A B A B over rounds when both run — with a live progress line on stderr, then pool the
// runs per profile, compute ratios and the scenario's verdict, print the table on stdout, and write the
// JSON report and the SVG plot when asked.
import { writeFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { OUTRIDER_VERSION } from "../version.ts";
import type { SimulateOptions } from "./options.ts";
import { renderPlot } from "./plot-svg.ts";
import { computeRatios, renderTable, type SimulationReport, summarizeProfile } from "./report.ts";
import { type RunResult, runOnce } from "./run-once.ts";
import { verdictFor } from "./verdicts.ts";
import { generateSimWorkload } from "./workload.ts";
import { workloadStats } from "./workload-stats.ts";

export function machineInfo(): Record<string, unknown> {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model ?? "unknown",
    cpus: processors.length,
    memoryBytes: totalmem(),
    kernel: `${process.platform} ${release()}`,
    bun: Bun.version,
    outrider: OUTRIDER_VERSION,
  };
}

function progressPrinter(quiet: boolean): { line(text: string): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let count = 0;
  let open = false;
  return {
    line(text: string) {
      if (quiet) return;
      if (tty) {
        process.stderr.write(`\r\x1b[2K${text.slice(0, (process.stderr.columns ?? 200) - 1)}`);
        open = true;
      } else if (count++ % 5 === 0) process.stderr.write(`${text}\n`);
    },
    done() {
      if (open) process.stderr.write("\n");
      open = false;
      count = 0;
    },
  };
}

export async function runSimulation(
  options: SimulateOptions,
  argv: string[] = [],
): Promise<SimulationReport> {
  const startedAt = new Date().toISOString();
  const stats = workloadStats(generateSimWorkload(options.workload));
  const progress = progressPrinter(options.quiet);
  const runs: RunResult[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const profile of options.profiles) {
      const label = `${profile} ${round}/${options.rounds}`;
      if (!options.quiet)
        process.stderr.write(`${label}: starting the companion and setting up the market\n`);
      const result = await runOnce({
        scenario: options.scenario.name,
        profile,
        round,
        label,
        workload: options.workload,
        companionArgs: options.scenario.companionArgs,
        restartAtMs:
          options.scenario.restartAtFraction === null
            ? null
            : options.scenario.restartAtFraction * options.workload.durationS * 1000,
        pollIntervalMs: options.pollIntervalMs,
        drainMs: options.drainMs,
        rpcConcurrency: 64,
        onProgress: (text) => progress.line(text),
      });
      progress.done();
      runs.push(result);
      if (!options.quiet)
        process.stderr.write(
          `${label}: landed ${result.landedTps.toFixed(0)} tx/s, p50 ${result.client.latencyMs.p50.toFixed(1)} ms, p99 ${result.client.latencyMs.p99.toFixed(1)} ms\n`,
        );
    }
  }
  const profiles = Object.fromEntries(
    options.profiles.map((profile) => [
      profile,
      summarizeProfile(runs.filter((run) => run.profile === profile)),
    ]),
  );
  const report: SimulationReport = {
    scenario: options.scenario.name,
    seed: options.workload.seed,
    command: ["outrider", "simulate", ...argv].join(" "),
    startedAt,
    machine: machineInfo(),
    durationSPerRun: options.workload.durationS,
    rounds: options.rounds,
    workload: stats,
    profiles,
    ratios: computeRatios(profiles, runs),
    verdict: verdictFor(options.scenario, runs, options.workload, stats),
    runs,
  };
  console.log(renderTable(report));
  if (options.jsonFile !== undefined) {
    writeFileSync(
      options.jsonFile,
      `${JSON.stringify(report, (_key, value) => (typeof value === "number" && !Number.isFinite(value) ? null : value), 2)}\n`,
    );
    console.log(`wrote ${options.jsonFile}`);
  }
  if (options.plotFile !== undefined) {
    writeFileSync(options.plotFile, renderPlot(report));
    console.log(`wrote ${options.plotFile}`);
  }
  return report;
}
