// `outrider simulate` as a user runs it, kept short: both profiles on the steady scenario (JSON shape,
// sane numbers, the plot), and the restart scenario's accounting (kill -9 mid-run).
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runOutrider } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "outrider-simulate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SMALL = ["--bots", "16", "--markets", "8", "--drain-s", "5", "--seed", "7"];

interface LatencyMs {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function expectSaneLatency(latency: LatencyMs): void {
  expect(latency.p50).toBeGreaterThan(0);
  expect(latency.p50).toBeLessThanOrEqual(latency.p90);
  expect(latency.p90).toBeLessThanOrEqual(latency.p99);
  // Pooled quantiles are bucket upper bounds (≤ 5% above the sample); max is exact.
  expect(latency.p99).toBeLessThanOrEqual(latency.max * 1.05);
}

describe("outrider simulate", () => {
  test("--help lists the scenarios; usage mistakes exit 2 with a clear message", async () => {
    const help = await runOutrider(["simulate", "--help"]);
    expect(help.exitCode).toBe(0);
    for (const scenario of ["steady", "overload", "soak", "slot-drift", "restart"])
      expect(help.stdout).toContain(scenario);
    const unknown = await runOutrider(["simulate", "--scenario", "nope"]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("unknown scenario 'nope'");
    const profile = await runOutrider(["simulate", "--profile", "fast"]);
    expect(profile.exitCode).toBe(2);
    expect(profile.stderr).toContain("--profile must be baseline, trading or both");
    const rate = await runOutrider(["simulate", "--rate", "-5"]);
    expect(rate.exitCode).toBe(2);
    expect(rate.stderr).toContain("--rate");
  });

  test("steady, both profiles: progress, table, JSON report and plot", async () => {
    const jsonFile = join(dir, "steady.json");
    const plotFile = join(dir, "steady.svg");
    const result = await runOutrider([
      "simulate",
      "--scenario",
      "steady",
      "--profile",
      "both",
      "--rounds",
      "1",
      "--duration-s",
      "2",
      "--rate",
      "300",
      "--json",
      jsonFile,
      "--plot",
      plotFile,
      ...SMALL,
    ]);
    if (result.exitCode !== 0) console.error(result.stdout, result.stderr);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain("[baseline 1/1]");
    expect(result.stdout).toContain("trading ÷ baseline");
    expect(result.stdout).toContain("verdict (steady): PASS");
    const report = JSON.parse(readFileSync(jsonFile, "utf8"));
    expect(report.scenario).toBe("steady");
    expect(report.seed).toBe(7);
    expect(report.workload.transactions).toBeGreaterThan(300);
    expect(report.workload.priorityFeeLamports.meanToMedian).toBeGreaterThan(1);
    expect(report.workload.resubmission.transactionShare).toBeGreaterThan(0);
    for (const profile of ["baseline", "trading"]) {
      const summary = report.profiles[profile];
      expect(summary.landedTps).toBeGreaterThan(0);
      expectSaneLatency(summary.latencyMs);
      expect(typeof summary.drops).toBe("object");
      for (const count of Object.values(summary.drops)) expect(count).toBeGreaterThan(0);
      expect(summary.ledgerOk).toBe(true);
    }
    expect(report.ratios.landedTps).toBeGreaterThan(0);
    expect(report.ratios.latencyP99).toBeGreaterThan(0);
    expect(report.ratios.spread.landedTps.rounds.length).toBe(1);
    expect(report.runs.map((run: { profile: string }) => run.profile)).toEqual(["baseline", "trading"]);
    const svg = readFileSync(plotFile, "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("trading round 1");
  }, 90_000);
});

describe("outrider simulate --scenario restart", () => {
  test("kill -9 mid-run: acknowledged = landed + dropped + unknown, and nothing executes again", async () => {
    const jsonFile = join(dir, "restart.json");
    const result = await runOutrider([
      "simulate",
      "--scenario",
      "restart",
      // Long enough that after the kill (at half), the restart, re-setup and replay, new
      // transactions still have seconds to land on the restarted companion (4 s was flaky).
      "--duration-s",
      "10",
      "--rate",
      "250",
      "--json",
      jsonFile,
      "--quiet",
      ...SMALL,
    ]);
    if (result.exitCode !== 0) console.error(result.stdout, result.stderr);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("verdict (restart): PASS");
    const report = JSON.parse(readFileSync(jsonFile, "utf8"));
    expect(Object.keys(report.profiles)).toEqual(["trading"]);
    const [run] = report.runs;
    expect(run.restarts).toBe(1);
    const { acked, ackedOutcomes, restart } = run.client;
    expect(acked).toBeGreaterThan(0);
    expect(
      ackedOutcomes.landed + ackedOutcomes.executedWithError + ackedOutcomes.dropped + ackedOutcomes.unknown,
    ).toBe(acked);
    expect(ackedOutcomes.other).toBe(0);
    expect(restart.ackedBeforeCrash).toBeGreaterThan(0);
    expect(restart.replayed).toBeGreaterThanOrEqual(restart.ackedBeforeCrash);
    expect(restart.executedAfterRestart).toBe(0);
    expect(restart.executedTwice).toBe(0);
    expect(restart.landedAfterRestart).toBeGreaterThan(0);
    expect(run.client.ledger.ok).toBe(true);
  }, 90_000);
});
