// JSON-RPC 2.0 envelope for Solana's RPC: error objects with Solana's codes and messages, response
// builders, and a JSON writer that prints bigints as plain JSON numbers (u64 lamports, rentEpoch).

export const JSON_RPC_PARSE_ERROR = -32700;
export const JSON_RPC_INVALID_REQUEST = -32600;
export const JSON_RPC_METHOD_NOT_FOUND = -32601;
export const JSON_RPC_INVALID_PARAMS = -32602;
export const JSON_RPC_INTERNAL_ERROR = -32603;
/** Solana's custom server errors (agave rpc-client-api custom_error.rs). */
export const RPC_SEND_TRANSACTION_PREFLIGHT_FAILURE = -32002;
export const RPC_TRANSACTION_SIGNATURE_VERIFICATION_FAILURE = -32003;
export const RPC_NODE_UNHEALTHY = -32005;

export type JsonRpcId = string | number | null;

export class JsonRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }

  toJSON(): { code: number; message: string; data?: unknown } {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

export const parseError = () => new JsonRpcError(JSON_RPC_PARSE_ERROR, "Parse error");
export const invalidRequest = (message = "Invalid request") =>
  new JsonRpcError(JSON_RPC_INVALID_REQUEST, message);
export const methodNotFound = () => new JsonRpcError(JSON_RPC_METHOD_NOT_FOUND, "Method not found");
export const invalidParams = (message: string) => new JsonRpcError(JSON_RPC_INVALID_PARAMS, message);
export const internalError = (message = "Internal error") =>
  new JsonRpcError(JSON_RPC_INTERNAL_ERROR, message);

export interface JsonRpcRequest {
  jsonrpc: "2.0";
  id: JsonRpcId;
  method: string;
  params: unknown;
}

/** Validates one request object; throws invalidRequest otherwise. */
export function asRequest(value: unknown): JsonRpcRequest {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalidRequest();
  const candidate = value as Record<string, unknown>;
  const id = candidate.id ?? null;
  if (candidate.jsonrpc !== "2.0") throw invalidRequest();
  if (typeof candidate.method !== "string") throw invalidRequest();
  if (id !== null && typeof id !== "string" && typeof id !== "number") throw invalidRequest();
  if (candidate.params !== undefined && typeof candidate.params !== "object") throw invalidRequest();
  return { jsonrpc: "2.0", id, method: candidate.method, params: candidate.params ?? [] };
}

export function requestIdOf(value: unknown): JsonRpcId {
  if (typeof value !== "object" || value === null) return null;
  const id = (value as Record<string, unknown>).id;
  return typeof id === "string" || typeof id === "number" ? id : null;
}

export function successResponse(id: JsonRpcId, result: unknown) {
  return { jsonrpc: "2.0" as const, result, id };
}

export function errorResponse(id: JsonRpcId, error: JsonRpcError) {
  return { jsonrpc: "2.0" as const, error: error.toJSON(), id };
}

const BIGINT_MARK = "\u0000bigint:";
const BIGINT_PATTERN = /"\\u0000bigint:(\d+)"/g;

/** JSON.stringify that writes bigint values as bare JSON numbers (exact u64). */
export function stringifyJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, inner) =>
    typeof inner === "bigint" ? `${BIGINT_MARK}${inner.toString()}` : inner,
  );
  return text.replace(BIGINT_PATTERN, "$1");
}
