// Stable error codes of the priority ingress buffer and the prio-graph batch planner (5200–5299, the
// schedule/ingress block of the 5xxx "rings, packet pool, stages" domain). Raised only for caller bugs
// (bad configuration, malformed locks, unknown batch ids); ordinary outcomes — full, evicted, deferred —
// are return codes, never exceptions.
import { type ErrorContext, OutriderError } from "../errors.ts";

export const SCHEDULE_CONFIG_INVALID = 5200;
export const SCHEDULE_LOCKS_INVALID = 5201;
export const SCHEDULE_COST_INVALID = 5202;
export const SCHEDULE_PRIORITY_INVALID = 5203;
export const SCHEDULE_BATCH_UNKNOWN = 5204;
export const SCHEDULE_SLOT_INVALID = 5205;
export const INGRESS_BUFFER_CONFIG_INVALID = 5220;
export const INGRESS_BUFFER_ITEM_INVALID = 5221;
export const CONGESTION_CONFIG_INVALID = 5230;
export const WORKLOAD_CONFIG_INVALID = 5240;
export const EXECUTOR_MODEL_INVALID = 5250;
export const EXECUTOR_MODEL_VIOLATION = 5251;

export const SCHEDULE_ERROR_NAMES: Readonly<Record<number, string>> = {
  [SCHEDULE_CONFIG_INVALID]: "SCHEDULE_CONFIG_INVALID",
  [SCHEDULE_LOCKS_INVALID]: "SCHEDULE_LOCKS_INVALID",
  [SCHEDULE_COST_INVALID]: "SCHEDULE_COST_INVALID",
  [SCHEDULE_PRIORITY_INVALID]: "SCHEDULE_PRIORITY_INVALID",
  [SCHEDULE_BATCH_UNKNOWN]: "SCHEDULE_BATCH_UNKNOWN",
  [SCHEDULE_SLOT_INVALID]: "SCHEDULE_SLOT_INVALID",
  [INGRESS_BUFFER_CONFIG_INVALID]: "INGRESS_BUFFER_CONFIG_INVALID",
  [INGRESS_BUFFER_ITEM_INVALID]: "INGRESS_BUFFER_ITEM_INVALID",
  [CONGESTION_CONFIG_INVALID]: "CONGESTION_CONFIG_INVALID",
  [WORKLOAD_CONFIG_INVALID]: "WORKLOAD_CONFIG_INVALID",
  [EXECUTOR_MODEL_INVALID]: "EXECUTOR_MODEL_INVALID",
  [EXECUTOR_MODEL_VIOLATION]: "EXECUTOR_MODEL_VIOLATION",
};

export function scheduleError(code: number, message: string, context: ErrorContext = {}): OutriderError {
  return new OutriderError(code, SCHEDULE_ERROR_NAMES[code] ?? "SCHEDULE_ERROR", message, context);
}

/** Throws SCHEDULE_CONFIG_INVALID-style errors unless `value` is an integer in [min, max]. */
export function requireInteger(code: number, name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw scheduleError(code, `${name} must be an integer in ${min}..${max}, got ${value}`, {
      name,
      value: String(value),
    });
  }
  return value;
}
