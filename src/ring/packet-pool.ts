// The shared packet pool: every packet's bytes are written once, by the ingress tile,
// into a fixed 1232-byte slot of one SharedArrayBuffer; rings then carry slot indices.
// Beside the payloads, per-slot metadata lives in typed arrays (struct of arrays):
// length (u16), source kind (u8: UDP / RPC), source id (u32: IPv4 address or connection
// id), request id (u32) and arrival time (Float64 ns on the pool's SharedClock).
//
// Layout (bytes): header [0, 64): magic i32, slotCount i32, clock origin f64 at 8;
// then payloads slotCount × 1232, arrivalNs f64[], sourceId u32[], requestId u32[],
// length u16[], sourceKind u8[]. 1232 = 8 × 154, so every array is naturally aligned.
//
// Who may write a slot: only the thread that holds it (see SlotAllocator); the index is
// published through a ring afterwards, whose atomic tail store orders the writes.
import { clockOriginMsNow, SharedClock } from "./clock.ts";
import {
  POOL_DESCRIPTOR_INVALID,
  POOL_PACKET_LENGTH_INVALID,
  POOL_SLOT_COUNT_INVALID,
  POOL_SLOT_OUT_OF_RANGE,
  POOL_SOURCE_KIND_INVALID,
  ringError,
} from "./errors.ts";

/** Largest Solana transaction / TPU datagram payload (IPv6 minimum MTU 1280 − 40 − 8). */
export const PACKET_BYTES_MAX = 1232;
export const POOL_SLOT_COUNT_MAX = 1 << 20;
export const POOL_HEADER_BYTES = 64;
const POOL_MAGIC = 0x504f4f4c; // "POOL"
export const POOL_DESCRIPTOR_KIND = "outrider.packet-pool";

export const SOURCE_KIND_NONE = 0;
export const SOURCE_KIND_UDP = 1;
export const SOURCE_KIND_RPC = 2;
export type SourceKind = typeof SOURCE_KIND_NONE | typeof SOURCE_KIND_UDP | typeof SOURCE_KIND_RPC;

export interface PacketPoolDescriptor {
  kind: typeof POOL_DESCRIPTOR_KIND;
  buffer: SharedArrayBuffer;
  slotCount: number;
}

export function packetPoolBytes(slotCount: number): number {
  return POOL_HEADER_BYTES + slotCount * (PACKET_BYTES_MAX + 8 + 4 + 4 + 2 + 1);
}

function validSlotCount(slotCount: number): boolean {
  return Number.isInteger(slotCount) && slotCount >= 1 && slotCount <= POOL_SLOT_COUNT_MAX;
}

export function createPacketPool(slotCount: number): PacketPoolDescriptor {
  if (!validSlotCount(slotCount)) {
    throw ringError(
      POOL_SLOT_COUNT_INVALID,
      "POOL_SLOT_COUNT_INVALID",
      `packet pool slotCount must be an integer in [1, ${POOL_SLOT_COUNT_MAX}], got ${slotCount}`,
      { slotCount },
    );
  }
  const buffer = new SharedArrayBuffer(packetPoolBytes(slotCount));
  const header = new Int32Array(buffer, 0, 2);
  new Float64Array(buffer, 8, 1)[0] = clockOriginMsNow();
  header[1] = slotCount;
  Atomics.store(header, 0, POOL_MAGIC);
  return { kind: POOL_DESCRIPTOR_KIND, buffer, slotCount };
}

export function attachPacketPool(descriptor: PacketPoolDescriptor): PacketPool {
  const value = descriptor as Partial<PacketPoolDescriptor> | null | undefined;
  const fail = (why: string): never => {
    throw ringError(POOL_DESCRIPTOR_INVALID, "POOL_DESCRIPTOR_INVALID", `packet pool: ${why}`);
  };
  if (value === null || typeof value !== "object" || value.kind !== POOL_DESCRIPTOR_KIND) {
    return fail("not a packet pool descriptor");
  }
  if (!(value.buffer instanceof SharedArrayBuffer)) return fail("buffer is not a SharedArrayBuffer");
  const slotCount = value.slotCount as number;
  if (!validSlotCount(slotCount)) fail(`slotCount ${slotCount} is invalid`);
  if (value.buffer.byteLength !== packetPoolBytes(slotCount)) fail("buffer size does not match slotCount");
  const header = new Int32Array(value.buffer, 0, 2);
  if (Atomics.load(header, 0) !== POOL_MAGIC || header[1] !== slotCount) fail("buffer header does not match");
  return new PacketPool(value as PacketPoolDescriptor);
}

export class PacketPool {
  readonly descriptor: PacketPoolDescriptor;
  readonly slotCount: number;
  /** All payload bytes; slot s occupies [s × 1232, s × 1232 + length(s)). */
  readonly bytes: Uint8Array;
  /** Same bytes as 32-bit words (slot s starts at word s × 308). */
  readonly words: Uint32Array;
  readonly lengths: Uint16Array;
  readonly sourceKinds: Uint8Array;
  readonly sourceIds: Uint32Array;
  readonly requestIds: Uint32Array;
  readonly arrivalNs: Float64Array;
  /** The clock arrival times are on; the same in every Worker attached to this pool. */
  readonly clock: SharedClock;
  private readonly slotViews: (Uint8Array | undefined)[];

  constructor(descriptor: PacketPoolDescriptor) {
    const { buffer, slotCount } = descriptor;
    this.descriptor = descriptor;
    this.slotCount = slotCount;
    let offset = POOL_HEADER_BYTES;
    this.bytes = new Uint8Array(buffer, offset, slotCount * PACKET_BYTES_MAX);
    this.words = new Uint32Array(buffer, offset, (slotCount * PACKET_BYTES_MAX) / 4);
    offset += slotCount * PACKET_BYTES_MAX;
    this.arrivalNs = new Float64Array(buffer, offset, slotCount);
    offset += slotCount * 8;
    this.sourceIds = new Uint32Array(buffer, offset, slotCount);
    offset += slotCount * 4;
    this.requestIds = new Uint32Array(buffer, offset, slotCount);
    offset += slotCount * 4;
    this.lengths = new Uint16Array(buffer, offset, slotCount);
    offset += slotCount * 2;
    this.sourceKinds = new Uint8Array(buffer, offset, slotCount);
    this.clock = new SharedClock(new Float64Array(buffer, 8, 1)[0]);
    this.slotViews = new Array(slotCount).fill(undefined);
  }

  /** Throws POOL_SLOT_OUT_OF_RANGE unless 0 ≤ slot < slotCount (an integer). */
  checkSlot(slot: number): void {
    if (!(slot >= 0 && slot < this.slotCount && (slot | 0) === slot)) {
      throw ringError(POOL_SLOT_OUT_OF_RANGE, "POOL_SLOT_OUT_OF_RANGE", `packet slot ${slot} out of range`, {
        slot,
        slotCount: this.slotCount,
      });
    }
  }

  /** Byte offset of a slot in `bytes`. */
  slotOffset(slot: number): number {
    return slot * PACKET_BYTES_MAX;
  }

  /** The slot's full 1232-byte view; created once per slot and reused (no allocation after the first call). */
  slotBytes(slot: number): Uint8Array {
    this.checkSlot(slot);
    let view = this.slotViews[slot];
    if (view === undefined) {
      view = this.bytes.subarray(slot * PACKET_BYTES_MAX, (slot + 1) * PACKET_BYTES_MAX);
      this.slotViews[slot] = view;
    }
    return view;
  }

  /** The packet's bytes (length-limited view). Allocates a view: not for hot paths; use bytes + slotOffset. */
  packetView(slot: number): Uint8Array {
    this.checkSlot(slot);
    const start = slot * PACKET_BYTES_MAX;
    return this.bytes.subarray(start, start + this.lengths[slot]);
  }

  /**
   * Copies a packet into `slot` and sets its metadata. `packet` is used whole (pass an exact-length
   * view). Throws on an empty or oversize packet: the ingress counts those before calling.
   */
  writePacket(
    slot: number,
    packet: Uint8Array,
    sourceKind: SourceKind,
    sourceId: number,
    requestId: number,
    arrivalNs: number,
  ): void {
    this.checkSlot(slot);
    const length = packet.length;
    if (length < 1 || length > PACKET_BYTES_MAX) {
      throw ringError(
        POOL_PACKET_LENGTH_INVALID,
        "POOL_PACKET_LENGTH_INVALID",
        `packet of ${length} bytes does not fit a slot (1..${PACKET_BYTES_MAX})`,
        { slot, length },
      );
    }
    if (sourceKind !== SOURCE_KIND_UDP && sourceKind !== SOURCE_KIND_RPC && sourceKind !== SOURCE_KIND_NONE) {
      throw ringError(
        POOL_SOURCE_KIND_INVALID,
        "POOL_SOURCE_KIND_INVALID",
        `source kind ${sourceKind} is unknown`,
        {
          slot,
          sourceKind,
        },
      );
    }
    this.bytes.set(packet, slot * PACKET_BYTES_MAX);
    this.lengths[slot] = length;
    this.sourceKinds[slot] = sourceKind;
    this.sourceIds[slot] = sourceId;
    this.requestIds[slot] = requestId;
    this.arrivalNs[slot] = arrivalNs;
  }
}
