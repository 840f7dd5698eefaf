// Starts and stops the system under test: a real `outrider run` in its own process, from the same
// executable as this command (the compiled binary, or Bun running src/cli/main.ts), on free loopback
// ports, with JavaScriptCore's GC log on (BUN_JSC_logGC=1) so pauses and allocation can be read from
// its stderr. Also the load client's process (`outrider simulate __client`), from the same executable.
import type { Subprocess } from "bun";
import { simulateError } from "./errors.ts";
import { GcLog, type GcMark, type GcSummary } from "./gc-log.ts";
import { readLines } from "./lines.ts";
import type { CompanionAddress } from "./protocol.ts";

const START_TIMEOUT_MS = 60_000;
const STDERR_LINES_KEPT = 40;
const STATUS_WAIT_MS = 5_000;
const LISTENING = /outrider listening rpc=(\S+) pubsub=(\S+) tpu=(\S+):(\d+)/;

/** The command that runs this executable: [binary] when compiled, [bun, src/cli/main.ts] from source. */
export function selfCommand(): string[] {
  if (import.meta.url.includes("/$bunfs/")) return [process.execPath];
  return [process.execPath, new URL("../cli/main.ts", import.meta.url).pathname];
}

export interface StageThread {
  instance: string;
  threadId: number | null;
}

export interface CompanionStatus {
  flags: Record<string, boolean>;
  flagsUnavailable: { key: string }[];
  stages: StageThread[];
  inFlightTransactions: number;
  slot: number;
}

export interface Companion extends CompanionAddress {
  pid: number;
  child: Subprocess;
  /** Exit code once the process has ended. */
  exited: Promise<number>;
  status(): Promise<CompanionStatus>;
  metricsText(): Promise<string>;
  /** SIGTERM (drains in-flight work) and wait. */
  stop(): Promise<number>;
  /** SIGKILL (kill -9): no drain, no cleanup. */
  kill9(): Promise<number>;
  gcMark(): GcMark;
  gc(since?: GcMark): GcSummary;
  /** The last lines of its stderr other than the GC log (for error messages). */
  stderrTail(): string;
}

export interface CompanionOptions {
  profile: string;
  slotMs: number;
  /** Further `outrider run` options (e.g. --set KEY=VALUE). */
  extraArgs: string[];
}

export async function startCompanion(options: CompanionOptions): Promise<Companion> {
  const child = Bun.spawn(
    [
      ...selfCommand(),
      "run",
      "--profile",
      options.profile,
      "--rpc-bind",
      "127.0.0.1:0",
      "--tpu-bind",
      "127.0.0.1:0",
      "--slot-ms",
      String(options.slotMs),
      "--log-level",
      "warn",
      "--set",
      "bank.airdrop_lamports_max=1000000000000000",
      ...options.extraArgs,
    ],
    {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, BUN_JSC_logGC: "1" },
    },
  );
  const gcLog = new GcLog();
  const tail: string[] = [];
  void (async () => {
    for await (const line of readLines(child.stderr as ReadableStream<Uint8Array>)) {
      if (gcLog.feed(line)) continue;
      tail.push(line);
      if (tail.length > STDERR_LINES_KEPT) tail.shift();
    }
  })();
  const stdout = readLines(child.stdout as ReadableStream<Uint8Array>);
  const listening = await Promise.race([
    (async () => {
      for await (const line of stdout) {
        const match = LISTENING.exec(line);
        if (match) return match;
      }
      return null;
    })(),
    Bun.sleep(START_TIMEOUT_MS).then(() => null),
  ]);
  if (listening === null) {
    child.kill("SIGKILL");
    await child.exited;
    throw simulateError(
      "COMPANION_START_FAILED",
      `outrider run (profile ${options.profile}) did not start: ${tail.slice(-8).join("\n")}`,
    );
  }
  void (async () => {
    for await (const _line of stdout) {
      // Drain stdout so the companion never blocks on a full pipe.
    }
  })();
  const [, rpcUrl, , tpuHost, tpuPort] = listening;
  const stopWith = async (signal: "SIGTERM" | "SIGKILL") => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return await child.exited;
  };
  return {
    pid: child.pid,
    child,
    rpcUrl,
    tpuHost,
    tpuPort: Number(tpuPort),
    exited: child.exited,
    async status() {
      // The stage list reaches /status a moment after the listening line: wait for it.
      const deadline = performance.now() + STATUS_WAIT_MS;
      for (;;) {
        const status = (await (await fetch(`${rpcUrl}/status`)).json()) as Partial<CompanionStatus>;
        if (Array.isArray(status.stages) || performance.now() > deadline)
          return {
            ...status,
            stages: status.stages ?? [],
            flags: status.flags ?? {},
            flagsUnavailable: status.flagsUnavailable ?? [],
          } as CompanionStatus;
        await Bun.sleep(20);
      }
    },
    async metricsText() {
      return await (await fetch(`${rpcUrl}/metrics`)).text();
    },
    stop: () => stopWith("SIGTERM"),
    kill9: () => stopWith("SIGKILL"),
    gcMark: () => gcLog.mark(),
    gc: (since) => gcLog.summary(since),
    stderrTail: () => tail.join("\n"),
  };
}
