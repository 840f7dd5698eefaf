// The schedule tile: one Worker running ScheduleStage between the verify workers and
// the bank, until told to stop with nothing pending and nothing in flight.
import { attachMetrics } from "../metrics/registry.ts";
import { announceReady, runStage } from "../pipeline/worker-harness.ts";
import { attachDoorbell } from "../ring/doorbell.ts";
import { attachPacketPool } from "../ring/packet-pool.ts";
import { RingPoller } from "../ring/poller.ts";
import { attachRing } from "../ring/spsc-ring.ts";
import { ScheduleStage } from "./schedule-stage.ts";

runStage(async (context) => {
  const { init } = context;
  const verifyIndexes = Array.from({ length: init.verifyWorkers }, (_, index) => index);
  const inputs = verifyIndexes.map((index) => attachRing(init.rings[`verify_schedule#${index}`]));
  const fromBank = attachRing(init.rings.bank_schedule);
  const metrics = attachMetrics(init.metrics).shard("schedule");
  const received = metrics.counter("outrider_schedule_transactions_received_total", {});
  const scheduled = metrics.counter("outrider_schedule_transactions_scheduled_total", {});
  const batches = metrics.counter("outrider_schedule_batches_sent_total", {});
  const pendingGauge = metrics.gauge("outrider_schedule_transactions_pending", {});
  const stage = new ScheduleStage({
    pool: attachPacketPool(init.pool),
    inputs,
    toBank: attachRing(init.rings.schedule_bank),
    fromBank,
    toIngress: attachRing(init.rings.schedule_ingress),
    batchTransactionsMax: init.config.schedule.batch_transactions_max,
    pendingMax: Math.min(init.config.ingress.pool_packets, 65_536),
    bankDoorbell: attachDoorbell(init.doorbells["work:bank"]),
    ingressDoorbell: attachDoorbell(init.doorbells["work:ingress"]),
    inputSpaceDoorbells: verifyIndexes.map((index) =>
      attachDoorbell(init.doorbells[`space:verify#${index}`]),
    ),
    onBatch: (size) => {
      batches.inc();
      scheduled.inc(size);
    },
  });
  const poller = new RingPoller([...inputs, fromBank], attachDoorbell(init.doorbells["work:schedule"]));
  announceReady(context);
  // The control thread raises the stop flag only once ingress reports every accepted
  // transaction has its outcome (or the drain time ran out), so nothing is cut short here.
  while (!context.stopRequested()) {
    poller.waitForWork();
    const before = stage.counters.received;
    stage.step();
    received.inc(stage.counters.received - before);
    pendingGauge.set(stage.pending);
  }
});
