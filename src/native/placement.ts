// Placement planner: gives every stage instance (tile) a CPU from the topology. Cores that hold a
// reserved CPU (the validator's) are skipped whole, hyperthread siblings included. Instances spread
// over distinct cores first (in NUMA node, package, core order); only when there are more instances
// than free cores do they share, round-robin, taking each core's next hardware thread. Pure function.
import { OutriderError } from "../errors.ts";
import { NATIVE_INVALID_PLACEMENT } from "./errors.ts";
import type { Topology, TopologyCore } from "./topology.ts";

export interface StageRequest {
  name: string;
  count: number;
}

export interface Placement {
  stage: string;
  index: number;
  /** The CPU (OS index) to pin to; null when every core is reserved. */
  cpu: number | null;
}

/** Bound on the instances of one stage, and of all stages together. */
export const STAGE_INSTANCES_MAX = 1024;

function invalid(message: string, context: Record<string, string | number> = {}): OutriderError {
  return new OutriderError(NATIVE_INVALID_PLACEMENT, "NATIVE_INVALID_PLACEMENT", message, context);
}

function validateStages(stages: StageRequest[]): number {
  const names = new Set<string>();
  let total = 0;
  for (const stage of stages) {
    if (typeof stage.name !== "string" || stage.name.length === 0)
      throw invalid("a stage needs a non-empty name");
    if (names.has(stage.name)) throw invalid(`stage '${stage.name}' is listed twice`, { stage: stage.name });
    names.add(stage.name);
    if (!Number.isInteger(stage.count) || stage.count < 0 || stage.count > STAGE_INSTANCES_MAX) {
      throw invalid(`stage '${stage.name}' count must be an integer in [0, ${STAGE_INSTANCES_MAX}]`, {
        stage: stage.name,
        count: stage.count,
      });
    }
    total += stage.count;
  }
  if (total > STAGE_INSTANCES_MAX) throw invalid(`${total} stage instances exceed ${STAGE_INSTANCES_MAX}`);
  return total;
}

/** Free cores in placement order; a core holding any reserved CPU is not free. */
export function freeCores(topology: Topology, reservedCpus: readonly number[] = []): TopologyCore[] {
  for (const cpu of reservedCpus) {
    if (!Number.isInteger(cpu) || cpu < 0)
      throw invalid(`reserved CPU must be a non-negative integer, got ${cpu}`);
  }
  const reserved = new Set(reservedCpus);
  return topology.coresList
    .filter((core) => core.pus.length > 0 && !core.pus.some((pu) => reserved.has(pu)))
    .sort(
      (left, right) =>
        left.numaNode - right.numaNode || left.package - right.package || left.core - right.core,
    );
}

/**
 * Plans one CPU per stage instance. Reserved CPUs that the topology does not have are ignored (the
 * same configuration may be deployed to different hosts).
 */
export function planPlacement(
  topology: Topology,
  stages: StageRequest[],
  reservedCpus: readonly number[] = [],
): Placement[] {
  validateStages(stages);
  const cores = freeCores(topology, reservedCpus);
  const placements: Placement[] = [];
  let slot = 0;
  for (const stage of stages) {
    for (let index = 0; index < stage.count; index++, slot++) {
      if (cores.length === 0) {
        placements.push({ stage: stage.name, index, cpu: null });
        continue;
      }
      const core = cores[slot % cores.length];
      const round = Math.floor(slot / cores.length);
      placements.push({ stage: stage.name, index, cpu: core.pus[round % core.pus.length] });
    }
  }
  return placements;
}
