// Bench worker for verify-stage.bench.ts: one verify stage (in-process harness, real rings and pool)
// over the share of transactions it is sent; replies with the wall time its runs took.
import { createVerifyHarness } from "../tests/helpers/verify-stage-harness.ts";

declare const self: Worker;

self.onmessage = (event: MessageEvent<{ wires: Uint8Array[]; rounds: number }>) => {
  const { wires, rounds } = event.data;
  const harness = createVerifyHarness();
  harness.run(wires.slice(0, 64)); // warm-up: JIT and the native library
  const elapsedMs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    harness.reset();
    const startedMs = performance.now();
    const passed = harness.run(wires);
    elapsedMs.push(performance.now() - startedMs);
    if (passed !== wires.length) throw new Error(`verify worker: ${passed} of ${wires.length} passed`);
  }
  self.postMessage({ elapsedMs });
};
