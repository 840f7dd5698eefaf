// Reads what Linux knows of a process and its threads: CPU time (utime + stime from /proc/<pid>/stat
// and /proc/<pid>/task/<tid>/stat, in clock ticks), resident memory (VmRSS), and the kernel's count of
// datagrams dropped at a UDP socket's receive buffer (/proc/net/udp, by local port). Every reader
// returns null when the file is gone (the process exited) or unreadable (not Linux).
import { readFileSync } from "node:fs";

let ticksPerSecond: number | null = null;

/** USER_HZ: clock ticks per second of /proc CPU times (getconf CLK_TCK; 100 on Linux nearly always). */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === null) {
    try {
      const result = Bun.spawnSync(["getconf", "CLK_TCK"], { stdout: "pipe", stderr: "ignore" });
      const value = Number(result.stdout.toString().trim());
      ticksPerSecond = Number.isInteger(value) && value > 0 ? value : 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** CPU time (ms) from a stat file: fields 14 (utime) and 15 (stime), counted after the command's ")". */
export function cpuMsFromStat(text: string): number {
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state): utime is field 14 → index 11, stime index 12.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond();
}

export function processCpuMs(pid: number): number | null {
  const text = readText(`/proc/${pid}/stat`);
  return text === null ? null : cpuMsFromStat(text);
}

export function threadCpuMs(pid: number, tid: number): number | null {
  const text = readText(`/proc/${pid}/task/${tid}/stat`);
  return text === null ? null : cpuMsFromStat(text);
}

export function rssBytes(pid: number): number | null {
  const text = readText(`/proc/${pid}/status`);
  const match = text === null ? null : /^VmRSS:\s+([0-9]+) kB/m.exec(text);
  return match ? Number(match[1]) * 1024 : null;
}

/** Datagrams the kernel dropped at the IPv4 UDP socket bound to `port` (null if none is found). */
export function udpReceiveDrops(port: number): number | null {
  const text = readText("/proc/net/udp");
  if (text === null) return null;
  const portHex = port.toString(16).toUpperCase().padStart(4, "0");
  for (const line of text.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 13) continue;
    if (fields[1].endsWith(`:${portHex}`)) return Number(fields[fields.length - 1]);
  }
  return null;
}
