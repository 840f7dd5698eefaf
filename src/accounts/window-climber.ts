// Hill climbing of the W-TinyLFU window size (the share of capacity given to the recency window), after
// Caffeine's design: every sample of accesses, compare the sample's hit ratio with the previous one;
// keep stepping the same way while it improves, reverse when it worsens; steps decay, and a large
// change in hit ratio (a workload shift) restarts them at full size.

export const CLIMBER_STEP_FRACTION = 0.0625;
export const CLIMBER_STEP_DECAY = 0.98;
export const CLIMBER_RESTART_THRESHOLD = 0.05;
export const WINDOW_FRACTION_MIN = 0;
export const WINDOW_FRACTION_MAX = 0.99;

export class WindowClimber {
  windowFraction: number;
  /** Accesses per sample; the cache sets it from its resident entry count. */
  sampleAccesses: number;
  /** Adjustments made so far. */
  adjustments = 0;
  private step = CLIMBER_STEP_FRACTION;
  private previousHitRatio = 0;
  private sampleHits = 0;
  private sampleMisses = 0;

  constructor(initialWindowFraction: number, sampleAccesses: number) {
    this.windowFraction = initialWindowFraction;
    this.sampleAccesses = sampleAccesses;
  }

  /** Records one access; returns true when windowFraction changed. */
  record(hit: boolean): boolean {
    if (hit) this.sampleHits++;
    else this.sampleMisses++;
    const requests = this.sampleHits + this.sampleMisses;
    if (requests < this.sampleAccesses) return false;
    const hits = this.sampleHits;
    this.sampleHits = 0;
    this.sampleMisses = 0;
    return this.recordSample(hits, requests);
  }

  /** Records a whole sample counted by the caller; returns true when windowFraction changed. */
  recordSample(hits: number, requests: number): boolean {
    const hitRatio = requests === 0 ? 0 : hits / requests;
    const change = hitRatio - this.previousHitRatio;
    this.previousHitRatio = hitRatio;
    const amount = change >= 0 ? this.step : -this.step;
    this.step =
      Math.abs(change) >= CLIMBER_RESTART_THRESHOLD
        ? CLIMBER_STEP_FRACTION * (amount >= 0 ? 1 : -1)
        : CLIMBER_STEP_DECAY * amount;
    const next = Math.min(WINDOW_FRACTION_MAX, Math.max(WINDOW_FRACTION_MIN, this.windowFraction + amount));
    if (next === this.windowFraction) return false;
    this.windowFraction = next;
    this.adjustments++;
    return true;
  }
}
