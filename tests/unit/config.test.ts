// Configuration: layering order, unknown keys, wrong types, env mapping, flags and profiles.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { ConfigErrors } from "../../src/config/errors.ts";
import { envNameToPath } from "../../src/config/layers.ts";
import { FLAG_NOT_AVAILABLE, resolveConfig } from "../../src/config/load.ts";
import { DEFAULT_CONFIG } from "../../src/config/schema.ts";
import { FLAG_DEFINITIONS } from "../../src/flags/registry.ts";
import { runOutrider } from "../helpers/cli.ts";

const directory = mkdtempSync(join(tmpdir(), "outrider-config-"));
function tomlFile(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

function errorsOf(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigErrors) return error.errors.map((each) => each.message);
    throw error;
  }
  throw new Error("expected configuration errors");
}

describe("configuration layers", () => {
  test("embedded defaults are complete and valid", () => {
    const resolved = resolveConfig({});
    expect(resolved.config).toEqual(DEFAULT_CONFIG);
    expect(resolved.config.bank.slot_ms).toBe(400);
    expect(resolved.config.tpu.bind).toBe("127.0.0.1:7700");
    expect(resolved.config.rpc.bind).toBe("127.0.0.1:7799");
    expect(Object.values(resolved.config.flags).every((enabled) => enabled === false)).toBe(true);
  });

  test("precedence: defaults < file < environment < command line, for any subset of layers", () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 10, max: 60_000 }), { nil: undefined }),
        fc.option(fc.integer({ min: 10, max: 60_000 }), { nil: undefined }),
        fc.option(fc.integer({ min: 10, max: 60_000 }), { nil: undefined }),
        (fileMs, envMs, cliMs) => {
          const file = fileMs === undefined ? undefined : tomlFile("p.toml", `[bank]\nslot_ms = ${fileMs}\n`);
          const resolved = resolveConfig({
            file,
            env: envMs === undefined ? {} : { OUTRIDER_BANK_SLOT_MS: String(envMs) },
            cli: cliMs === undefined ? undefined : { bank: { slot_ms: cliMs } },
          });
          const expected = cliMs ?? envMs ?? fileMs ?? 400;
          expect(resolved.config.bank.slot_ms).toBe(expected);
          const expectedSource =
            cliMs !== undefined
              ? "cli"
              : envMs !== undefined
                ? "env"
                : fileMs !== undefined
                  ? `file:${file}`
                  : undefined;
          expect(resolved.sources["bank.slot_ms"]).toBe(expectedSource as string);
        },
      ),
      { numRuns: 60 },
    );
  });

  test("unknown keys are refused with their full path and the file that set them", () => {
    const file = tomlFile("unknown.toml", "[bank]\nslot_msec = 5\n[nothing]\nx = 1\n");
    const messages = errorsOf(() => resolveConfig({ file }));
    expect(messages).toContain(`${file}: unknown key 'bank.slot_msec'`);
    expect(messages).toContain(`${file}: unknown key 'nothing'`);
  });

  test("wrong types say what was expected", () => {
    const file = tomlFile(
      "types.toml",
      '[ingress]\nqueue_packets_max = "many"\n[layout]\naffinity = "sometimes"\n',
    );
    const messages = errorsOf(() => resolveConfig({ file }));
    expect(
      messages.some((m) => m.includes("'ingress.queue_packets_max' expected number, received string")),
    ).toBe(true);
    expect(messages.some((m) => m.includes("'layout.affinity'") && m.includes('"auto"'))).toBe(true);
  });

  test("out-of-range values and malformed addresses are rejected", () => {
    const messages = errorsOf(() =>
      resolveConfig({ cli: { bank: { slot_ms: 1 }, tpu: { bind: "nohost" } } }),
    );
    expect(messages.some((m) => m.startsWith("command line: 'bank.slot_ms'"))).toBe(true);
    expect(messages.some((m) => m.includes("'tpu.bind'") && m.includes("HOST:PORT"))).toBe(true);
  });

  test("environment variables map to keys, and unknown OUTRIDER_* variables are errors", () => {
    expect(envNameToPath("OUTRIDER_BANK_SLOT_MS")).toBe("bank.slot_ms");
    expect(envNameToPath("OUTRIDER_LAYOUT_RESERVED_CPUS")).toBe("layout.reserved_cpus");
    expect(envNameToPath("OUTRIDER_ENABLE_FAST_PATH")).toBe("flags.enable_fast_path");
    const resolved = resolveConfig({
      env: { OUTRIDER_LAYOUT_RESERVED_CPUS: "0,2", OUTRIDER_LOG_FORMAT: "text" },
    });
    expect(resolved.config.layout.reserved_cpus).toEqual([0, 2]);
    expect(resolved.config.log.format).toBe("text");
    // A list of base58 ids stays strings, even an all-digit one (the System program's).
    const programs = resolveConfig({
      env: { OUTRIDER_UPSTREAM_MARKET_PROGRAMS: "11111111111111111111111111111111" },
    });
    expect(programs.config.upstream.market_programs).toEqual(["11111111111111111111111111111111"]);
    const messages = errorsOf(() => resolveConfig({ env: { OUTRIDER_BANK_SLOTS: "3" } }));
    expect(messages[0]).toContain("OUTRIDER_BANK_SLOTS");
  });

  test("a config file that is not TOML is an error naming the file", () => {
    const file = tomlFile("broken.toml", "[bank\nslot_ms = 3");
    expect(() => resolveConfig({ file })).toThrow(/broken\.toml.*not valid TOML/);
    expect(() => resolveConfig({ file: join(directory, "missing.toml") })).toThrow(/does not exist/);
  });
});

describe("feature flags", () => {
  test("the registry holds the five flags of DESIGN.md, each with a description, default and stage", () => {
    expect(FLAG_DEFINITIONS.map((definition) => definition.cli)).toEqual([
      "--enable-trading-cache",
      "--enable-adaptive-buffering",
      "--enable-fast-path",
      "--enable-advanced-memory",
      "--enable-market-data",
    ]);
    for (const definition of FLAG_DEFINITIONS) {
      expect(definition.description.length).toBeGreaterThan(10);
      expect(definition.stages.length).toBeGreaterThan(0);
      expect(definition.defaultEnabled).toBe(false);
      expect(definition.env).toBe(`OUTRIDER_${definition.key.toUpperCase()}`);
    }
  });

  test("asking explicitly for an unavailable flag is an error, from any explicit layer", () => {
    for (const definition of FLAG_DEFINITIONS.filter((each) => !each.available)) {
      const viaCli = () => resolveConfig({ cli: { flags: { [definition.key]: true } } });
      const viaEnv = () => resolveConfig({ env: { [definition.env]: "true" } });
      const viaFile = () =>
        resolveConfig({ file: tomlFile("f.toml", `[flags]\n${definition.key} = true\n`) });
      for (const attempt of [viaCli, viaEnv, viaFile]) {
        try {
          attempt();
          throw new Error("expected an error");
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigErrors);
          expect((error as ConfigErrors).code).toBe(FLAG_NOT_AVAILABLE);
          expect((error as ConfigErrors).message).toContain(definition.cli);
        }
      }
    }
  });

  test("a profile naming unavailable flags starts without them and says so", () => {
    const resolved = resolveConfig({ profile: "trading" });
    const unavailable = FLAG_DEFINITIONS.filter((each) => !each.available);
    expect(resolved.flagsUnavailable.map((flag) => flag.key)).toEqual(unavailable.map((each) => each.key));
    expect(resolved.warnings).toHaveLength(unavailable.length);
    for (const definition of unavailable) expect(resolved.config.flags[definition.key]).toBe(false);
  });

  test("baseline profile is all off; explicit flags override the profile", () => {
    const resolved = resolveConfig({ profile: "baseline" });
    expect(resolved.profile).toBe("baseline");
    expect(Object.values(resolved.config.flags).every((enabled) => !enabled)).toBe(true);
    const file = tomlFile("prof.toml", 'profile = "trading"\n[flags]\nenable_fast_path = false\n');
    const overridden = resolveConfig({ file });
    expect(overridden.flagsUnavailable.map((flag) => flag.key)).not.toContain("enable_fast_path");
  });

  test("an unknown profile is an error; a profile may only set [flags]", () => {
    expect(() => resolveConfig({ profile: "nonesuch" })).toThrow(/unknown profile 'nonesuch'/);
    const profile = tomlFile("odd.toml", "[bank]\nslot_ms = 100\n");
    expect(errorsOf(() => resolveConfig({ profile }))[0]).toContain("a profile may only set [flags]");
  });
});

describe("config and flags commands", () => {
  test("config check prints the resolved configuration as JSON", async () => {
    const file = tomlFile("ok.toml", "[bank]\nslot_ms = 250\n");
    const result = await runOutrider(["config", "check", file]);
    expect(result.exitCode).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.config.bank.slot_ms).toBe(250);
    expect(output.sources["bank.slot_ms"]).toBe(`file:${file}`);
  });

  test("config check prints every error, one line each naming the key, and exits 2", async () => {
    const file = tomlFile("bad.toml", '[bank]\nslot_ms = "x"\nbogus = 1\n');
    const result = await runOutrider(["config", "check", file]);
    expect(result.exitCode).toBe(2);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines.some((line) => line.includes("'bank.slot_ms'"))).toBe(true);
    expect(lines.some((line) => line.includes("'bank.bogus'"))).toBe(true);
  });

  test("an unavailable flag on the command line exits 2 with a one-line error", async () => {
    const result = await runOutrider(["flags", "--enable-market-data"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("--enable-market-data");
  });

  test("flags --json lists every flag with its state and availability", async () => {
    const result = await runOutrider(["flags", "--json", "--profile", "trading"]);
    expect(result.exitCode).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.profile).toBe("trading");
    expect(output.flags).toHaveLength(5);
    for (const row of output.flags) {
      expect(row.available || row.requestedButUnavailable).toBe(true);
    }
  });

  test("--help works for every command", async () => {
    for (const command of [["flags"], ["config", "check"], ["version"]]) {
      const result = await runOutrider([...command, "--help"]);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain("usage: outrider");
    }
  });
});

describe("configuration reference", () => {
  test("docs/CONFIG.md is generated from the schema and up to date", async () => {
    const { configReference } = await import("../../src/config/reference.ts");
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(new URL("../../docs/CONFIG.md", import.meta.url), "utf8");
    expect(text).toBe(configReference());
    for (const path of ["bank.slot_ms", "layout.reserved_cpus", "flags.enable_fast_path"]) {
      expect(text).toContain(`\`${path}\``);
    }
  });
});
