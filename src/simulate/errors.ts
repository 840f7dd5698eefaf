// Stable error codes of `outrider simulate` (9000–9099): a workload configuration out of range, the
// companion or the load client failing to start or dying, a setup step that did not execute.
import { ERROR_DOMAINS, type ErrorContext, OutriderError } from "../errors.ts";

const BASE = ERROR_DOMAINS.simulate;

export const SIMULATE_ERRORS = {
  /** A workload parameter is outside its range (rate, duration, shares, counts). */
  WORKLOAD_INVALID: BASE + 1,
  /** A scenario name that does not exist. */
  SCENARIO_UNKNOWN: BASE + 2,
  /** The companion (`outrider run`) did not print its listening line in time, or exited first. */
  COMPANION_START_FAILED: BASE + 10,
  /** The companion exited while a run was in progress (outside the restart scenario's kill). */
  COMPANION_EXITED: BASE + 11,
  /** The load client exited without its final report, or sent a line that is not its protocol. */
  CLIENT_FAILED: BASE + 20,
  /** A setup transaction (funding, mints, token accounts) did not execute. */
  SETUP_FAILED: BASE + 30,
  /** A JSON-RPC call of the load client failed (HTTP error or JSON-RPC error where none is expected). */
  RPC_FAILED: BASE + 31,
} as const;

export type SimulateErrorName = keyof typeof SIMULATE_ERRORS;

export function simulateError(
  name: SimulateErrorName,
  message: string,
  context: ErrorContext = {},
): OutriderError {
  return new OutriderError(SIMULATE_ERRORS[name], `SIMULATE_${name}`, message, context);
}
