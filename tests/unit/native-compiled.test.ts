// The compiled-binary case: `bun build --compile` with the flags of scripts/build.ts embeds
// liboutrider.so; the binary, run from another directory, loads it, verifies natively and pins a
// Worker. With an unwritable $TMPDIR (the .so cannot be extracted) it falls back and says why.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../helpers/cli.ts";

let scratchDir = "";
let binaryPath = "";
let buildLog = "";

beforeAll(() => {
  scratchDir = mkdtempSync(join(tmpdir(), "outrider-native-check-"));
  binaryPath = join(scratchDir, "outrider-native-check");
  const build = Bun.spawnSync(
    [
      process.execPath,
      "build",
      "--compile",
      "--no-compile-autoload-dotenv",
      "--no-compile-autoload-bunfig",
      "--outfile",
      binaryPath,
      "tests/unit/native-compiled-entry.fixture.ts",
      "tests/unit/native-thread-probe.fixture.ts",
    ],
    { cwd: REPO_ROOT },
  );
  buildLog = `${build.stdout.toString()}${build.stderr.toString()}`;
  if (build.exitCode !== 0) binaryPath = "";
});

afterAll(() => {
  if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
});

function runBinary(env: Record<string, string> = {}) {
  // Run from a directory that holds neither the source tree nor build/native.
  const child = Bun.spawnSync([binaryPath], { cwd: scratchDir, env: { ...process.env, ...env } });
  return { exitCode: child.exitCode, stdout: child.stdout.toString(), stderr: child.stderr.toString() };
}

describe("compiled binary", () => {
  test("builds", () => {
    expect(binaryPath ? "built" : buildLog).toBe("built");
  });

  test("loads the embedded library from any directory, verifies natively, pins a Worker", () => {
    const run = runBinary();
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.status.available).toBe(true);
    expect(report.status.libraryPath).toStartWith("/$bunfs/");
    expect(report.status.helpers.topology.source).toBe("hwloc");
    expect(report.verifier).toBe("native-libsodium");
    expect(report.zeroRejected).toBe(true);
    expect(report.probe.libraryAvailable).toBe(true);
    if (report.probe.pin.pinned) expect(report.probe.cpus.cpus).toEqual([0]);
    else expect(report.probe.pin.reason).toContain("refused");
  });

  test("with an unwritable TMPDIR the library cannot be extracted: fallback, with the reason", () => {
    const run = runBinary({ TMPDIR: join(scratchDir, "does-not-exist") });
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.status.available).toBe(false);
    expect(report.status.reason).toContain("TMPDIR");
    expect(report.verifier).toBe("fallback-node-crypto");
    expect(report.zeroRejected).toBe(true);
    expect(report.probe.pin.pinned).toBe(false);
  });
});
