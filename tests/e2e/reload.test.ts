// SIGHUP reloads the config file without a restart: live keys apply, every other changed
// key is reported as needing a restart, and a broken file is refused (the running
// configuration stays). SIGINT then drains and exits 0.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOutrider } from "../helpers/outrider-process.ts";

const directory = mkdtempSync(join(tmpdir(), "outrider-reload-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function waitForLog(read: () => string, text: string, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (read().includes(text)) return true;
    await Bun.sleep(25);
  }
  return false;
}

test("SIGHUP: applies live keys, reports restart-only keys, refuses a broken file", async () => {
  const file = join(directory, "outrider.toml");
  writeFileSync(file, '[log]\nlevel = "info"\n');
  const node = await startOutrider(["--config", file]);
  try {
    writeFileSync(file, '[log]\nlevel = "debug"\n[schedule]\nbatch_transactions_max = 32\n');
    node.child.kill("SIGHUP");
    expect(await waitForLog(node.stderr, '"msg":"SIGHUP: configuration reloaded"')).toBe(true);
    expect(node.stderr()).toContain('"applied":["log.level"]');
    expect(await waitForLog(node.stderr, '"key":"schedule.batch_transactions_max"')).toBe(true);
    writeFileSync(file, "[log]\nlevel = 42\n");
    node.child.kill("SIGHUP");
    expect(await waitForLog(node.stderr, "new configuration refused")).toBe(true);
    expect(await (await fetch(`${node.rpcUrl}/health`)).text()).toBe("ok");
  } finally {
    expect(await node.stop("SIGINT")).toBe(0);
  }
});
