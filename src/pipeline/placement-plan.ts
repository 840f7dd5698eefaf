// The stage placement `outrider run` will use for a configuration: which stage instance
// runs on which CPU, from the machine topology, the verify worker count and the CPUs
// reserved for the validator. Shared by the supervisor and `outrider topology`.
import type { OutriderConfig } from "../config/schema.ts";
import { type Placement, planPlacement, type Topology } from "../native/index.ts";
import { automaticVerifyWorkers, planTopology } from "../topology.ts";

export interface PlacementPlan {
  verifyWorkers: number;
  /** One entry per stage instance; cpu null when affinity is off or every core is reserved. */
  placement: Placement[];
  rings: { name: string; depth: number; wordsPerEntry: number; entry: readonly string[] }[];
}

export function planStagePlacement(config: OutriderConfig, topology: Topology): PlacementPlan {
  const verifyWorkers = config.layout.verify_workers || automaticVerifyWorkers(topology.cores);
  const plan = planTopology({ verifyWorkers, poolPackets: config.ingress.pool_packets });
  const requests = plan.stages.map((stage) => ({ name: stage.name, count: stage.count }));
  const placement =
    config.layout.affinity === "auto"
      ? planPlacement(topology, requests, config.layout.reserved_cpus)
      : requests.flatMap((stage) =>
          Array.from({ length: stage.count }, (_, index) => ({ stage: stage.name, index, cpu: null })),
        );
  return {
    verifyWorkers,
    placement,
    rings: plan.rings.map((ring) => ({
      name: ring.name,
      depth: ring.depth,
      wordsPerEntry: ring.wordsPerEntry,
      entry: ring.entry,
    })),
  };
}
