// Stable error codes of the upstream mode (8200–8299, JSON-RPC and network domain): talking to the
// Solana node Outrider sits in front of, over HTTP JSON-RPC and its PubSub WebSocket.
import { ERROR_DOMAINS, type ErrorContext, OutriderError } from "../errors.ts";

const BASE = ERROR_DOMAINS.rpc + 200;

export const UPSTREAM_ERRORS = {
  /** The upstream could not be reached, or did not answer within the request timeout. */
  UPSTREAM_UNREACHABLE: BASE + 1,
  /** The upstream answered something that is not a JSON-RPC 2.0 response. */
  UPSTREAM_BAD_RESPONSE: BASE + 2,
  /** The upstream answered with a JSON-RPC error (its code, message and data are kept). */
  UPSTREAM_RPC_ERROR: BASE + 3,
  /** The upstream PubSub WebSocket is not connected (subscriptions are refused until it is). */
  UPSTREAM_PUBSUB_DOWN: BASE + 4,
  /** A bound (subscriptions, requests in flight) would be exceeded. */
  UPSTREAM_LIMIT: BASE + 5,
  /** The upstream URL or its WebSocket URL is not usable. */
  UPSTREAM_BAD_URL: BASE + 6,
} as const;

export type UpstreamErrorName = keyof typeof UPSTREAM_ERRORS;

export function upstreamError(
  name: UpstreamErrorName,
  message: string,
  context: ErrorContext = {},
): OutriderError {
  return new OutriderError(UPSTREAM_ERRORS[name], name, message, context);
}

/** A JSON-RPC error answered by the upstream: passed on to Outrider's own clients as it came. */
export class UpstreamRpcError extends OutriderError {
  constructor(
    readonly rpcCode: number,
    readonly rpcMessage: string,
    readonly rpcData: unknown,
    method: string,
  ) {
    super(UPSTREAM_ERRORS.UPSTREAM_RPC_ERROR, "UPSTREAM_RPC_ERROR", `upstream ${method}: ${rpcMessage}`, {
      method,
      rpcCode,
    });
  }
}
