// Human-readable topology for `outrider topology` and start-up logs: one summary line, the caches,
// then one line per core with its CPUs, package, NUMA node and L3 group.
import type { Topology } from "./topology.ts";

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 2 && bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

export function formatTopology(topology: Topology): string {
  const lines = [
    `source: ${topology.source}${topology.fallbackReason ? ` (${topology.fallbackReason})` : ""}`,
    `packages: ${topology.packages}  cores: ${topology.cores}  cpus: ${topology.pus}  numa nodes: ${topology.numaNodes}`,
  ];
  if (topology.caches.length > 0) {
    lines.push(
      `caches: ${topology.caches.map((cache) => `${cache.name} ${formatBytes(cache.sizeBytes)} ×${cache.count}`).join(", ")}`,
    );
  }
  for (const core of topology.coresList) {
    lines.push(
      `core ${core.core}: cpus ${core.pus.join(",")}  package ${core.package}  numa ${core.numaNode}${core.l3 === null ? "" : `  l3 ${core.l3}`}`,
    );
  }
  return lines.join("\n");
}
