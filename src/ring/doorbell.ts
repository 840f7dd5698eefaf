// Doorbell: how a consumer that serves one or more rings sleeps without losing a wake-up.
// Two Int32 cells in a SharedArrayBuffer: a sequence that producers bump after publishing
// (Atomics.add) and a count of parked consumers; producers call Atomics.notify only when
// that count is non-zero, so ringing an idle doorbell costs one add and one load.
//
// Correctness of the park protocol (all operations sequentially consistent):
//   consumer: seen = sequence(); check rings; if empty: waiters++; Atomics.wait(seq, seen); waiters--
//   producer: publish entries; seq++; if waiters > 0: notify
// If the producer's seq++ comes before the consumer loads `seen`, its entries were already
// visible to the consumer's check. If it comes after, either the wait sees seq !== seen and
// returns at once, or the consumer is already queued with waiters > 0 and the notify wakes it.
import { DOORBELL_DESCRIPTOR_INVALID, DOORBELL_TIMEOUT_INVALID, ringError } from "./errors.ts";

const SEQUENCE_INDEX = 0;
const WAITERS_INDEX = 1;
const DOORBELL_INT32S = 16; // one cache line
export const DOORBELL_DESCRIPTOR_KIND = "outrider.doorbell";
/** Upper bound on one park, so a consumer always re-checks its rings (and its stop flag) periodically. */
export const DOORBELL_TIMEOUT_MS_MAX = 60_000;

export interface DoorbellDescriptor {
  kind: typeof DOORBELL_DESCRIPTOR_KIND;
  name: string;
  buffer: SharedArrayBuffer;
}

export type DoorbellWaitResult = "ok" | "not-equal" | "timed-out";

export function createDoorbell(name = "unnamed"): DoorbellDescriptor {
  return { kind: DOORBELL_DESCRIPTOR_KIND, name, buffer: new SharedArrayBuffer(DOORBELL_INT32S * 4) };
}

export function attachDoorbell(descriptor: DoorbellDescriptor): Doorbell {
  const value = descriptor as Partial<DoorbellDescriptor> | null | undefined;
  if (
    value === null ||
    typeof value !== "object" ||
    value.kind !== DOORBELL_DESCRIPTOR_KIND ||
    !(value.buffer instanceof SharedArrayBuffer) ||
    value.buffer.byteLength !== DOORBELL_INT32S * 4
  ) {
    throw ringError(DOORBELL_DESCRIPTOR_INVALID, "DOORBELL_DESCRIPTOR_INVALID", "not a doorbell descriptor", {
      doorbell: typeof value?.name === "string" ? value.name : "unnamed",
    });
  }
  return new Doorbell(value as DoorbellDescriptor);
}

function checkTimeout(timeoutMs: number, name: string): void {
  if (!(timeoutMs >= 0 && timeoutMs <= DOORBELL_TIMEOUT_MS_MAX)) {
    throw ringError(
      DOORBELL_TIMEOUT_INVALID,
      "DOORBELL_TIMEOUT_INVALID",
      `doorbell ${name}: timeoutMs must be in [0, ${DOORBELL_TIMEOUT_MS_MAX}], got ${timeoutMs}`,
      { doorbell: name, timeoutMs },
    );
  }
}

export class Doorbell {
  readonly name: string;
  readonly descriptor: DoorbellDescriptor;
  private readonly cells: Int32Array;

  constructor(descriptor: DoorbellDescriptor) {
    this.descriptor = descriptor;
    this.name = descriptor.name;
    this.cells = new Int32Array(descriptor.buffer);
  }

  /** Producer, after publishing: bump the sequence; wake parked consumers only if there are any. */
  ring(): void {
    Atomics.add(this.cells, SEQUENCE_INDEX, 1);
    if (Atomics.load(this.cells, WAITERS_INDEX) > 0) Atomics.notify(this.cells, SEQUENCE_INDEX);
  }

  /** Consumer: read this BEFORE checking the rings, and pass it to wait(). */
  sequence(): number {
    return Atomics.load(this.cells, SEQUENCE_INDEX);
  }

  /** Parked consumers right now (for tests and diagnostics). */
  waiters(): number {
    return Atomics.load(this.cells, WAITERS_INDEX);
  }

  /** Blocks until the sequence moves past `seenSequence`, or timeoutMs elapses. Threads without an event loop. */
  wait(seenSequence: number, timeoutMs: number): DoorbellWaitResult {
    checkTimeout(timeoutMs, this.name);
    Atomics.add(this.cells, WAITERS_INDEX, 1);
    try {
      return Atomics.wait(this.cells, SEQUENCE_INDEX, seenSequence, timeoutMs);
    } finally {
      Atomics.sub(this.cells, WAITERS_INDEX, 1);
    }
  }

  /** Event-loop form of wait() (Atomics.waitAsync): for workers that also own a socket or an HTTP server. */
  async waitAsync(seenSequence: number, timeoutMs: number): Promise<DoorbellWaitResult> {
    checkTimeout(timeoutMs, this.name);
    Atomics.add(this.cells, WAITERS_INDEX, 1);
    try {
      const outcome = Atomics.waitAsync(this.cells, SEQUENCE_INDEX, seenSequence, timeoutMs);
      return outcome.async ? await outcome.value : outcome.value;
    } finally {
      Atomics.sub(this.cells, WAITERS_INDEX, 1);
    }
  }
}
