// The load client's process: `outrider simulate __client` (spawned by `outrider simulate`, never by a
// user). Reads the orchestrator's messages from stdin (start first, then a restarted companion's
// address), writes its own on stdout, one JSON object per line. Exit 0 after the result, 1 on error.
import { isOutriderError } from "../errors.ts";
import { readLines } from "./lines.ts";
import { LoadClient } from "./load-client.ts";
import { type ClientMessage, type OrchestratorMessage, toJsonLine } from "./protocol.ts";

function writeLine(message: ClientMessage): Promise<void> {
  return new Promise((resolve) => {
    process.stdout.write(toJsonLine(message), () => resolve());
  });
}

export async function runLoadClientProcess(): Promise<number> {
  const lines = readLines(Bun.stdin.stream());
  const first = await lines.next();
  if (first.done) {
    await writeLine({ type: "error", message: "no start message on stdin" });
    return 1;
  }
  const start = JSON.parse(first.value) as OrchestratorMessage;
  if (start.type !== "start") {
    await writeLine({ type: "error", message: `expected a start message, got ${start.type}` });
    return 1;
  }
  const fail = async (error: unknown) => {
    const message = isOutriderError(error)
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
    await writeLine({ type: "error", message });
    process.exit(1);
  };
  const client = new LoadClient(start.config, (message) => void writeLine(message));
  void (async () => {
    for await (const line of lines) {
      if (line.trim() === "") continue;
      const message = JSON.parse(line) as OrchestratorMessage;
      if (message.type === "companion") await client.onCompanionRestarted(message.companion).catch(fail);
    }
  })();
  try {
    const result = await client.run();
    await writeLine(result);
    return 0;
  } catch (error) {
    await fail(error);
    return 1;
  }
}
