// `outrider topology`: the machine and the planned placement of every stage and ring.
import { describe, expect, test } from "bun:test";
import { runOutrider } from "../helpers/cli.ts";

describe("outrider topology", () => {
  test("prints the topology, every stage's planned CPU and every ring", async () => {
    const result = await runOutrider(["topology", "--verify-workers", "2"]);
    expect(result.exitCode).toBe(0);
    for (const stage of ["ingress", "verify#0", "verify#1", "schedule", "bank"])
      expect(result.stdout).toContain(stage);
    for (const ring of [
      "ingress_verify#1",
      "verify_schedule#0",
      "schedule_bank",
      "bank_schedule",
      "schedule_ingress",
    ]) {
      expect(result.stdout).toContain(ring);
    }
  });

  test("--json: reserved CPUs are never planned while another core is free; affinity none leaves stages unpinned", async () => {
    const json = JSON.parse(
      (await runOutrider(["topology", "--json", "--set", "layout.reserved_cpus=0"])).stdout,
    );
    const cpus: number[] = json.topology.coresList.flatMap((core: { pus: number[] }) => core.pus);
    if (cpus.length > 1) {
      for (const entry of json.placement) expect(entry.cpu).not.toBe(0);
    }
    const unpinned = JSON.parse(
      (await runOutrider(["topology", "--json", "--set", "layout.affinity=none"])).stdout,
    );
    expect(unpinned.placement.every((entry: { cpu: number | null }) => entry.cpu === null)).toBe(true);
  });

  test("a bad configuration key is a usage error", async () => {
    const result = await runOutrider(["topology", "--set", "layout.cores=3"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("layout.cores");
  });
});
