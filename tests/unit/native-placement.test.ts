// planPlacement on synthetic topologies (fast-check): every instance gets a CPU off the reserved
// cores, distinct cores first, even sharing after that; malformed requests are refused with 7003.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { isOutriderError } from "../../src/errors.ts";
import { freeCores, NATIVE_INVALID_PLACEMENT, planPlacement, type Topology } from "../../src/native/index.ts";

/** packages × coresPerPackage × threadsPerCore, Linux-style numbering (siblings N and N + cores). */
function syntheticTopology(packages: number, coresPerPackage: number, threadsPerCore: number): Topology {
  const cores = packages * coresPerPackage;
  const coresList = [];
  for (let core = 0; core < cores; core++) {
    const pus = [];
    for (let thread = 0; thread < threadsPerCore; thread++) pus.push(core + thread * cores);
    const packageIndex = Math.floor(core / coresPerPackage);
    coresList.push({ core, package: packageIndex, numaNode: packageIndex, l3: packageIndex, pus });
  }
  return {
    source: "hwloc",
    packages,
    cores,
    pus: cores * threadsPerCore,
    numaNodes: packages,
    caches: [],
    coresList,
  };
}

const topologyArbitrary = fc
  .record({
    packages: fc.integer({ min: 1, max: 4 }),
    coresPerPackage: fc.integer({ min: 1, max: 16 }),
    threadsPerCore: fc.integer({ min: 1, max: 2 }),
  })
  .map(({ packages, coresPerPackage, threadsPerCore }) =>
    syntheticTopology(packages, coresPerPackage, threadsPerCore),
  );

const stagesArbitrary = fc.uniqueArray(
  fc.record({
    name: fc.constantFrom("ingress", "verify", "schedule", "bank", "accounts", "market"),
    count: fc.integer({ min: 0, max: 24 }),
  }),
  { selector: (stage) => stage.name, maxLength: 6 },
);

function coreOf(topology: Topology, cpu: number): number {
  const core = topology.coresList.find((candidate) => candidate.pus.includes(cpu));
  if (!core) throw new Error(`cpu ${cpu} not in topology`);
  return core.core;
}

describe("planPlacement", () => {
  test("properties on synthetic topologies", () => {
    fc.assert(
      fc.property(
        topologyArbitrary,
        stagesArbitrary,
        fc.uniqueArray(fc.integer({ min: 0, max: 160 }), { maxLength: 12 }),
        (topology, stages, reservedCpus) => {
          const plan = planPlacement(topology, stages, reservedCpus);
          const total = stages.reduce((sum, stage) => sum + stage.count, 0);
          // One entry per instance, in stage then index order.
          expect(plan.map((entry) => `${entry.stage}#${entry.index}`)).toEqual(
            stages.flatMap((stage) =>
              Array.from({ length: stage.count }, (_, index) => `${stage.name}#${index}`),
            ),
          );
          expect(plan).toHaveLength(total);
          const free = freeCores(topology, reservedCpus);
          const reservedCores = new Set(
            reservedCpus.filter((cpu) => cpu < topology.pus).map((cpu) => coreOf(topology, cpu)),
          );
          if (free.length === 0) {
            expect(plan.every((entry) => entry.cpu === null)).toBe(true);
            return;
          }
          const perCore = new Map<number, number>();
          for (const entry of plan) {
            expect(entry.cpu).not.toBeNull();
            const core = coreOf(topology, entry.cpu!);
            // Never on a reserved core, not even on the sibling hyperthread.
            expect(reservedCores.has(core)).toBe(false);
            expect(reservedCpus.includes(entry.cpu!)).toBe(false);
            perCore.set(core, (perCore.get(core) ?? 0) + 1);
          }
          if (total <= free.length) {
            // Spread: no two instances share a core.
            expect(perCore.size).toBe(total);
          } else {
            // Share evenly: every free core used, loads differ by at most one.
            expect(perCore.size).toBe(free.length);
            const loads = [...perCore.values()];
            expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
          }
          // Within a core, hardware threads are used before doubling up on one.
          const perCpu = new Map<number, number>();
          for (const entry of plan) perCpu.set(entry.cpu!, (perCpu.get(entry.cpu!) ?? 0) + 1);
          for (const core of free) {
            const loads = core.pus.map((pu) => perCpu.get(pu) ?? 0);
            expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
          }
          // Pure: the same input gives the same plan.
          expect(planPlacement(topology, stages, reservedCpus)).toEqual(plan);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("a worked example: 2 sockets × 2 cores × 2 threads, validator on CPU 0", () => {
    const topology = syntheticTopology(2, 2, 2); // core0 {0,4} core1 {1,5} core2 {2,6} core3 {3,7}
    const plan = planPlacement(
      topology,
      [
        { name: "ingress", count: 1 },
        { name: "verify", count: 4 },
      ],
      [0],
    );
    expect(plan.map((entry) => entry.cpu)).toEqual([1, 2, 3, 5, 6]);
  });

  test("every core reserved: null CPUs, not an error", () => {
    const topology = syntheticTopology(1, 2, 1);
    expect(planPlacement(topology, [{ name: "verify", count: 2 }], [0, 1])).toEqual([
      { stage: "verify", index: 0, cpu: null },
      { stage: "verify", index: 1, cpu: null },
    ]);
  });

  test("malformed requests throw NATIVE_INVALID_PLACEMENT", () => {
    const topology = syntheticTopology(1, 2, 1);
    const bad = [
      () => planPlacement(topology, [{ name: "", count: 1 }]),
      () => planPlacement(topology, [{ name: "verify", count: -1 }]),
      () => planPlacement(topology, [{ name: "verify", count: 1.5 }]),
      () => planPlacement(topology, [{ name: "verify", count: 5000 }]),
      () =>
        planPlacement(topology, [
          { name: "verify", count: 1 },
          { name: "verify", count: 1 },
        ]),
      () => planPlacement(topology, [{ name: "verify", count: 1 }], [-3]),
    ];
    for (const action of bad) {
      let caught: unknown;
      try {
        action();
      } catch (error) {
        caught = error;
      }
      expect(isOutriderError(caught, NATIVE_INVALID_PLACEMENT)).toBe(true);
    }
  });
});
