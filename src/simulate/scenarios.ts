// The scenarios of `outrider simulate`: what each offers (rate, bursts, paths), how the companion is
// run (slot timing), what happens mid-run (a kill -9), and its defaults. Verdicts are in verdicts.ts.
import type { BurstPattern, SimWorkloadConfig } from "./workload.ts";

export type ProfileChoice = "baseline" | "trading" | "both";

export interface Scenario {
  name: string;
  summary: string;
  durationS: number;
  rateTps: number;
  profile: ProfileChoice;
  /** Bursts relative to the run: built from the duration. */
  bursts(durationS: number): BurstPattern | null;
  workload: Partial<SimWorkloadConfig>;
  /** Extra `outrider run` options. */
  companionArgs: string[];
  /** Kill -9 and restart the companion at this fraction of the run; null = never. */
  restartAtFraction: number | null;
}

/** The steady offered rate: near what the baseline pipeline lands on a shared 2-core machine. */
export const STEADY_RATE_TPS = 1200;

export const SCENARIOS: Record<string, Scenario> = {
  steady: {
    name: "steady",
    summary: "trading mix at a steady rate with short 1.5× bursts",
    durationS: 60,
    rateTps: STEADY_RATE_TPS,
    profile: "both",
    bursts: () => ({ periodS: 10, lengthS: 1, factor: 1.5, offsetS: 5 }),
    workload: {},
    companionArgs: [],
    restartAtFraction: null,
  },
  overload: {
    name: "overload",
    summary: "3× bursts: 3 s at three times the rate in every 10 s",
    durationS: 60,
    rateTps: STEADY_RATE_TPS,
    profile: "both",
    bursts: () => ({ periodS: 10, lengthS: 3, factor: 3, offsetS: 4 }),
    workload: {},
    companionArgs: [],
    restartAtFraction: null,
  },
  soak: {
    name: "soak",
    summary: "10 minutes at a steady rate: RSS and latency must not drift",
    durationS: 600,
    rateTps: Math.round(STEADY_RATE_TPS * 0.6),
    profile: "trading",
    bursts: () => null,
    workload: {},
    companionArgs: [],
    restartAtFraction: null,
  },
  "slot-drift": {
    name: "slot-drift",
    summary: "adverse slot timing: slots that run late, end early, or end at once (skipped)",
    durationS: 60,
    rateTps: STEADY_RATE_TPS,
    profile: "both",
    bursts: () => null,
    workload: {},
    companionArgs: ["--set", "bank.slot_timing=adverse"],
    restartAtFraction: null,
  },
  restart: {
    name: "restart",
    summary: "kill -9 of the companion mid-run, restart, reconcile every acknowledged transaction",
    durationS: 30,
    rateTps: Math.round(STEADY_RATE_TPS / 2),
    profile: "trading",
    bursts: () => null,
    workload: { rpcShare: 1 },
    companionArgs: [],
    restartAtFraction: 0.5,
  },
};

export const SCENARIO_NAMES = Object.keys(SCENARIOS);
