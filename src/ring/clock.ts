// A nanosecond clock every Worker of one process reads alike: performance.now() is
// monotonic per thread but each Worker has its own time origin, and Bun.nanoseconds()
// starts at zero in each Worker. So the pool stores one origin (ms since the Unix epoch,
// taken when it was created) and each thread adds its own performance.timeOrigin offset.
// Values stay small (ns since the origin) so a Float64 holds them exactly to the ns for
// about 104 days, and to the µs for centuries.

/** Origin for a new shared clock: now, in ms since the Unix epoch. */
export function clockOriginMsNow(): number {
  return performance.timeOrigin + performance.now();
}

export class SharedClock {
  readonly originMs: number;
  private readonly offsetMs: number;

  constructor(originMs: number) {
    this.originMs = originMs;
    this.offsetMs = performance.timeOrigin - originMs;
  }

  /** Nanoseconds since the shared origin; comparable between Workers of one process. */
  nowNs(): number {
    return (this.offsetMs + performance.now()) * 1e6;
  }
}
