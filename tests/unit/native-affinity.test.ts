// CPU pinning and I/O priority are per thread: a Bun Worker pins itself and sets its I/O priority, the
// main thread's mask and priority stay as they were. Malformed arguments throw; refusals are results.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { isOutriderError } from "../../src/errors.ts";
import {
  currentThreadCpus,
  getIoPriority,
  NATIVE_INVALID_CPU,
  NATIVE_INVALID_IO_PRIORITY,
  parseCpuList,
  pinCurrentThread,
  setIoPriority,
} from "../../src/native/index.ts";
import { defaultNativeLibrary } from "../../src/native/library.ts";

interface ProbeReport {
  pin: { pinned: boolean; cpu: number; reason?: string };
  cpus: { available: boolean; cpus?: number[]; source?: string; reason?: string };
  runningOn: number | null;
  ioSet: { set: boolean; reason?: string };
  ioRead: { available: boolean; ioClass?: string; level?: number };
  threadId: number | null;
  libraryAvailable: boolean;
}

function runProbe(cpu: number, ioLevel: number): Promise<ProbeReport> {
  const worker = new Worker(new URL("./native-thread-probe.fixture.ts", import.meta.url).href);
  return new Promise<ProbeReport>((resolvePromise, reject) => {
    worker.onmessage = (event: MessageEvent<ProbeReport>) => resolvePromise(event.data);
    worker.onerror = (event) => reject(new Error(`probe worker failed: ${event.message}`));
    worker.postMessage({ cpu, ioLevel });
  }).finally(() => worker.terminate());
}

function expectOutriderError(action: () => unknown, code: number): void {
  try {
    action();
  } catch (error) {
    expect(isOutriderError(error, code)).toBe(true);
    return;
  }
  throw new Error(`expected OutriderError ${code}`);
}

describe("native library in the source tree", () => {
  test("loads (make native builds it before tests)", () => {
    expect(defaultNativeLibrary.available ? "loaded" : defaultNativeLibrary.reason).toBe("loaded");
  });
});

describe("pinning inside a Bun Worker", () => {
  test("the worker pins itself to CPU 0 and reads the mask back; the main thread is not moved", async () => {
    const mainBefore = currentThreadCpus();
    const report = await runProbe(0, 5);
    if (report.pin.pinned) {
      expect(report.cpus).toMatchObject({ available: true, cpus: [0], source: "native" });
      expect(report.runningOn).toBe(0);
    } else {
      // A host that refuses (cpuset without CPU 0, seccomp): the reason must say so.
      expect(report.pin.reason).toMatch(/refused|unavailable/);
    }
    expect(currentThreadCpus()).toEqual(mainBefore);
    expect(report.threadId).not.toBe(
      defaultNativeLibrary.available ? defaultNativeLibrary.symbols.outrider_current_thread_id() : -1,
    );
  });

  test("the worker's I/O priority is its own", async () => {
    const mainBefore = getIoPriority();
    const report = await runProbe(0, 6);
    if (report.ioSet.set)
      expect(report.ioRead).toMatchObject({ available: true, ioClass: "best-effort", level: 6 });
    else expect(report.ioSet.reason).toMatch(/refused|unavailable/);
    expect(getIoPriority()).toEqual(mainBefore);
  });
});

describe("argument checks and refusals", () => {
  test("a malformed CPU number throws NATIVE_INVALID_CPU", () => {
    for (const cpu of [-1, 1.5, 1024, Number.NaN])
      expectOutriderError(() => pinCurrentThread(cpu), NATIVE_INVALID_CPU);
  });

  test("a CPU this machine lacks is a refusal with the errno, not a throw", () => {
    const result = pinCurrentThread(1023);
    expect(result.pinned).toBe(false);
    if (!result.pinned) expect(result.reason).toContain("EINVAL");
  });

  test("an I/O class or level outside the kernel's range throws NATIVE_INVALID_IO_PRIORITY", () => {
    expectOutriderError(() => setIoPriority("best-effort", 8), NATIVE_INVALID_IO_PRIORITY);
    expectOutriderError(() => setIoPriority("urgent" as "idle", 0), NATIVE_INVALID_IO_PRIORITY);
  });

  test("ioprio set/get round-trips on the calling thread (restored afterwards)", () => {
    const before = getIoPriority();
    try {
      expect(setIoPriority("best-effort", 2)).toEqual({ set: true, ioClass: "best-effort", level: 2 });
      expect(getIoPriority()).toMatchObject({ available: true, ioClass: "best-effort", level: 2 });
      expect(setIoPriority("idle", 7).set).toBe(true);
      expect(getIoPriority()).toMatchObject({ ioClass: "idle" });
    } finally {
      if (before.available) setIoPriority(before.ioClass, before.level);
    }
    expect(getIoPriority()).toEqual(before);
  });

  test("native and /proc agree on the calling thread's mask", () => {
    const native = currentThreadCpus();
    const procfs = currentThreadCpus({ available: false, path: null, reason: "test" });
    expect(procfs).toMatchObject({ available: true, source: "procfs" });
    if (native.available && procfs.available) expect(procfs.cpus).toEqual(native.cpus);
  });
});

describe("parseCpuList", () => {
  test("round-trips any set of CPU numbers written as kernel ranges", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 1023 }), { maxLength: 64 }), (cpus) => {
        const sorted = [...cpus].sort((left, right) => left - right);
        const ranges: string[] = [];
        for (let start = 0; start < sorted.length; ) {
          let end = start;
          while (end + 1 < sorted.length && sorted[end + 1] === sorted[end] + 1) end++;
          ranges.push(start === end ? `${sorted[start]}` : `${sorted[start]}-${sorted[end]}`);
          start = end + 1;
        }
        expect(parseCpuList(ranges.join(","))).toEqual(sorted);
      }),
    );
  });

  test("rejects malformed lists", () => {
    for (const text of ["a", "3-1", "0-2000", "1,,2"]) expect(() => parseCpuList(text)).toThrow();
  });
});
