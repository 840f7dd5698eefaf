// JSON-RPC 2.0 client for the upstream Solana node (HTTP POST, single and batch requests), with a
// per-request timeout and exact u64 numbers: an integer too large for a double (lamports, rentEpoch
// u64::MAX) is read as a bigint from its source text, so values pass through Outrider unchanged.
import { type UpstreamErrorName, UpstreamRpcError, upstreamError } from "./errors.ts";

export interface UpstreamCall {
  method: string;
  /** Positional parameters as Solana takes them; undefined sends none. */
  params?: unknown;
}

export type UpstreamAnswer = { ok: true; result: unknown } | { ok: false; error: Error };

/** Called once per JSON-RPC call sent (each call of a batch): method, success, round-trip seconds. */
export type UpstreamObserver = (method: string, ok: boolean, durationSeconds: number) => void;

export interface UpstreamClientOptions {
  /** http(s)://host:port of the node's JSON-RPC. */
  url: string;
  requestTimeoutMs: number;
  observe?: UpstreamObserver;
}

/** Largest batch sent in one HTTP request (Agave's default limit on batch size is far above it). */
export const UPSTREAM_BATCH_CALLS_MAX = 100;

/** JSON.parse that keeps integers beyond 2^53 exact (as bigint), as Solana writes u64 fields. */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(text, (_key, value, context?: { source?: string }) => {
    if (typeof value === "number" && !Number.isSafeInteger(value) && context?.source !== undefined) {
      const source = context.source;
      if (/^-?\d+$/.test(source)) return BigInt(source);
    }
    return value;
  });
}

/** The PubSub URL Solana clients derive from an RPC URL: ws(s), and the next port when one is given. */
export function defaultPubsubUrl(rpcUrl: string): string {
  const url = new URL(rpcUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  if (url.port !== "") url.port = String(Number(url.port) + 1);
  return url.toString();
}

export class UpstreamClient {
  readonly url: string;
  readonly requestTimeoutMs: number;
  private readonly observe: UpstreamObserver;
  private nextId = 1;

  constructor(options: UpstreamClientOptions) {
    if (!URL.canParse(options.url) || !/^https?:$/.test(new URL(options.url).protocol)) {
      throw upstreamError("UPSTREAM_BAD_URL", `upstream URL must be http(s)://…, got '${options.url}'`);
    }
    this.url = options.url;
    this.requestTimeoutMs = options.requestTimeoutMs;
    this.observe = options.observe ?? (() => {});
  }

  /** One call; resolves with its result, rejects with UpstreamRpcError or an UPSTREAM_* error. */
  async call<T = unknown>(method: string, params?: unknown): Promise<T> {
    const [answer] = await this.batch([{ method, params }], false);
    if (!answer.ok) throw answer.error;
    return answer.result as T;
  }

  /**
   * Several calls in one HTTP request (a JSON-RPC batch), answers in call order. A transport failure
   * answers every call with the same error; a JSON-RPC error answers only its own call.
   */
  async batch(calls: readonly UpstreamCall[], asArray = true): Promise<UpstreamAnswer[]> {
    if (calls.length === 0) return [];
    if (calls.length > UPSTREAM_BATCH_CALLS_MAX) {
      throw upstreamError(
        "UPSTREAM_LIMIT",
        `batch of ${calls.length} calls exceeds ${UPSTREAM_BATCH_CALLS_MAX}`,
      );
    }
    const firstId = this.nextId;
    this.nextId = (this.nextId + calls.length) % 0x40000000;
    const requests = calls.map((call, index) =>
      call.params === undefined
        ? { jsonrpc: "2.0", id: firstId + index, method: call.method }
        : { jsonrpc: "2.0", id: firstId + index, method: call.method, params: call.params },
    );
    const body = stringifyExact(asArray ? requests : requests[0]);
    const startedMs = performance.now();
    const fail = (name: UpstreamErrorName, message: string): UpstreamAnswer[] => {
      const seconds = (performance.now() - startedMs) / 1000;
      for (const call of calls) this.observe(call.method, false, seconds);
      const error = upstreamError(name, message, { url: this.url });
      return calls.map(() => ({ ok: false, error }));
    };
    let text: string;
    try {
      const response = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      text = await response.text();
      if (!response.ok && text === "") return fail("UPSTREAM_BAD_RESPONSE", `HTTP ${response.status}`);
    } catch (error) {
      const reason =
        (error as Error).name === "TimeoutError"
          ? `no answer within ${this.requestTimeoutMs} ms`
          : String(error);
      return fail("UPSTREAM_UNREACHABLE", `upstream ${this.url}: ${reason}`);
    }
    let parsed: unknown;
    try {
      parsed = parseJsonExact(text);
    } catch {
      return fail("UPSTREAM_BAD_RESPONSE", `upstream answered non-JSON: ${text.slice(0, 120)}`);
    }
    const seconds = (performance.now() - startedMs) / 1000;
    const list = Array.isArray(parsed) ? parsed : [parsed];
    const byId = new Map<unknown, Record<string, unknown>>();
    for (const item of list) {
      if (item !== null && typeof item === "object")
        byId.set((item as { id?: unknown }).id, item as Record<string, unknown>);
    }
    return calls.map((call, index) => {
      // A batch-level error (e.g. the node refuses batches) comes back once, with id null.
      const item =
        byId.get(firstId + index) ?? (list.length === 1 ? (list[0] as Record<string, unknown>) : undefined);
      if (item === undefined) {
        this.observe(call.method, false, seconds);
        return {
          ok: false,
          error: upstreamError("UPSTREAM_BAD_RESPONSE", `upstream gave no answer to ${call.method}`),
        };
      }
      if (item.error !== undefined && item.error !== null) {
        const error = item.error as { code?: unknown; message?: unknown; data?: unknown };
        this.observe(call.method, false, seconds);
        return {
          ok: false,
          error: new UpstreamRpcError(
            typeof error.code === "number" ? error.code : -32603,
            typeof error.message === "string" ? error.message : "upstream error",
            error.data,
            call.method,
          ),
        };
      }
      if (!("result" in item)) {
        this.observe(call.method, false, seconds);
        return {
          ok: false,
          error: upstreamError("UPSTREAM_BAD_RESPONSE", `upstream answer to ${call.method} has no result`),
        };
      }
      this.observe(call.method, true, seconds);
      return { ok: true, result: item.result };
    });
  }
}

const BIGINT_MARK = "\u0000bigint:";
const BIGINT_PATTERN = /"\\u0000bigint:(-?\d+)"/g;

/** JSON.stringify writing bigints as bare JSON numbers (u64 values sent to the upstream). */
export function stringifyExact(value: unknown): string {
  const text = JSON.stringify(value, (_key, inner) =>
    typeof inner === "bigint" ? `${BIGINT_MARK}${inner.toString()}` : inner,
  );
  return text.replace(BIGINT_PATTERN, "$1");
}
