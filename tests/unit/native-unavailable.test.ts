// A host without liboutrider.so (or with a stale one): every helper reports itself unavailable with the
// reason, nothing throws, and createVerifier() falls back to node:crypto with the same verdicts.
import { describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isOutriderError } from "../../src/errors.ts";
import {
  currentCpu,
  currentThreadCpus,
  getIoPriority,
  nativeStatus,
  openNativeLibrary,
  pinCurrentThread,
  readTopology,
  setIoPriority,
} from "../../src/native/index.ts";
import {
  createVerifier,
  ED25519_NATIVE_UNAVAILABLE,
  FallbackEd25519Verifier,
  NativeEd25519Verifier,
} from "../../src/verify/ed25519.ts";
import { loadVectors } from "../conformance/ed25519-vectors.ts";
import { REPO_ROOT } from "../helpers/cli.ts";

const missing = openNativeLibrary("/nonexistent/liboutrider.so");

describe("library missing", () => {
  test("openNativeLibrary reports why instead of throwing", () => {
    expect(missing.available).toBe(false);
    if (!missing.available) expect(missing.reason).toMatch(/dlopen failed.*nonexistent/);
  });

  test("a file that is not a shared library is unavailable too", () => {
    const dir = mkdtempSync(join(tmpdir(), "outrider-native-"));
    try {
      writeFileSync(join(dir, "liboutrider.so"), "not an ELF file");
      const library = openNativeLibrary(join(dir, "liboutrider.so"));
      expect(library.available).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("every helper answers with available: false and a reason", () => {
    expect(pinCurrentThread(0, missing)).toMatchObject({
      pinned: false,
      reason: expect.stringContaining("unavailable"),
    });
    expect(setIoPriority("best-effort", 4, missing)).toMatchObject({
      set: false,
      reason: expect.stringContaining("unavailable"),
    });
    expect(getIoPriority(missing)).toMatchObject({
      available: false,
      reason: expect.stringContaining("unavailable"),
    });
    expect(currentCpu(missing)).toBeNull();
    expect(currentThreadCpus(missing)).toMatchObject({ available: true, source: "procfs" });
    expect(readTopology(missing).source).toBe("sysfs");
    const status = nativeStatus(missing);
    expect(status.available).toBe(false);
    expect(status.reason).toContain("dlopen failed");
    expect(status.helpers.affinity.available).toBe(false);
    expect(status.helpers.ioPriority.available).toBe(false);
    expect(status.helpers.ed25519).toMatchObject({ available: false, source: "node:crypto fallback" });
    expect(status.helpers.topology).toMatchObject({ available: true, source: "sysfs" });
    expect(JSON.parse(JSON.stringify(status))).toEqual(status);
  });

  test("createVerifier falls back to node:crypto, says why, and gives Solana's verdicts", async () => {
    const choice = createVerifier({ library: missing });
    expect(choice.kind).toBe("fallback-node-crypto");
    expect(choice.verifier).toBeInstanceOf(FallbackEd25519Verifier);
    expect(choice.reason).toContain("dlopen failed");
    const vectors = await loadVectors();
    for (const vector of vectors) {
      expect(choice.verifier.verify(vector.signature, vector.publicKey, vector.message)).toBe(
        vector.solanaAccepts,
      );
    }
  });

  test("asking for the native verifier explicitly throws ED25519_NATIVE_UNAVAILABLE", () => {
    let caught: unknown;
    try {
      new NativeEd25519Verifier(missing);
    } catch (error) {
      caught = error;
    }
    expect(isOutriderError(caught, ED25519_NATIVE_UNAVAILABLE)).toBe(true);
    expect(() => createVerifier({ library: missing, prefer: "native" })).toThrow(/unavailable/);
    expect(createVerifier({ prefer: "fallback" }).kind).toBe("fallback-node-crypto");
  });
});

describe("the source tree without build/native", () => {
  test("a process whose library is missing still runs and reports unavailable", async () => {
    // Copy the native and verify layers to a scratch tree with no build/ directory and import them there.
    const dir = mkdtempSync(join(tmpdir(), "outrider-nolib-"));
    try {
      mkdirSync(join(dir, "src"));
      copyFileSync(join(REPO_ROOT, "src/errors.ts"), join(dir, "src/errors.ts"));
      for (const folder of ["native", "verify"]) {
        const copy = Bun.spawnSync(["cp", "-r", join(REPO_ROOT, "src", folder), join(dir, "src", folder)]);
        expect(copy.exitCode).toBe(0);
      }
      copyFileSync(join(REPO_ROOT, "package.json"), join(dir, "package.json"));
      const script =
        'const n = await import("./src/native/index.ts"); const v = await import("./src/verify/ed25519.ts");' +
        "console.log(JSON.stringify({ status: n.nativeStatus(), pin: n.pinCurrentThread(0), kind: v.createVerifier().kind }));";
      const child = Bun.spawnSync([process.execPath, "-e", script], { cwd: dir, env: { ...process.env } });
      expect(child.stderr.toString()).toBe("");
      const report = JSON.parse(child.stdout.toString());
      expect(report.status.available).toBe(false);
      expect(report.status.reason).toContain("make native");
      expect(report.pin.pinned).toBe(false);
      expect(report.kind).toBe("fallback-node-crypto");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
