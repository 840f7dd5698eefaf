// Each scenario's verdict: the checks it must pass, from the runs' results. Common to all: every
// transaction acknowledged over JSON-RPC has a known outcome, the ledger reconciles (no transaction
// executed twice, none executed without its status), transactions land. Then per scenario: steady
// keeps up with the offered load (so does slot-drift, under late, early and skipped slots); overload
// holds its throughput, loses no UDP packet without a counted reason, and its latency recovers between
// bursts; soak's RSS and latency do not drift; restart accounts for every acknowledged transaction
// and none executes again after the crash.
import type { RunResult } from "./run-once.ts";
import type { Scenario } from "./scenarios.ts";
import { median } from "./stats.ts";
import type { SimWorkloadConfig } from "./workload.ts";
import type { WorkloadStats } from "./workload-stats.ts";

export interface VerdictCheck {
  name: string;
  pass: boolean;
  detail: string;
}

export interface Verdict {
  scenario: string;
  pass: boolean;
  checks: VerdictCheck[];
}

/** RSS may grow this much between the second and the last quarter of a soak (relative, plus absolute slack). */
export const SOAK_RSS_GROWTH_MAX = 0.15;
export const SOAK_RSS_SLACK_BYTES = 32 * 1048576;
/** Per-second p99 latency: last quarter vs second quarter. */
export const SOAK_LATENCY_GROWTH_MAX = 1.5;
export const SOAK_LATENCY_SLACK_MS = 5;
/** Overload: latency is judged in the last seconds of each calm gap of at least this length. */
export const RECOVERY_WINDOW_S = 2;
export const RECOVERY_GAP_MIN_S = 4;
/** Steady: landed ≥ this share of the good transactions offered. */
export const STEADY_KEEP_UP_SHARE = 0.7;

const label = (run: RunResult) => `${run.profile}#${run.round}`;

function everyRun(runs: RunResult[], name: string, test: (run: RunResult) => string | null): VerdictCheck {
  const failures = runs
    .map((run) => [label(run), test(run)] as const)
    .filter(([, failure]) => failure !== null);
  return {
    name,
    pass: failures.length === 0,
    detail:
      failures.length === 0
        ? `all ${runs.length} run(s)`
        : failures.map(([who, why]) => `${who}: ${why}`).join("; "),
  };
}

function quarterMedian(
  values: { at: number; value: number }[],
  fromShare: number,
  toShare: number,
  spanS: number,
): number {
  return median(
    values
      .filter(
        (each) => each.at >= fromShare * spanS && each.at < toShare * spanS && Number.isFinite(each.value),
      )
      .map((each) => each.value),
  );
}

export function verdictFor(
  scenario: Scenario,
  runs: RunResult[],
  workload: SimWorkloadConfig,
  stats: WorkloadStats,
): Verdict {
  const checks: VerdictCheck[] = [];
  const restart = scenario.restartAtFraction !== null;
  if (!restart)
    checks.push(
      everyRun(runs, "every acknowledged transaction has an outcome", (run) =>
        run.client.ackedOutcomes.unknown === 0 && run.client.ackedOutcomes.other === 0
          ? null
          : `${run.client.ackedOutcomes.unknown} acknowledged without an outcome` +
            ((run.client.ledger.companionInFlight ?? 0) > 0
              ? ` (the companion still held ${run.client.ledger.companionInFlight} undecided after the drain)`
              : ""),
      ),
    );
  checks.push(
    everyRun(runs, "ledger reconciles (none executed twice or without a status)", (run) => {
      const ledger = run.client.ledger;
      const busy = ledger.companionInFlight ?? 0;
      if (ledger.ok) return null;
      const example = `e.g. ${JSON.stringify(ledger.mismatches[0])}`;
      return busy > 0
        ? `not reconcilable: the companion still held ${busy} undecided transactions after the drain (${ledger.mismatches.length} account(s) differ, ${example}); a longer --drain-s lets it finish`
        : `${ledger.mismatches.length} account(s) differ, ${example}`;
    }),
  );
  checks.push(
    everyRun(runs, "transactions land", (run) => (run.client.landed > 0 ? null : "nothing landed")),
  );

  const goodShare =
    1 - (stats.badShares.bad_signature + stats.badShares.expired_blockhash + stats.badShares.no_funds);
  if (scenario.name === "steady" || scenario.name === "slot-drift")
    checks.push(
      everyRun(runs, `keeps up (landed ≥ ${STEADY_KEEP_UP_SHARE * 100}% of good offered)`, (run) => {
        const offered = (run.client.sent / run.durationS) * goodShare;
        return run.landedTps >= STEADY_KEEP_UP_SHARE * offered
          ? null
          : `landed ${run.landedTps.toFixed(0)}/s of ${offered.toFixed(0)}/s good offered`;
      }),
    );

  if (scenario.name === "overload") {
    checks.push(
      everyRun(
        runs,
        `throughput holds (landed ≥ ${STEADY_KEEP_UP_SHARE * 100}% of the good base rate)`,
        (run) => {
          const base = workload.rateTps * goodShare;
          return run.landedTps >= STEADY_KEEP_UP_SHARE * base
            ? null
            : `landed ${run.landedTps.toFixed(0)}/s, good base rate ${base.toFixed(0)}/s`;
        },
      ),
    );
    checks.push(
      everyRun(runs, "no UDP transaction lost without a counted reason", (run) => {
        const counted =
          (run.server.udpKernelDrops ?? 0) +
          Object.entries(run.server.drops)
            .filter(([key]) => key.startsWith("ingress:"))
            .reduce((sum, [, count]) => sum + count, 0);
        return run.client.unresolved.udp <= counted
          ? null
          : `${run.client.unresolved.udp} UDP transactions without an outcome, ${counted} counted drops (kernel + ingress)`;
      }),
    );
    checks.push(
      everyRun(
        runs,
        `latency recovers between bursts (p99 of each gap's last ${RECOVERY_WINDOW_S} s ≤ 3× the calm start + 50 ms)`,
        (run) => {
          const bySecond = new Map(run.client.seconds.map((second) => [second.second, second.latencyMsP99]));
          const startP99 = median(
            [...Array(Math.floor(workload.bursts?.offsetS ?? 0)).keys()]
              .map((second) => bySecond.get(second) ?? Number.NaN)
              .filter(Number.isFinite),
          );
          const recovered = recoveryWindows(workload).flatMap((seconds) =>
            seconds.map((second) => bySecond.get(second) ?? Number.NaN).filter(Number.isFinite),
          );
          if (!Number.isFinite(startP99)) return "nothing landed before the first burst";
          if (recovered.length === 0) return "nothing landed at the end of the gaps between bursts";
          const late = median(recovered);
          return late <= 3 * startP99 + 50
            ? null
            : `p99 ${late.toFixed(1)} ms at the end of the gaps between bursts vs ${startP99.toFixed(1)} ms before the first`;
        },
      ),
    );
  }

  if (scenario.name === "soak") {
    checks.push(
      everyRun(
        runs,
        `RSS does not drift (last quarter ≤ second quarter × ${1 + SOAK_RSS_GROWTH_MAX} + 32 MB)`,
        (run) => {
          const samples = run.timeline.map((sample) => ({ at: sample.second, value: sample.rssBytes }));
          const second = quarterMedian(samples, 0.25, 0.5, run.durationS);
          const last = quarterMedian(samples, 0.75, 1, run.durationS);
          if (!Number.isFinite(second) || !Number.isFinite(last)) return "too few samples";
          return last <= second * (1 + SOAK_RSS_GROWTH_MAX) + SOAK_RSS_SLACK_BYTES
            ? null
            : `RSS ${(second / 1048576).toFixed(0)} MB → ${(last / 1048576).toFixed(0)} MB`;
        },
      ),
    );
    checks.push(
      everyRun(
        runs,
        `latency does not drift (p99 last quarter ≤ second quarter × ${SOAK_LATENCY_GROWTH_MAX} + 5 ms)`,
        (run) => {
          const samples = run.client.seconds.map((second) => ({
            at: second.second,
            value: second.latencyMsP99,
          }));
          const second = quarterMedian(samples, 0.25, 0.5, run.durationS);
          const last = quarterMedian(samples, 0.75, 1, run.durationS);
          if (!Number.isFinite(second) || !Number.isFinite(last)) return "too few samples";
          return last <= second * SOAK_LATENCY_GROWTH_MAX + SOAK_LATENCY_SLACK_MS
            ? null
            : `p99 ${second.toFixed(1)} ms → ${last.toFixed(1)} ms`;
        },
      ),
    );
  }

  if (restart) {
    checks.push(
      everyRun(runs, "acknowledged = landed + dropped with a reason + unknown", (run) => {
        const outcomes = run.client.ackedOutcomes;
        const sum = outcomes.landed + outcomes.executedWithError + outcomes.dropped + outcomes.unknown;
        return sum === run.client.acked && outcomes.other === 0
          ? null
          : `acked ${run.client.acked} ≠ ${sum} (+${outcomes.other} in no category)`;
      }),
    );
    checks.push(
      everyRun(runs, "no acknowledged transaction executes again after the crash", (run) => {
        const report = run.client.restart;
        if (report === null) return "the companion was not restarted";
        return report.executedAfterRestart === 0
          ? null
          : `${report.executedAfterRestart} pre-crash transactions executed on the restarted companion (${report.executedTwice} had already landed: executed twice)`;
      }),
    );
    checks.push(
      everyRun(runs, "the restarted companion serves new transactions", (run) =>
        (run.client.restart?.landedAfterRestart ?? 0) > 0 ? null : "nothing landed after the restart",
      ),
    );
  }
  return { scenario: scenario.name, pass: checks.every((check) => check.pass), checks };
}

/**
 * The last RECOVERY_WINDOW_S whole seconds of every calm gap between two bursts (or between the last
 * burst and the end of the run) that is at least RECOVERY_GAP_MIN_S long.
 */
function recoveryWindows(workload: SimWorkloadConfig): number[][] {
  const bursts = workload.bursts;
  if (bursts === null) return [];
  const windows: number[][] = [];
  for (let start = bursts.offsetS; start < workload.durationS; start += bursts.periodS) {
    const gapStart = start + bursts.lengthS;
    const gapEnd = Math.min(workload.durationS, start + bursts.periodS);
    if (gapEnd - gapStart < RECOVERY_GAP_MIN_S) continue;
    const last = Math.floor(gapEnd) - 1;
    windows.push(Array.from({ length: RECOVERY_WINDOW_S }, (_, index) => last - index));
  }
  return windows;
}
