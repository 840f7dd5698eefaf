// Topology: hwloc through the native library, the /sys fallback (checked against a synthetic /sys of a
// two-socket hyperthreaded machine), and the os.cpus() last resort. Each says which source it used.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus as osCpus, tmpdir } from "node:os";
import { join } from "node:path";
import { defaultNativeLibrary, type NativeLibrary, openNativeLibrary } from "../../src/native/library.ts";
import { decodeHwlocLayout, parseSysfsSize, readTopology, type Topology } from "../../src/native/topology.ts";

const noLibrary: NativeLibrary = { available: false, path: null, reason: "test: no library" };
const scratchDirs: string[] = [];
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

function expectConsistent(topology: Topology): void {
  expect(topology.coresList).toHaveLength(topology.cores);
  const pus = topology.coresList.flatMap((core) => core.pus);
  expect(pus).toHaveLength(topology.pus);
  expect(new Set(pus).size).toBe(pus.length);
  topology.coresList.forEach((core, index) => {
    expect(core.core).toBe(index);
    expect(core.pus.length).toBeGreaterThan(0);
    expect(core.package).toBeLessThan(topology.packages);
  });
}

/** A /sys tree for 2 packages × 2 cores × 2 threads, one NUMA node per package, L3 per package. */
function writeSyntheticSys(): string {
  const root = mkdtempSync(join(tmpdir(), "outrider-sys-"));
  scratchDirs.push(root);
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), `${text}\n`);
  };
  write("devices/system/cpu/online", "0-7");
  // Linux numbering: cpu N and N+4 are siblings.
  for (let cpu = 0; cpu < 8; cpu++) {
    const physical = cpu % 4;
    const packageId = Math.floor(physical / 2);
    const coreId = physical % 2;
    const base = `devices/system/cpu/cpu${cpu}`;
    write(`${base}/topology/physical_package_id`, `${packageId}`);
    write(`${base}/topology/core_id`, `${coreId}`);
    const siblings = `${physical},${physical + 4}`;
    const l3Shared = packageId === 0 ? "0-1,4-5" : "2-3,6-7";
    const caches = [
      ["1", "Data", "32K", siblings],
      ["1", "Instruction", "32K", siblings],
      ["2", "Unified", "1024K", siblings],
      ["3", "Unified", "32768K", l3Shared],
    ];
    caches.forEach(([level, type, size, shared], index) => {
      write(`${base}/cache/index${index}/level`, level);
      write(`${base}/cache/index${index}/type`, type);
      write(`${base}/cache/index${index}/size`, size);
      write(`${base}/cache/index${index}/shared_cpu_list`, shared);
    });
  }
  write("devices/system/node/node0/cpulist", "0-1,4-5");
  write("devices/system/node/node1/cpulist", "2-3,6-7");
  return root;
}

describe("readTopology", () => {
  test("hwloc through the native library", () => {
    const topology = readTopology();
    expect(topology.source).toBe(defaultNativeLibrary.available ? "hwloc" : "sysfs");
    expectConsistent(topology);
    expect(topology.pus).toBe(osCpus().length);
    expect(topology.caches.map((cache) => cache.name)).toContain("L1d");
    for (const cache of topology.caches) expect(cache.sizeBytes).toBeGreaterThan(0);
  });

  test("the /sys fallback agrees with hwloc on this machine", () => {
    const hwloc = readTopology();
    const sysfs = readTopology(noLibrary);
    expect(sysfs.source).toBe("sysfs");
    expect(sysfs.fallbackReason).toContain("test: no library");
    expect(sysfs.coresList.map((core) => core.pus)).toEqual(hwloc.coresList.map((core) => core.pus));
    expect([sysfs.packages, sysfs.cores, sysfs.pus, sysfs.numaNodes]).toEqual([
      hwloc.packages,
      hwloc.cores,
      hwloc.pus,
      hwloc.numaNodes,
    ]);
    expect(sysfs.caches).toEqual(hwloc.caches);
  });

  test("the /sys fallback reads a two-socket hyperthreaded machine", () => {
    const topology = readTopology(noLibrary, writeSyntheticSys());
    expect(topology).toMatchObject({ source: "sysfs", packages: 2, cores: 4, pus: 8, numaNodes: 2 });
    expect(topology.coresList).toEqual([
      { core: 0, package: 0, numaNode: 0, l3: 0, pus: [0, 4] },
      { core: 1, package: 0, numaNode: 0, l3: 0, pus: [1, 5] },
      { core: 2, package: 1, numaNode: 1, l3: 1, pus: [2, 6] },
      { core: 3, package: 1, numaNode: 1, l3: 1, pus: [3, 7] },
    ]);
    expect(topology.caches).toEqual([
      { name: "L1d", sizeBytes: 32 * 1024, count: 4 },
      { name: "L2", sizeBytes: 1024 * 1024, count: 4 },
      { name: "L3", sizeBytes: 32 * 1024 * 1024, count: 2 },
    ]);
  });

  test("without hwloc and /sys: os.cpus(), one core per PU, marked as such", () => {
    const topology = readTopology(openNativeLibrary("/nonexistent/liboutrider.so"), "/nonexistent-sys");
    expect(topology.source).toBe("os.cpus");
    expect(topology.fallbackReason).toContain("dlopen failed");
    expect(topology.pus).toBe(osCpus().length);
    expectConsistent(topology);
  });
});

describe("decodeHwlocLayout", () => {
  test("groups PU records into cores and rejects unknown layouts", () => {
    // 1 package, 2 cores × 2 PUs (0,2 on core 0; 1,3 on core 1), no NUMA info, L2 only.
    const header = [1, 1, 2, 4, 0, 0, 0, 524288, 2, 0, 0, 4, 5];
    const records = [0, 0, 0, -1, -1, 1, 1, 0, -1, -1, 2, 0, 0, -1, -1, 3, 1, 0, -1, -1];
    const topology = decodeHwlocLayout(BigInt64Array.from([...header, ...records].map(BigInt)));
    expect(topology.coresList).toEqual([
      { core: 0, package: 0, numaNode: 0, l3: null, pus: [0, 2] },
      { core: 1, package: 0, numaNode: 0, l3: null, pus: [1, 3] },
    ]);
    expect(topology.caches).toEqual([{ name: "L2", sizeBytes: 524288, count: 2 }]);
    expect(topology.numaNodes).toBe(1);
    expect(() => decodeHwlocLayout(BigInt64Array.from([2n, ...header.slice(1).map(BigInt)]))).toThrow(
      /layout/,
    );
    expect(() => decodeHwlocLayout(BigInt64Array.from(header.map(BigInt)))).toThrow(/truncated/);
  });

  test("parseSysfsSize", () => {
    expect(parseSysfsSize("48K")).toBe(49152);
    expect(parseSysfsSize("2M")).toBe(2 * 1024 * 1024);
    expect(parseSysfsSize("512")).toBe(512);
    expect(parseSysfsSize("huge")).toBeNull();
  });
});

describe("formatTopology", () => {
  test("one line per core with its CPUs", async () => {
    const { formatTopology } = await import("../../src/native/topology-format.ts");
    const text = formatTopology(readTopology(noLibrary, writeSyntheticSys()));
    expect(text).toContain("source: sysfs (native library unavailable: test: no library)");
    expect(text).toContain("packages: 2  cores: 4  cpus: 8  numa nodes: 2");
    expect(text).toContain("caches: L1d 32 KiB ×4, L2 1 MiB ×4, L3 32 MiB ×2");
    expect(text).toContain("core 3: cpus 3,7  package 1  numa 1  l3 1");
  });
});
