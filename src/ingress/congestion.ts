// The congestion detector: pure functions from per-tick observations of the ingress buffer (queue
// depth and growth, drops) and of the downstream ring (free share = back-pressure) to a congestion
// score in [0, 1], a state with hysteresis (idle / normal / congested) and the batch size to hand on.
// Idle → hand each packet on at once (batch of 1); under load → bigger batches, up to the maximum when
// congested. Smoothing is an exponentially weighted moving average; the caller keeps the state object
// and passes it back in (nothing allocates when `out` is reused).
import { CONGESTION_CONFIG_INVALID, scheduleError } from "../schedule/prio-graph-errors.ts";

export const CONGESTION_IDLE = 0;
export const CONGESTION_NORMAL = 1;
export const CONGESTION_CONGESTED = 2;
export const CONGESTION_STATE_NAMES = ["idle", "normal", "congested"] as const;

export interface CongestionConfig {
  /** EWMA weight of the newest tick, (0, 1]. */
  smoothing: number;
  /** Queue growth per tick, as a share of queueDepthMax, that counts as full congestion. */
  growthShareFull: number;
  /** Drop rate (drops ÷ arrivals) that counts as full congestion. */
  dropRateFull: number;
  /** Score at or above which the state becomes congested, and at or below which it leaves it. */
  congestedEnter: number;
  congestedExit: number;
  /** Score at or below which (with an empty queue) the state is idle. */
  idleMax: number;
  batchTransactionsMin: number;
  batchTransactionsMax: number;
}

export const DEFAULT_CONGESTION_CONFIG: Readonly<CongestionConfig> = {
  smoothing: 0.25,
  growthShareFull: 0.05,
  dropRateFull: 0.05,
  congestedEnter: 0.6,
  congestedExit: 0.35,
  idleMax: 0.02,
  batchTransactionsMin: 1,
  batchTransactionsMax: 64,
};

/** One tick's observations. */
export interface CongestionSample {
  queueDepth: number;
  queueDepthMax: number;
  /** Packets offered / handed on / dropped during the tick. */
  arrivals: number;
  departures: number;
  drops: number;
  /** Free share of the downstream ring, 0 (full: back-pressure) .. 1 (empty). */
  ringFreeShare: number;
}

export interface CongestionState {
  growthShareEwma: number;
  dropRateEwma: number;
  /** Combined score, 0 (idle) .. 1 (saturated). */
  score: number;
  state: number;
}

export function initialCongestionState(): CongestionState {
  return { growthShareEwma: 0, dropRateEwma: 0, score: 0, state: CONGESTION_IDLE };
}

export function validateCongestionConfig(config: CongestionConfig): CongestionConfig {
  const inUnit = (name: string, value: number, allowZero: boolean) => {
    if (!(value <= 1 && (allowZero ? value >= 0 : value > 0)))
      throw scheduleError(CONGESTION_CONFIG_INVALID, `${name} must be in ${allowZero ? "[0" : "(0"}, 1]`, {
        name,
        value,
      });
  };
  inUnit("smoothing", config.smoothing, false);
  inUnit("growthShareFull", config.growthShareFull, false);
  inUnit("dropRateFull", config.dropRateFull, false);
  inUnit("congestedEnter", config.congestedEnter, false);
  inUnit("congestedExit", config.congestedExit, true);
  inUnit("idleMax", config.idleMax, true);
  if (!(config.congestedExit < config.congestedEnter && config.idleMax < config.congestedExit))
    throw scheduleError(CONGESTION_CONFIG_INVALID, "need idleMax < congestedExit < congestedEnter");
  const { batchTransactionsMin: low, batchTransactionsMax: high } = config;
  if (!(Number.isInteger(low) && Number.isInteger(high) && low >= 1 && high >= low && high <= 64))
    throw scheduleError(CONGESTION_CONFIG_INVALID, `batch bounds must satisfy 1 ≤ min ≤ max ≤ 64`, {
      low,
      high,
    });
  return config;
}

function clampUnit(value: number): number {
  return value <= 0 ? 0 : value >= 1 ? 1 : value;
}

/**
 * The congestion score of one tick: the largest of queue occupancy, smoothed growth and drop rate
 * (each scaled so that its "full" level maps to 1) and ring back-pressure (1 − free share).
 */
export function congestionScore(
  occupancy: number,
  growthShareEwma: number,
  dropRateEwma: number,
  ringFreeShare: number,
  config: CongestionConfig,
): number {
  return Math.max(
    clampUnit(occupancy),
    clampUnit(growthShareEwma / config.growthShareFull),
    clampUnit(dropRateEwma / config.dropRateFull),
    clampUnit(1 - ringFreeShare),
  );
}

/** Advances the detector by one tick; writes into and returns `out` (which may be `previous`). */
export function nextCongestionState(
  previous: CongestionState,
  sample: CongestionSample,
  config: CongestionConfig,
  out: CongestionState,
): CongestionState {
  const depthMax = Math.max(1, sample.queueDepthMax);
  const alpha = config.smoothing;
  const growthShare = (sample.arrivals - sample.departures) / depthMax;
  const dropRate = sample.arrivals > 0 ? sample.drops / sample.arrivals : 0;
  const growthShareEwma = previous.growthShareEwma + alpha * (growthShare - previous.growthShareEwma);
  const dropRateEwma = previous.dropRateEwma + alpha * (dropRate - previous.dropRateEwma);
  const score = congestionScore(
    sample.queueDepth / depthMax,
    growthShareEwma,
    dropRateEwma,
    sample.ringFreeShare,
    config,
  );
  let state: number;
  if (score >= config.congestedEnter) state = CONGESTION_CONGESTED;
  else if (previous.state === CONGESTION_CONGESTED && score > config.congestedExit)
    state = CONGESTION_CONGESTED;
  else if (score <= config.idleMax && sample.queueDepth === 0) state = CONGESTION_IDLE;
  else state = CONGESTION_NORMAL;
  out.growthShareEwma = growthShareEwma;
  out.dropRateEwma = dropRateEwma;
  out.score = score;
  out.state = state;
  return out;
}

/**
 * Batch size to hand on: 1 when idle (no waiting), the maximum when congested, and in between
 * growing linearly with the score from the minimum.
 */
export function batchSizeFor(state: CongestionState, config: CongestionConfig): number {
  if (state.state === CONGESTION_IDLE) return 1;
  if (state.state === CONGESTION_CONGESTED) return config.batchTransactionsMax;
  const span = config.batchTransactionsMax - config.batchTransactionsMin;
  return Math.min(
    config.batchTransactionsMax,
    config.batchTransactionsMin + Math.round(span * clampUnit(state.score / config.congestedEnter)),
  );
}
