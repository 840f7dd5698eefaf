// Request/response and events between two threads over a MessagePort, for the few
// calls that are not on the packet path (RPC reads, airdrops, simulations, status
// records). Requests carry an id; errors come back as {code, message}; every pending
// call is bounded in number and rejected when the port closes.

export interface PortRequest {
  kind: "request";
  id: number;
  method: string;
  args: unknown[];
}
export interface PortResponse {
  kind: "response";
  id: number;
  result?: unknown;
  error?: { message: string; code?: number; name?: string };
}
export interface PortEvent {
  kind: "event";
  event: unknown;
}

export const PORT_CALLS_PENDING_MAX = 65_536;

/** Serves `target`'s methods named in `methods` on `port`. */
export function servePort(port: MessagePort, target: object, methods: readonly string[]): void {
  const allowed = new Set(methods);
  port.addEventListener("message", async (event: Event) => {
    const message = event as MessageEvent;
    const request = message.data as PortRequest;
    if (request?.kind !== "request") return;
    let response: PortResponse;
    try {
      if (!allowed.has(request.method)) throw new Error(`unknown method ${request.method}`);
      const method = (target as Record<string, (...args: unknown[]) => unknown>)[request.method];
      response = { kind: "response", id: request.id, result: await method.apply(target, request.args) };
    } catch (error) {
      const failure = error as { message?: string; code?: number; codeName?: string };
      response = {
        kind: "response",
        id: request.id,
        error: { message: failure.message ?? String(error), code: failure.code, name: failure.codeName },
      };
    }
    port.postMessage(response);
  });
  port.start();
}

export class PortClient {
  private readonly port: MessagePort;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly eventListeners = new Set<(event: unknown) => void>();

  constructor(port: MessagePort) {
    this.port = port;
    port.addEventListener("message", (event: Event) => {
      const message = event as MessageEvent;
      const data = message.data as PortResponse | PortEvent;
      if (data?.kind === "event") {
        for (const listener of this.eventListeners) listener(data.event);
        return;
      }
      if (data?.kind !== "response") return;
      const waiter = this.pending.get(data.id);
      if (!waiter) return;
      this.pending.delete(data.id);
      if (data.error) {
        const error = new Error(data.error.message) as Error & { code?: number };
        error.code = data.error.code;
        waiter.reject(error);
      } else {
        waiter.resolve(data.result);
      }
    });
    port.start();
  }

  call<T>(method: string, ...args: unknown[]): Promise<T> {
    if (this.pending.size >= PORT_CALLS_PENDING_MAX) {
      return Promise.reject(
        new Error(`too many calls in flight to the other thread (${PORT_CALLS_PENDING_MAX})`),
      );
    }
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.port.postMessage({ kind: "request", id, method, args } satisfies PortRequest);
    });
  }

  onEvent(listener: (event: unknown) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Rejects every call still waiting (the other side is gone). */
  failPending(reason: string): void {
    for (const waiter of this.pending.values()) waiter.reject(new Error(reason));
    this.pending.clear();
  }
}

export function postEvent(port: MessagePort, event: unknown): void {
  port.postMessage({ kind: "event", event } satisfies PortEvent);
}
