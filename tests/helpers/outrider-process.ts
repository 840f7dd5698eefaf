// Starts a real `outrider run` process (from source, or the compiled binary) on free
// ports, waits for its "listening" line, and stops it with a signal as an operator would.
import type { Subprocess } from "bun";
import { CLI_ENTRY, REPO_ROOT } from "./cli.ts";

export interface OutriderProcess {
  rpcUrl: string;
  pubsubUrl: string;
  tpuHost: string;
  tpuPort: number;
  child: Subprocess;
  stderr(): string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: "SIGTERM" | "SIGINT"): Promise<number>;
  /** Current value of one Prometheus series, e.g. metric('outrider_verify_transactions_dropped_total{reason="duplicate"}'). */
  metric(series: string): Promise<number>;
}

export async function startOutrider(
  extraArgs: string[] = [],
  options: { binary?: string; cwd?: string; startTimeoutMs?: number } = {},
): Promise<OutriderProcess> {
  const command = options.binary ? [options.binary] : [process.execPath, CLI_ENTRY];
  const child = Bun.spawn(
    [
      ...command,
      "run",
      "--rpc-bind",
      "127.0.0.1:0",
      "--tpu-bind",
      "127.0.0.1:0",
      "--slot-ms",
      "100",
      "--verify-workers",
      "1",
      "--set",
      "ingress.pool_packets=4096",
      ...extraArgs,
    ],
    { cwd: options.cwd ?? REPO_ROOT, stdout: "pipe", stderr: "pipe", env: { ...process.env } },
  );
  let stderrText = "";
  void (async () => {
    for await (const chunk of child.stderr as ReadableStream<Uint8Array>)
      stderrText += new TextDecoder().decode(chunk);
  })();
  const reader = (child.stdout as ReadableStream<Uint8Array>).getReader();
  let stdoutText = "";
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  let match: RegExpMatchArray | null = null;
  while (!match) {
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`outrider did not start in time; stderr:\n${stderrText}`);
    }
    const { value, done } = await reader.read();
    if (done)
      throw new Error(
        `outrider exited before listening (code ${await child.exited}); stderr:\n${stderrText}`,
      );
    stdoutText += new TextDecoder().decode(value);
    match = stdoutText.match(/outrider listening rpc=(\S+) pubsub=(\S+) tpu=(\S+):(\d+)/);
  }
  reader.releaseLock();
  const [, rpcUrl, pubsubUrl, tpuHost, tpuPort] = match;
  return {
    rpcUrl,
    pubsubUrl,
    tpuHost,
    tpuPort: Number(tpuPort),
    child,
    stderr: () => stderrText,
    async stop(signal = "SIGTERM") {
      child.kill(signal);
      return await child.exited;
    },
    async metric(series: string) {
      const text = await (await fetch(`${rpcUrl}/metrics`)).text();
      for (const line of text.split("\n")) {
        if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
      }
      return 0;
    },
  };
}

export { REPO_ROOT };

/** Polls `series` on `process` until it reaches `atLeast` or `timeoutMs` passes; returns the last value. */
export async function waitForMetric(
  process: OutriderProcess,
  series: string,
  atLeast: number,
  timeoutMs = 10_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let value = 0;
  while (Date.now() < deadline) {
    value = await process.metric(series);
    if (value >= atLeast) return value;
    await Bun.sleep(25);
  }
  return value;
}
