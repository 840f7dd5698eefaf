// The JSON-RPC face: HTTP JSON-RPC 2.0 (single and batch requests) with Bun.serve, plus the PubSub
// WebSocket on its own port (the next one, as Solana does), against an RpcBackend. Also serves
// /health (text ok / behind / unknown), /status and /metrics from injected callbacks.
import type { Server } from "bun";
import { bankError, RPC_SERVER_BIND_FAILED } from "../bank/bank-errors.ts";
import { connectionId } from "./connection-id.ts";
import {
  asRequest,
  errorResponse,
  internalError,
  invalidRequest,
  JsonRpcError,
  parseError,
  requestIdOf,
  stringifyJson,
  successResponse,
} from "./json-rpc.ts";
import { EMULATED_SOLANA_CORE_VERSION } from "./local-backend.ts";
import { type PubsubConnection, PubsubHub } from "./pubsub.ts";
import type { RpcBackend } from "./rpc-backend.ts";
import { callMethod, type RequestContext } from "./rpc-methods.ts";

export const DEFAULT_RPC_HOST = "127.0.0.1";
export const DEFAULT_RPC_PORT = 7799;
export const BATCH_REQUESTS_MAX = 1_000;
export const REQUEST_BODY_BYTES_MAX = 50 * 1024 * 1024;

export interface RpcServerOptions {
  backend: RpcBackend;
  host?: string;
  /** HTTP port; 0 = any free port. */
  httpPort?: number;
  /** WebSocket port; default httpPort + 1 (or any free port when httpPort is 0). */
  wsPort?: number;
  apiVersion?: string;
  status?: () => unknown | Promise<unknown>;
  metrics?: () => string | Promise<string>;
  /** Called once per JSON-RPC request (each of a batch): its method (null when unreadable), error code or null, duration. */
  observe?: RpcObserver;
}

export type RpcObserver = (method: string | null, errorCode: number | null, durationSeconds: number) => void;
const noObserver: RpcObserver = () => {};

export interface RpcServer {
  host: string;
  httpPort: number;
  wsPort: number;
  httpUrl: string;
  wsUrl: string;
  pubsub: PubsubHub;
  stop(): Promise<void>;
}

async function handleOne(
  value: unknown,
  backend: RpcBackend,
  apiVersion: string,
  observe: RpcObserver,
  context: RequestContext,
) {
  const id = requestIdOf(value);
  const startedMs = performance.now();
  const method =
    value !== null && typeof value === "object" && typeof (value as { method?: unknown }).method === "string"
      ? (value as { method: string }).method
      : null;
  try {
    const request = asRequest(value);
    const response = successResponse(
      request.id,
      await callMethod(request.method, request.params, backend, apiVersion, context),
    );
    observe(method, null, (performance.now() - startedMs) / 1000);
    return response;
  } catch (error) {
    const rpcError = error instanceof JsonRpcError ? error : internalError();
    observe(method, rpcError.code, (performance.now() - startedMs) / 1000);
    return errorResponse(id, rpcError);
  }
}

async function handleJsonRpc(
  body: string,
  backend: RpcBackend,
  apiVersion: string,
  observe: RpcObserver,
  context: RequestContext,
): Promise<unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    const error = parseError();
    observe(null, error.code, 0);
    return errorResponse(null, error);
  }
  if (!Array.isArray(parsed)) return handleOne(parsed, backend, apiVersion, observe, context);
  if (parsed.length === 0) {
    observe(null, -32600, 0);
    return errorResponse(null, invalidRequest());
  }
  if (parsed.length > BATCH_REQUESTS_MAX) {
    observe(null, -32600, 0);
    return errorResponse(
      null,
      invalidRequest(`Invalid request: batch of ${parsed.length} exceeds ${BATCH_REQUESTS_MAX}`),
    );
  }
  const responses = [];
  for (const item of parsed) responses.push(await handleOne(item, backend, apiVersion, observe, context));
  return responses;
}

function listen<T>(make: (port: number) => Server<T>, port: number, what: string): Server<T> {
  try {
    return make(port);
  } catch (error) {
    throw bankError(
      RPC_SERVER_BIND_FAILED,
      "RPC_SERVER_BIND_FAILED",
      `cannot listen for ${what} on port ${port}: ${String(error)}`,
      {
        port,
      },
    );
  }
}

export function startRpcServer(options: RpcServerOptions): RpcServer {
  const host = options.host ?? DEFAULT_RPC_HOST;
  const backend = options.backend;
  const apiVersion = options.apiVersion ?? EMULATED_SOLANA_CORE_VERSION;
  const statusCallback =
    options.status ??
    (async () => ({ health: await backend.getHealth(), ...(await backend.getChainHead()) }));
  const metricsCallback = options.metrics ?? (() => "");

  const http = listen(
    (port) =>
      Bun.serve({
        hostname: host,
        port,
        maxRequestBodySize: REQUEST_BODY_BYTES_MAX,
        async fetch(request, server) {
          const url = new URL(request.url);
          if (request.method === "GET" && url.pathname === "/health") {
            return new Response(await backend.getHealth(), { headers: { "content-type": "text/plain" } });
          }
          if (request.method === "GET" && url.pathname === "/status") {
            return new Response(stringifyJson(await statusCallback()), {
              headers: { "content-type": "application/json" },
            });
          }
          if (request.method === "GET" && url.pathname === "/metrics") {
            return new Response(await metricsCallback(), {
              headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
            });
          }
          if (request.method !== "POST" || url.pathname !== "/") {
            return new Response("Method Not Allowed", { status: 405 });
          }
          // The connection it came on: each JSON-RPC connection is a source of its own for fair shares.
          const peer = server.requestIP(request);
          const response = await handleJsonRpc(
            await request.text(),
            backend,
            apiVersion,
            options.observe ?? noObserver,
            peer === null ? {} : { connectionId: connectionId(peer.address, peer.port) },
          );
          return new Response(stringifyJson(response), { headers: { "content-type": "application/json" } });
        },
      }),
    options.httpPort ?? DEFAULT_RPC_PORT,
    "HTTP JSON-RPC",
  );
  const httpPort = http.port as number;
  const pubsub = new PubsubHub(backend);
  const wsPortWanted = options.wsPort ?? (options.httpPort === 0 ? 0 : httpPort + 1);
  let ws: Server<PubsubConnection>;
  try {
    ws = listen(
      (port) =>
        Bun.serve<PubsubConnection>({
          hostname: host,
          port,
          fetch(request, server) {
            if (server.upgrade(request, { data: { subscriptionIds: new Set<number>() } })) return undefined;
            return new Response("Expected a WebSocket upgrade", { status: 400 });
          },
          websocket: {
            maxPayloadLength: 1024 * 1024,
            message(socket, message) {
              const text = typeof message === "string" ? message : new TextDecoder().decode(message);
              pubsub.handleMessage(socket, text).catch(() => {});
            },
            close(socket) {
              pubsub.dropConnection(socket);
            },
          },
        }),
      wsPortWanted,
      "PubSub WebSocket",
    );
  } catch (error) {
    http.stop(true);
    pubsub.close();
    throw error;
  }
  const wsPort = ws.port as number;
  return {
    host,
    httpPort,
    wsPort,
    httpUrl: `http://${host}:${httpPort}`,
    wsUrl: `ws://${host}:${wsPort}`,
    pubsub,
    async stop() {
      pubsub.close();
      await Promise.all([http.stop(true), ws.stop(true)]);
    },
  };
}
