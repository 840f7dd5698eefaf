// Spin-then-park waiting over rings: a consumer serving several input rings spins briefly
// over them (cheap when work is flowing), then parks on their shared Doorbell so it does
// not burn a core on a 2-core machine. A producer facing a full ring waits the same way on
// the consumer's "space" doorbell. No allocation per call.
import type { Doorbell } from "./doorbell.ts";
import { POLLER_RINGS_INVALID, ringError } from "./errors.ts";
import type { SpscRing } from "./spsc-ring.ts";

export const POLL_SPIN_ITERATIONS_DEFAULT = 128;
export const POLL_PARK_TIMEOUT_MS_DEFAULT = 10;
export const POLL_RINGS_MAX = 64;

export interface PollOptions {
  /** Checks of all rings before parking. */
  spinIterations?: number;
  /** Longest single park; the caller's loop re-checks its stop flag at least this often. */
  parkTimeoutMs?: number;
}

function sumAvailable(rings: readonly SpscRing[]): number {
  let total = 0;
  for (let index = 0; index < rings.length; index++) total += rings[index].available();
  return total;
}

export class RingPoller {
  readonly rings: readonly SpscRing[];
  readonly doorbell: Doorbell;
  readonly spinIterations: number;
  readonly parkTimeoutMs: number;
  /** How many times this poller parked (for metrics / tuning). */
  parkCount = 0;

  constructor(rings: readonly SpscRing[], doorbell: Doorbell, options: PollOptions = {}) {
    if (rings.length === 0 || rings.length > POLL_RINGS_MAX) {
      throw ringError(
        POLLER_RINGS_INVALID,
        "POLLER_RINGS_INVALID",
        `RingPoller needs 1..${POLL_RINGS_MAX} rings, got ${rings.length}`,
        { rings: rings.length },
      );
    }
    this.rings = rings;
    this.doorbell = doorbell;
    this.spinIterations = Math.max(0, Math.floor(options.spinIterations ?? POLL_SPIN_ITERATIONS_DEFAULT));
    this.parkTimeoutMs = options.parkTimeoutMs ?? POLL_PARK_TIMEOUT_MS_DEFAULT;
  }

  /**
   * Returns the total entries available over all rings (each ring's available() is refreshed,
   * so readWord is valid up to it). Spins, then parks once; returns 0 if the park timed out.
   */
  waitForWork(): number {
    for (let spin = 0; spin <= this.spinIterations; spin++) {
      const total = sumAvailable(this.rings);
      if (total > 0) return total;
    }
    const seen = this.doorbell.sequence();
    const total = sumAvailable(this.rings);
    if (total > 0) return total;
    this.parkCount++;
    this.doorbell.wait(seen, this.parkTimeoutMs);
    return sumAvailable(this.rings);
  }

  /** Event-loop form of waitForWork (parks with Atomics.waitAsync). */
  async waitForWorkAsync(): Promise<number> {
    for (let spin = 0; spin <= this.spinIterations; spin++) {
      const total = sumAvailable(this.rings);
      if (total > 0) return total;
    }
    const seen = this.doorbell.sequence();
    const total = sumAvailable(this.rings);
    if (total > 0) return total;
    this.parkCount++;
    await this.doorbell.waitAsync(seen, this.parkTimeoutMs);
    return sumAvailable(this.rings);
  }
}

/**
 * Producer side: waits until `ring` has at least `freeWanted` free entries, spinning then
 * parking on `spaceDoorbell` (which the consumer rings after release). Returns the free
 * count seen last; it may be below freeWanted after a timed-out park.
 */
export function waitForFreeSlots(
  ring: SpscRing,
  spaceDoorbell: Doorbell,
  freeWanted: number,
  options: PollOptions = {},
): number {
  const spinIterations = options.spinIterations ?? POLL_SPIN_ITERATIONS_DEFAULT;
  for (let spin = 0; spin <= spinIterations; spin++) {
    const free = ring.freeSlots();
    if (free >= freeWanted) return free;
  }
  const seen = spaceDoorbell.sequence();
  const free = ring.freeSlots();
  if (free >= freeWanted) return free;
  spaceDoorbell.wait(seen, options.parkTimeoutMs ?? POLL_PARK_TIMEOUT_MS_DEFAULT);
  return ring.freeSlots();
}
