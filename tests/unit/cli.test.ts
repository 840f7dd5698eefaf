// The outrider command's contract: --help everywhere, exit codes 0 / 1 / 2.
import { describe, expect, test } from "bun:test";
import { runOutrider } from "../helpers/cli.ts";

describe("outrider command", () => {
  test("--help lists commands and exits 0", async () => {
    const result = await runOutrider(["--help"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("usage: outrider <command>");
    expect(result.stdout).toContain("version");
  });

  test("no command prints usage and exits 2", async () => {
    const result = await runOutrider([]);
    expect(result.exitCode).toBe(2);
  });

  test("unknown command exits 2 with a one-line error", async () => {
    const result = await runOutrider(["frobnicate"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });

  test("version prints the package version; --json is machine-readable", async () => {
    const text = await runOutrider(["version"]);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/^outrider \d+\.\d+\.\d+ \(bun 1\.4\./);
    const json = await runOutrider(["version", "--json"]);
    expect(JSON.parse(json.stdout).bun).toMatch(/^1\.4\./);
  });

  test("an unknown option is a usage error", async () => {
    const result = await runOutrider(["version", "--no-such-option"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("--no-such-option");
  });
});
