// Machine topology: packages, cores, PUs (the CPU numbers affinity uses), NUMA nodes, caches, and which
// PUs belong to which core/package/NUMA node. Read with hwloc through the native library; without it,
// from /sys (Linux) and, as a last resort, os.cpus() with one core per PU. `source` says which.
import { readdirSync, readFileSync } from "node:fs";
import { cpus as osCpus } from "node:os";
import { parseCpuList } from "./affinity.ts";
import { errnoName } from "./errno.ts";
import { defaultNativeLibrary, type NativeLibrary } from "./library.ts";

export interface TopologyCore {
  /** Core number, 0-based, in hwloc logical order (or package/core_id order from /sys). */
  core: number;
  package: number;
  numaNode: number;
  /** Which L3 cache the core shares (a CCX on AMD), null when unknown. */
  l3: number | null;
  /** CPU numbers (OS indexes) of the core's hardware threads, ascending. */
  pus: number[];
}

export interface TopologyCache {
  name: "L1d" | "L2" | "L3";
  sizeBytes: number;
  count: number;
}

export interface Topology {
  source: "hwloc" | "sysfs" | "os.cpus";
  /** Why hwloc was not used (absent when source is "hwloc"). */
  fallbackReason?: string;
  packages: number;
  cores: number;
  pus: number;
  numaNodes: number;
  caches: TopologyCache[];
  coresList: TopologyCore[];
}

/** Layout of outrider_topology_read (see native/outrider.h). */
const LAYOUT_VERSION = 1;
const HEADER_LEN = 13;
const PU_RECORD_LEN = 5;
const PU_CAPACITY_FIRST_TRY = 1024;

function coresFromPuRecords(
  records: { pu: number; core: number; package: number; numaNode: number; l3: number }[],
): TopologyCore[] {
  const byCore = new Map<string, TopologyCore>();
  for (const record of records) {
    // A PU with no core ancestor (some VMs) is its own core.
    const key = record.core >= 0 ? `c${record.core}` : `p${record.pu}`;
    let entry = byCore.get(key);
    if (!entry) {
      entry = {
        core: -1,
        package: Math.max(record.package, 0),
        numaNode: Math.max(record.numaNode, 0),
        l3: record.l3 >= 0 ? record.l3 : null,
        pus: [],
      };
      byCore.set(key, entry);
    }
    entry.pus.push(record.pu);
  }
  const cores = [...byCore.values()];
  for (const core of cores) core.pus.sort((left, right) => left - right);
  cores.sort((left, right) => left.package - right.package || left.pus[0] - right.pus[0]);
  cores.forEach((core, index) => {
    core.core = index;
  });
  return cores;
}

/** Decodes the flat int64 layout written by outrider_topology_read. */
export function decodeHwlocLayout(layout: BigInt64Array): Topology {
  const at = (index: number): number => Number(layout[index]);
  if (layout.length < HEADER_LEN || at(0) !== LAYOUT_VERSION || at(12) !== PU_RECORD_LEN) {
    throw new Error(`unexpected topology layout (version ${at(0)}, record width ${at(12)})`);
  }
  const puCount = at(11);
  if (layout.length < HEADER_LEN + puCount * PU_RECORD_LEN) throw new Error("truncated topology layout");
  const records = [];
  for (let index = 0; index < puCount; index++) {
    const base = HEADER_LEN + index * PU_RECORD_LEN;
    records.push({
      pu: at(base),
      core: at(base + 1),
      package: at(base + 2),
      numaNode: at(base + 3),
      l3: at(base + 4),
    });
  }
  const caches: TopologyCache[] = [];
  const cacheNames = ["L1d", "L2", "L3"] as const;
  cacheNames.forEach((name, level) => {
    const sizeBytes = at(5 + level * 2);
    const count = at(6 + level * 2);
    if (sizeBytes > 0 && count > 0) caches.push({ name, sizeBytes, count });
  });
  const coresList = coresFromPuRecords(records);
  return {
    source: "hwloc",
    packages: Math.max(at(1), 1),
    cores: coresList.length,
    pus: puCount,
    numaNodes: Math.max(at(4), 1),
    caches,
    coresList,
  };
}

function readHwloc(library: NativeLibrary): Topology | string {
  if (!library.available) return `native library unavailable: ${library.reason}`;
  let layout = new BigInt64Array(HEADER_LEN + PU_CAPACITY_FIRST_TRY * PU_RECORD_LEN);
  let needed = library.symbols.outrider_topology_read(layout, layout.length);
  if (needed > layout.length) {
    layout = new BigInt64Array(needed);
    needed = library.symbols.outrider_topology_read(layout, layout.length);
  }
  if (needed < 0) return `hwloc failed: ${errnoName(needed)}`;
  if (needed > layout.length) return "hwloc topology changed size between two reads";
  return decodeHwlocLayout(layout.subarray(0, needed));
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return null;
  }
}

/** "32K" / "1024K" / "32M" as found in /sys cache size files → bytes. */
export function parseSysfsSize(text: string): number | null {
  const match = /^(\d+)([KMG]?)$/.exec(text.trim());
  if (!match) return null;
  const scale = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[match[2] as "" | "K" | "M" | "G"];
  return Number(match[1]) * scale;
}

function readSysfs(sysRoot: string): Topology | string {
  const cpuRoot = `${sysRoot}/devices/system/cpu`;
  const online = readText(`${cpuRoot}/online`);
  if (online === null) return `no ${cpuRoot}/online`;
  const cpuNumbers = parseCpuList(online);
  const nodeOfCpu = new Map<number, number>();
  let numaNodes = 0;
  try {
    for (const name of readdirSync(`${sysRoot}/devices/system/node`)) {
      const match = /^node(\d+)$/.exec(name);
      if (!match) continue;
      numaNodes++;
      const cpuList = readText(`${sysRoot}/devices/system/node/${name}/cpulist`) ?? "";
      for (const cpu of parseCpuList(cpuList)) nodeOfCpu.set(cpu, Number(match[1]));
    }
  } catch {
    // No NUMA directory: one node.
  }
  const l3Groups = new Map<string, number>();
  const cacheSizes = new Map<TopologyCache["name"], { sizeBytes: number; groups: Set<string> }>();
  const records = [];
  for (const cpu of cpuNumbers) {
    const packageId = Number(readText(`${cpuRoot}/cpu${cpu}/topology/physical_package_id`) ?? 0);
    const coreId = Number(readText(`${cpuRoot}/cpu${cpu}/topology/core_id`) ?? cpu);
    let l3 = -1;
    for (let index = 0; index < 8; index++) {
      const cacheDir = `${cpuRoot}/cpu${cpu}/cache/index${index}`;
      const level = readText(`${cacheDir}/level`);
      if (level === null) break;
      const type = readText(`${cacheDir}/type`);
      if (type === "Instruction") continue;
      const name = level === "1" ? "L1d" : level === "2" ? "L2" : level === "3" ? "L3" : null;
      const sizeBytes = parseSysfsSize(readText(`${cacheDir}/size`) ?? "");
      const shared = readText(`${cacheDir}/shared_cpu_list`) ?? `${cpu}`;
      if (name === null || sizeBytes === null) continue;
      const entry = cacheSizes.get(name) ?? { sizeBytes, groups: new Set<string>() };
      entry.groups.add(shared);
      cacheSizes.set(name, entry);
      if (name === "L3") {
        if (!l3Groups.has(shared)) l3Groups.set(shared, l3Groups.size);
        l3 = l3Groups.get(shared)!;
      }
    }
    // core_id repeats across packages: make it unique per package.
    records.push({
      pu: cpu,
      core: packageId * 65536 + coreId,
      package: packageId,
      numaNode: nodeOfCpu.get(cpu) ?? 0,
      l3,
    });
  }
  if (records.length === 0) return "no online CPUs in /sys";
  const coresList = coresFromPuRecords(records);
  const caches: TopologyCache[] = [];
  for (const name of ["L1d", "L2", "L3"] as const) {
    const entry = cacheSizes.get(name);
    if (entry) caches.push({ name, sizeBytes: entry.sizeBytes, count: entry.groups.size });
  }
  return {
    source: "sysfs",
    packages: new Set(records.map((record) => record.package)).size,
    cores: coresList.length,
    pus: records.length,
    numaNodes: Math.max(numaNodes, 1),
    caches,
    coresList,
  };
}

function readOsCpus(): Topology {
  const count = Math.max(osCpus().length, 1);
  const coresList: TopologyCore[] = [];
  for (let cpu = 0; cpu < count; cpu++)
    coresList.push({ core: cpu, package: 0, numaNode: 0, l3: null, pus: [cpu] });
  return { source: "os.cpus", packages: 1, cores: count, pus: count, numaNodes: 1, caches: [], coresList };
}

let cachedDefaultTopology: Topology | undefined;

/**
 * Reads the topology: hwloc when the native library is loaded, else /sys, else os.cpus(). The result
 * for the default library is read once per thread and cached. Never throws.
 */
export function readTopology(library: NativeLibrary = defaultNativeLibrary, sysRoot = "/sys"): Topology {
  const useCache = library === defaultNativeLibrary && sysRoot === "/sys";
  if (useCache && cachedDefaultTopology) return cachedDefaultTopology;
  let topology: Topology;
  let hwloc: Topology | string;
  try {
    hwloc = readHwloc(library);
  } catch (error) {
    hwloc = `hwloc layout unreadable: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (typeof hwloc !== "string") {
    topology = hwloc;
  } else {
    let sysfs: Topology | string;
    try {
      sysfs = readSysfs(sysRoot);
    } catch (error) {
      sysfs = `unreadable: ${error instanceof Error ? error.message : String(error)}`;
    }
    topology =
      typeof sysfs !== "string"
        ? { ...sysfs, fallbackReason: hwloc }
        : { ...readOsCpus(), fallbackReason: `${hwloc}; /sys: ${sysfs}` };
  }
  if (useCache) cachedDefaultTopology = topology;
  return topology;
}
