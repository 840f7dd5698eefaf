// Writes bench/results/SUMMARY.md from the JSON that `make bench` left in bench/results/: the machine,
// each bench's status and its headline ratios (every numeric field named like "ratio", as each bench
// reports them against its own same-run baseline), and the simulation's trading ÷ baseline figures.
// `--machine` prints the machine description (machine.json) instead.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { machineInfo } from "../src/simulate/simulation.ts";

function gitCommit(): string {
  const result = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { stdout: "pipe", stderr: "ignore" });
  return result.exitCode === 0 ? result.stdout.toString().trim() : "unknown";
}

if (process.argv[2] === "--machine") {
  console.log(
    JSON.stringify(
      { ...machineInfo(), commit: gitCommit(), date: new Date().toISOString(), loadAverage: loadavg() },
      null,
      2,
    ),
  );
  process.exit(0);
}

const dir = process.argv[2] ?? "bench/results";
const read = (file: string) => JSON.parse(readFileSync(join(dir, file), "utf8"));

/** Numeric leaves whose path names a ratio, as "path: value". */
function ratios(value: unknown, path: string[] = [], out: string[] = []): string[] {
  if (typeof value === "number" && path.some((part) => /ratio|speedup|×/i.test(part)))
    out.push(`${path.join(".")}: ${Number.isInteger(value) ? value : value.toFixed(3)}`);
  else if (Array.isArray(value)) {
    for (const [index, each] of value.entries()) ratios(each, [...path, String(index)], out);
  } else if (value !== null && typeof value === "object")
    for (const [key, each] of Object.entries(value)) ratios(each, [...path, key], out);
  return out;
}

const lines: string[] = ["# Benchmark summary", ""];
lines.push(
  "Written by `make bench` (scripts/bench.sh, scripts/bench-summary.ts); the JSON it summarizes is in",
);
lines.push(
  "bench/results/ (not committed). Ratios are against each bench's own baseline measured in the same run;",
);
lines.push("these 2-core machines are shared and noisy, so compare ratios, not absolute times.");
lines.push("");
if (existsSync(join(dir, "machine.json"))) {
  const machine = read("machine.json");
  lines.push(
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${(machine.memoryBytes / 1024 ** 3).toFixed(1)} GiB, ${machine.kernel}, Bun ${machine.bun}, outrider ${machine.outrider} (${machine.commit}), ${machine.date}, load average ${machine.loadAverage.map((each: number) => each.toFixed(2)).join(" ")}.`,
  );
  lines.push("");
}
lines.push("| bench | status | seconds | headline ratios |", "|---|---|---|---|");
const statuses = readdirSync(dir)
  .filter((file) => file.endsWith(".status.json"))
  .sort();
for (const file of statuses) {
  const status = read(file);
  const resultFile = `${status.bench}.json`;
  let headline = "";
  if (status.bench === "simulate-steady" && existsSync(join(dir, resultFile))) {
    const report = read(resultFile);
    const b = report.profiles.baseline;
    const t = report.profiles.trading;
    headline = `landed tx/s ${b.landedTps} → ${t.landedTps} (${report.ratios.landedTps}×, rounds ${report.ratios.spread.landedTps.min}–${report.ratios.spread.landedTps.max}); p99 ${b.latencyMs.p99} → ${t.latencyMs.p99} ms (${report.ratios.latencyP99}×, rounds ${report.ratios.spread.latencyP99.min}–${report.ratios.spread.latencyP99.max}); trading flags on: ${t.flagsOn.join(", ") || "none"}; verdict ${report.verdict.pass ? "PASS" : "FAIL"}`;
  } else if (existsSync(join(dir, resultFile))) {
    const found = ratios(read(resultFile));
    headline = found.length === 0 ? "(no ratio fields; see the JSON)" : found.slice(0, 6).join("; ");
    if (found.length > 6) headline += `; +${found.length - 6} more`;
  }
  lines.push(
    `| ${status.bench} | ${status.ok ? "ok" : "FAILED"} | ${status.seconds} | ${headline.replaceAll("|", "/")} |`,
  );
}
lines.push("");
lines.push(
  "The simulation: `outrider simulate --scenario steady --profile both` (see docs/SIMULATE.md); its plot is",
);
lines.push(
  "bench/results/simulate-steady.svg. Current figures with their commands are kept in docs/PERFORMANCE.md.",
);
console.log(lines.join("\n"));
