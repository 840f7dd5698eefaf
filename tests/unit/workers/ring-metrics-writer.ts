// Test worker: attaches the shared metrics registry by shard name and counts `count`
// received and duplicate-dropped transactions on its own shard.
import { attachMetrics, type MetricsDescriptor } from "../../../src/metrics/index.ts";

declare const self: Worker;

self.onmessage = (event: MessageEvent<{ descriptor: MetricsDescriptor; shard: string; count: number }>) => {
  const metrics = attachMetrics(event.data.descriptor).shard(event.data.shard);
  const received = metrics.counter("outrider_verify_transactions_received_total");
  const duplicate = metrics.counter("outrider_verify_transactions_dropped_total", { reason: "duplicate" });
  for (let index = 0; index < event.data.count; index++) {
    received.inc();
    duplicate.inc();
  }
  postMessage({ ok: true });
};
