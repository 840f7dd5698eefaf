// Slot ownership for the shared packet pool. Exactly one thread (the ingress tile) owns a
// SlotAllocator: a local stack of free slot indices plus a bitmap of which slots are free.
// Stages that finish with a slot (verify on rejection, bank after execution) hand it back
// through their own SPSC "release" ring (one word per entry: the slot index); the
// allocator drains those rings when its stack runs low. No locks, no shared free list.
//
// Every release ring has capacity ≥ slotCount, so a stage can never find it full unless a
// slot is released twice — which the allocator reports as POOL_DOUBLE_FREE when draining.
import {
  POOL_DOUBLE_FREE,
  POOL_RELEASE_RING_FULL,
  POOL_RELEASE_RING_INVALID,
  POOL_SLOT_OUT_OF_RANGE,
  ringError,
} from "./errors.ts";
import type { PacketPool } from "./packet-pool.ts";
import { type CreateRingOptions, createRing, type RingDescriptor, type SpscRing } from "./spsc-ring.ts";

export const RELEASE_RINGS_MAX = 32;
/** Entries taken from one release ring per read batch while draining. */
const DRAIN_BATCH_MAX = 256;

function nextPowerOfTwo(value: number): number {
  let power = 2;
  while (power < value) power *= 2;
  return power;
}

/** A release ring for `pool`: capacity ≥ slotCount, one word (the slot index) per entry. */
export function createReleaseRing(pool: PacketPool, options: CreateRingOptions = {}): RingDescriptor {
  return createRing(nextPowerOfTwo(pool.slotCount), 1, options);
}

export interface SlotAllocatorOptions {
  /** Drain release rings when fewer than this many slots are free locally (default slotCount / 8). */
  drainBelowFree?: number;
}

export class SlotAllocator {
  readonly pool: PacketPool;
  readonly slotCount: number;
  private readonly freeStack: Int32Array;
  private freeTop: number;
  /** 1 when the slot is in the free stack, 0 when handed out. */
  private readonly isFree: Uint8Array;
  private readonly releaseRings: readonly SpscRing[];
  private readonly drainBelowFree: number;

  constructor(pool: PacketPool, releaseRings: readonly SpscRing[], options: SlotAllocatorOptions = {}) {
    if (releaseRings.length > RELEASE_RINGS_MAX) {
      throw ringError(POOL_RELEASE_RING_INVALID, "POOL_RELEASE_RING_INVALID", "too many release rings", {
        rings: releaseRings.length,
      });
    }
    for (const ring of releaseRings) {
      if (ring.wordsPerEntry < 1 || ring.capacity < pool.slotCount) {
        throw ringError(
          POOL_RELEASE_RING_INVALID,
          "POOL_RELEASE_RING_INVALID",
          `release ring ${ring.name} needs capacity ≥ slotCount ${pool.slotCount}, has ${ring.capacity}`,
          { ring: ring.name, capacity: ring.capacity, slotCount: pool.slotCount },
        );
      }
    }
    this.pool = pool;
    this.slotCount = pool.slotCount;
    this.releaseRings = releaseRings;
    this.drainBelowFree = Math.max(1, Math.floor(options.drainBelowFree ?? pool.slotCount / 8));
    this.freeStack = new Int32Array(pool.slotCount);
    this.isFree = new Uint8Array(pool.slotCount).fill(1);
    // Pop order 0, 1, 2, … from a fresh allocator.
    for (let index = 0; index < pool.slotCount; index++) this.freeStack[index] = pool.slotCount - 1 - index;
    this.freeTop = pool.slotCount;
  }

  /** Slots free in the local stack (not counting those waiting in release rings). */
  freeCount(): number {
    return this.freeTop;
  }

  /** Slots handed out and not yet returned to the local stack. */
  inUseCount(): number {
    return this.slotCount - this.freeTop;
  }

  /** A free slot index, or -1 when every slot is in use (the caller counts a pool_exhausted drop). */
  alloc(): number {
    if (this.freeTop < this.drainBelowFree) this.drainReleases();
    if (this.freeTop === 0) return -1;
    const slot = this.freeStack[--this.freeTop];
    this.isFree[slot] = 0;
    return slot;
  }

  /** Returns a slot the allocator's own thread is done with (e.g. ingress dropping a packet). */
  free(slot: number): void {
    if (!(slot >= 0 && slot < this.slotCount && (slot | 0) === slot)) {
      throw ringError(
        POOL_SLOT_OUT_OF_RANGE,
        "POOL_SLOT_OUT_OF_RANGE",
        `freeing slot ${slot}: out of range`,
        {
          slot,
          slotCount: this.slotCount,
        },
      );
    }
    if (this.isFree[slot] === 1) {
      throw ringError(POOL_DOUBLE_FREE, "POOL_DOUBLE_FREE", `slot ${slot} freed twice`, { slot });
    }
    this.isFree[slot] = 1;
    this.freeStack[this.freeTop++] = slot;
  }

  /** Moves every slot waiting in the release rings onto the local stack; returns how many. */
  drainReleases(): number {
    let drained = 0;
    for (let ringIndex = 0; ringIndex < this.releaseRings.length; ringIndex++) {
      const ring = this.releaseRings[ringIndex];
      let available = ring.available();
      while (available > 0) {
        const batch = available < DRAIN_BATCH_MAX ? available : DRAIN_BATCH_MAX;
        for (let offset = 0; offset < batch; offset++) {
          // Release the entries already moved before throwing, so the ring stays consistent.
          const slot = ring.readWord(offset, 0);
          try {
            this.free(slot);
          } catch (error) {
            ring.release(offset + 1);
            throw error;
          }
        }
        ring.release(batch);
        drained += batch;
        available = ring.available();
      }
    }
    return drained;
  }
}

/**
 * The releasing side of a release ring (verify, bank): queue slot indices, publish them
 * with one store per batch. Never drops: a full release ring means a slot was released
 * twice (capacity ≥ slotCount), reported as POOL_RELEASE_RING_FULL.
 */
export class SlotReleaser {
  readonly ring: SpscRing;
  private pendingCount = 0;
  private reservedCount = 0;

  constructor(ring: SpscRing) {
    this.ring = ring;
  }

  /** Queues `slot` for return; visible to the allocator after flush(). */
  release(slot: number): void {
    if (this.pendingCount === this.reservedCount) {
      this.reservedCount = this.ring.reserve(this.ring.capacity);
      if (this.pendingCount >= this.reservedCount) {
        throw ringError(
          POOL_RELEASE_RING_FULL,
          "POOL_RELEASE_RING_FULL",
          `release ring ${this.ring.name} is full: some slot was released twice`,
          { ring: this.ring.name, slot },
        );
      }
    }
    this.ring.writeWord(this.pendingCount++, 0, slot);
  }

  /** Publishes every queued release with one atomic store. */
  flush(): void {
    if (this.pendingCount === 0) return;
    this.ring.publish(this.pendingCount);
    this.reservedCount -= this.pendingCount;
    this.pendingCount = 0;
  }

  /** Releases queued but not yet flushed. */
  pending(): number {
    return this.pendingCount;
  }
}
