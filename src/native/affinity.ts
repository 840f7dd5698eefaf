// CPU affinity of the calling thread: pin it to one CPU, read its CPU mask back. Inside a Bun Worker
// this moves only that Worker's thread. Without the native library, pinning reports itself
// unavailable and the mask is read from /proc/thread-self/status instead.
import { readFileSync } from "node:fs";
import { OutriderError } from "../errors.ts";
import { errnoName } from "./errno.ts";
import { NATIVE_INVALID_CPU } from "./errors.ts";
import { defaultNativeLibrary, type NativeLibrary } from "./library.ts";

/** glibc's CPU_SETSIZE: the highest CPU number a cpu_set_t can name, plus one. */
export const CPU_SET_SIZE = 1024;

export type PinResult = { pinned: true; cpu: number } | { pinned: false; cpu: number; reason: string };

export type ThreadCpusResult =
  | { available: true; cpus: number[]; source: "native" | "procfs" }
  | { available: false; reason: string };

function assertCpuNumber(cpu: number): void {
  if (!Number.isInteger(cpu) || cpu < 0 || cpu >= CPU_SET_SIZE) {
    throw new OutriderError(
      NATIVE_INVALID_CPU,
      "NATIVE_INVALID_CPU",
      `cpu must be an integer in [0, ${CPU_SET_SIZE}), got ${cpu}`,
      { cpu },
    );
  }
}

/** Pins the calling thread to `cpu`. Throws only for a malformed cpu number; refusals are results. */
export function pinCurrentThread(cpu: number, library: NativeLibrary = defaultNativeLibrary): PinResult {
  assertCpuNumber(cpu);
  if (!library.available)
    return { pinned: false, cpu, reason: `native library unavailable: ${library.reason}` };
  const rc = library.symbols.outrider_pin_current_thread(cpu);
  if (rc === 0) return { pinned: true, cpu };
  const hint =
    rc === -22 ? ": the CPU does not exist or is outside this process's allowed set (cgroup/cpuset)" : "";
  return { pinned: false, cpu, reason: `pthread_setaffinity_np refused: ${errnoName(rc)}${hint}` };
}

/** Parses a kernel CPU list such as "0-3,8,10-11" into sorted CPU numbers (bounded by CPU_SET_SIZE). */
export function parseCpuList(cpuList: string): number[] {
  const cpus = new Set<number>();
  const trimmed = cpuList.trim();
  if (trimmed === "") return [];
  for (const part of trimmed.split(",")) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!match) throw new Error(`malformed CPU list element '${part}' in '${cpuList}'`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first || last >= CPU_SET_SIZE) throw new Error(`CPU range '${part}' out of bounds`);
    for (let cpu = first; cpu <= last; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((left, right) => left - right);
}

function readProcCpus(): ThreadCpusResult {
  try {
    const status = readFileSync("/proc/thread-self/status", "utf8");
    const line = status.split("\n").find((candidate) => candidate.startsWith("Cpus_allowed_list:"));
    if (!line) return { available: false, reason: "no Cpus_allowed_list in /proc/thread-self/status" };
    return { available: true, cpus: parseCpuList(line.slice(line.indexOf(":") + 1)), source: "procfs" };
  } catch (error) {
    return { available: false, reason: `cannot read /proc/thread-self/status: ${String(error)}` };
  }
}

/** The CPUs the calling thread may run on. */
export function currentThreadCpus(library: NativeLibrary = defaultNativeLibrary): ThreadCpusResult {
  if (!library.available) return readProcCpus();
  const cpusOut = new Int32Array(CPU_SET_SIZE);
  const count = library.symbols.outrider_current_thread_cpus(cpusOut, CPU_SET_SIZE);
  if (count < 0) return { available: false, reason: `pthread_getaffinity_np failed: ${errnoName(count)}` };
  return {
    available: true,
    cpus: Array.from(cpusOut.subarray(0, Math.min(count, CPU_SET_SIZE))),
    source: "native",
  };
}

/** The CPU the calling thread is running on right now (sched_getcpu), or null without the library. */
export function currentCpu(library: NativeLibrary = defaultNativeLibrary): number | null {
  if (!library.available) return null;
  const cpu = library.symbols.outrider_current_cpu();
  return cpu >= 0 ? cpu : null;
}
