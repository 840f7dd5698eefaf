// Hill climbing of the W-TinyLFU window size (the share of capacity given to the recency window), after
// Caffeine's design: every sample of accesses, compare the sample's hit ratio with the previous one;
// keep stepping the same way while it improves, reverse when it worsens; steps decay, and a large
// change in hit ratio (a workload shift) restarts them at full size.
// Gradient steps alone are too slow and too easily confused when the hot set keeps moving (each shift
// drops the hit ratio whatever the last step was, and the sample is 10 × the entries): so each sample
// also carries plain LRU's hit ratio over the same accesses (the cache's sampled shadow). When LRU led by
// more than a point, the window grows at once (to the max if LRU led by 5 points or more, else half the
// way) and climbing resumes upward at full step; the climber then walks it back down only as far as the
// hit ratio keeps up. On frequency-skewed workloads LRU never leads and this never fires. The sample
// after such a move checks it: if the hit ratio did not rise, the move is undone and LRU's lead is
// ignored for 1, 2, 4, … samples (a shadow biased by the few addresses it tracks costs little). "Did
// not gain" is judged by LRU's lead over the cache (the move must shrink it), not the raw hit ratio,
// which a workload shift or the end of warm-up moves whatever the window did; and when LRU's own hit
// ratio moved by 5 points or more between the two samples the workload shifted and the move is kept.

export const CLIMBER_STEP_FRACTION = 0.0625;
export const CLIMBER_STEP_DECAY = 0.98;
export const CLIMBER_RESTART_THRESHOLD = 0.05;
export const WINDOW_FRACTION_MIN = 0;
export const WINDOW_FRACTION_MAX = 0.99;
/**
 * When plain LRU (estimated by the cache's sampled shadow) would have hit this much more often over a
 * sample, recency is winning: the window grows at once, by at least half of what is left up to the max.
 */
export const RECENCY_LEAD_MIN = 0.01;
/** A lead this large (the hot set moved wholesale) takes the window straight to the max. */
export const RECENCY_LEAD_JUMP = 0.05;
/** Longest wait, in samples, before LRU's lead is trusted again after recency moves were undone. */
export const RECENCY_COOLDOWN_MAX = 64;

export class WindowClimber {
  windowFraction: number;
  /** Accesses per sample; the cache sets it from its resident entry count. */
  sampleAccesses: number;
  /** Adjustments made so far. */
  adjustments = 0;
  /** Samples where LRU's estimated hit ratio led the cache's by more than RECENCY_LEAD_MIN. */
  recencyLeads = 0;
  /** Recency moves undone because the next sample did not gain (the shadow's estimate was off). */
  recencyMovesUndone = 0;
  private step = CLIMBER_STEP_FRACTION;
  private previousHitRatio = 0;
  /** Window share before the last recency move, while the sample after it decides (NaN: none pending). */
  private recencyMoveFrom = Number.NaN;
  /** Hit ratio of the sample that made the pending recency move, and LRU's lead over it. */
  private recencyMoveHitRatio = 0;
  private recencyMoveLead = 0;
  private recencyMoveLruHitRatio = 0;
  /** Samples to ignore LRU's lead for; doubles after each undone move, cleared by one that gained. */
  private recencyCooldown = 0;
  private recencyCooldownNext = 1;
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

  /**
   * Records a whole sample counted by the caller, with LRU's estimated hit ratio over the same accesses
   * (NaN if unknown); returns true when windowFraction changed.
   */
  recordSample(hits: number, requests: number, lruHitRatio = Number.NaN): boolean {
    const hitRatio = requests === 0 ? 0 : hits / requests;
    if (!Number.isNaN(this.recencyMoveFrom)) {
      // The sample after a recency move checks it: kept if the hit ratio rose, else undone, and LRU's
      // lead is not trusted again for a while (exponential backoff: an estimate biased by the handful of
      // sampled addresses costs a few samples in all, not one in two).
      const from = this.recencyMoveFrom;
      this.recencyMoveFrom = Number.NaN;
      // Judged by LRU's lead rather than the hit ratio alone: a workload shift moves both, the lead
      // shrinks only if the bigger window made the cache more LRU-like where LRU does better.
      // When LRU's own hit ratio moved by the restart threshold the workload shifted under the check,
      // which then says nothing about the move: it is kept, and this sample is judged afresh below.
      const confirmed = Number.isNaN(lruHitRatio)
        ? hitRatio > this.recencyMoveHitRatio
        : lruHitRatio - hitRatio < this.recencyMoveLead ||
          Math.abs(lruHitRatio - this.recencyMoveLruHitRatio) >= CLIMBER_RESTART_THRESHOLD;
      if (!confirmed) {
        this.recencyMovesUndone++;
        this.recencyCooldown = this.recencyCooldownNext;
        this.recencyCooldownNext = Math.min(RECENCY_COOLDOWN_MAX, 2 * this.recencyCooldownNext);
        this.previousHitRatio = hitRatio;
        this.step = -CLIMBER_STEP_FRACTION;
        return this.moveTo(from);
      }
      this.recencyCooldownNext = 1;
    }
    if (this.recencyCooldown > 0) this.recencyCooldown--;
    else if (lruHitRatio - hitRatio > RECENCY_LEAD_MIN) {
      // Recency wins: grow toward an LRU-like window, and keep climbing that way at full step.
      this.previousHitRatio = hitRatio;
      this.step = CLIMBER_STEP_FRACTION;
      this.recencyLeads++;
      const from = this.windowFraction;
      const to =
        lruHitRatio - hitRatio >= RECENCY_LEAD_JUMP
          ? WINDOW_FRACTION_MAX
          : from + Math.max(CLIMBER_STEP_FRACTION, (WINDOW_FRACTION_MAX - from) / 2);
      if (!this.moveTo(to)) return false;
      this.recencyMoveFrom = from;
      this.recencyMoveHitRatio = hitRatio;
      this.recencyMoveLead = lruHitRatio - hitRatio;
      this.recencyMoveLruHitRatio = lruHitRatio;
      return true;
    }
    const change = hitRatio - this.previousHitRatio;
    this.previousHitRatio = hitRatio;
    const amount = change >= 0 ? this.step : -this.step;
    this.step =
      Math.abs(change) >= CLIMBER_RESTART_THRESHOLD
        ? CLIMBER_STEP_FRACTION * (amount >= 0 ? 1 : -1)
        : CLIMBER_STEP_DECAY * amount;
    return this.moveTo(this.windowFraction + amount);
  }

  private moveTo(fraction: number): boolean {
    const next = Math.min(WINDOW_FRACTION_MAX, Math.max(WINDOW_FRACTION_MIN, fraction));
    if (next === this.windowFraction) return false;
    this.windowFraction = next;
    this.adjustments++;
    return true;
  }
}
