// Stable error codes of the shared-memory rings, doorbells and the packet pool
// (domain 5xxx; 5001–5099 belong to src/ring). Codes never change meaning.
import { ERROR_DOMAINS, type ErrorContext, OutriderError } from "../errors.ts";

export const RING_CAPACITY_INVALID = ERROR_DOMAINS.ring + 1;
export const RING_WORDS_PER_ENTRY_INVALID = ERROR_DOMAINS.ring + 2;
export const RING_DESCRIPTOR_INVALID = ERROR_DOMAINS.ring + 3;
export const RING_PUBLISH_EXCEEDS_RESERVED = ERROR_DOMAINS.ring + 4;
export const RING_WRITE_OUTSIDE_RESERVED = ERROR_DOMAINS.ring + 5;
export const RING_READ_OUTSIDE_AVAILABLE = ERROR_DOMAINS.ring + 6;
export const RING_RELEASE_EXCEEDS_AVAILABLE = ERROR_DOMAINS.ring + 7;
export const DOORBELL_DESCRIPTOR_INVALID = ERROR_DOMAINS.ring + 10;
export const DOORBELL_TIMEOUT_INVALID = ERROR_DOMAINS.ring + 11;
export const POLLER_RINGS_INVALID = ERROR_DOMAINS.ring + 12;
export const POOL_SLOT_COUNT_INVALID = ERROR_DOMAINS.ring + 20;
export const POOL_DESCRIPTOR_INVALID = ERROR_DOMAINS.ring + 21;
export const POOL_SLOT_OUT_OF_RANGE = ERROR_DOMAINS.ring + 22;
export const POOL_DOUBLE_FREE = ERROR_DOMAINS.ring + 23;
export const POOL_PACKET_LENGTH_INVALID = ERROR_DOMAINS.ring + 24;
export const POOL_RELEASE_RING_INVALID = ERROR_DOMAINS.ring + 25;
export const POOL_RELEASE_RING_FULL = ERROR_DOMAINS.ring + 26;
export const POOL_SOURCE_KIND_INVALID = ERROR_DOMAINS.ring + 27;

export function ringError(code: number, codeName: string, message: string, context?: ErrorContext) {
  return new OutriderError(code, codeName, message, context);
}
