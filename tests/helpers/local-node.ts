// Starts an in-process LocalNode on free loopback ports for tests, with a short or manual slot clock.
import { LocalNode, type LocalNodeOptions } from "../../src/server/local-node.ts";

export async function startTestNode(
  options: { slotMs?: number } & LocalNodeOptions = {},
): Promise<LocalNode> {
  return LocalNode.start({
    ...options,
    bank: { slotMs: options.slotMs ?? 50, ...options.bank },
    server: { host: "127.0.0.1", httpPort: 0, wsPort: 0, ...options.server },
  });
}

export async function rpcCall(url: string, body: unknown): Promise<any> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return response.json();
}
