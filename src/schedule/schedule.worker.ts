// The schedule tile: one Worker running the schedule stage between the verify workers and
// the bank, until told to stop with nothing pending and nothing in flight. Without
// --enable-adaptive-buffering that is the baseline FIFO batcher (schedule-stage.ts); with it,
// the prio-graph planner for k lanes (adaptive-schedule-stage.ts) and its Agave-named metrics.
import { LANE_LABELS } from "../metrics/labels.ts";
import { attachMetrics } from "../metrics/registry.ts";
import { ChainState } from "../pipeline/chain-state.ts";
import { announceReady, runStage } from "../pipeline/worker-harness.ts";
import { attachDoorbell } from "../ring/doorbell.ts";
import { attachPacketPool } from "../ring/packet-pool.ts";
import { RingPoller } from "../ring/poller.ts";
import { attachRing } from "../ring/spsc-ring.ts";
import { AdaptiveScheduleStage } from "./adaptive-schedule-stage.ts";
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
  const laneScheduled = LANE_LABELS.map((lane) =>
    metrics.counter("outrider_schedule_lane_transactions_scheduled_total", { lane }),
  );
  const onBatch = (size: number, lane = 0) => {
    batches.inc();
    scheduled.inc(size);
    laneScheduled[lane].inc(size);
  };
  const common = {
    pool: attachPacketPool(init.pool),
    inputs,
    toBank: attachRing(init.rings.schedule_bank),
    fromBank,
    toIngress: attachRing(init.rings.schedule_ingress),
    bankDoorbell: attachDoorbell(init.doorbells["work:bank"]),
    ingressDoorbell: attachDoorbell(init.doorbells["work:ingress"]),
    inputSpaceDoorbells: verifyIndexes.map((index) =>
      attachDoorbell(init.doorbells[`space:verify#${index}`]),
    ),
    onBatch,
  };
  const adaptiveConfig = init.config.adaptive_schedule;
  const adaptive = init.config.flags.enable_adaptive_buffering
    ? new AdaptiveScheduleStage({
        ...common,
        chain: new ChainState(init.chain),
        config: {
          lanes: adaptiveConfig.bank_lanes,
          batchesInFlightPerLane: adaptiveConfig.batches_in_flight_per_lane,
          pendingTransactionsMax: adaptiveConfig.pending_transactions_max,
          batchTransactionsMax: init.config.schedule.batch_transactions_max,
          blockComputeUnitsMax: adaptiveConfig.block_compute_units_max,
          accountWriteComputeUnitsMax: adaptiveConfig.account_write_compute_units_max,
        },
      })
    : null;
  const stage =
    adaptive ??
    new ScheduleStage({
      ...common,
      batchTransactionsMax: init.config.schedule.batch_transactions_max,
      pendingMax: Math.min(init.config.ingress.pool_packets, 65_536),
    });

  // Adaptive buffering: the planner's counters (Agave's names) and the last slot's plan figures.
  const planner = adaptive?.planner;
  const plannerMetrics = planner
    ? {
        conflicts: metrics.counter("outrider_schedule_unschedulable_conflicts_total", {}),
        threads: metrics.counter("outrider_schedule_unschedulable_threads_total", {}),
        capacity: metrics.counter("outrider_schedule_dropped_on_capacity_total", {}),
        deferredBlock: metrics.counter("outrider_schedule_deferred_cost_limit_total", { limit: "block" }),
        deferredAccount: metrics.counter("outrider_schedule_deferred_cost_limit_total", {
          limit: "account_write",
        }),
        refunded: metrics.counter("outrider_schedule_compute_units_refunded_total", {}),
        total: metrics.gauge("outrider_schedule_window_compute_units", { part: "total" }),
        criticalPath: metrics.gauge("outrider_schedule_window_compute_units", { part: "critical_path" }),
        lowerBound: metrics.gauge("outrider_schedule_window_compute_units", { part: "lower_bound" }),
        makespan: metrics.gauge("outrider_schedule_window_compute_units", { part: "makespan" }),
        efficiency: metrics.gauge("outrider_schedule_batch_efficiency_ratio", {}),
        criticalShare: metrics.gauge("outrider_schedule_critical_path_share_ratio", {}),
        conflicted: metrics.gauge("outrider_schedule_conflicted_transactions_ratio", {}),
        density: metrics.gauge("outrider_schedule_conflict_pair_density_ratio", {}),
      }
    : null;
  const seen = {
    conflicts: 0,
    threads: 0,
    capacity: 0,
    deferredBlock: 0,
    deferredAccount: 0,
    refunded: 0,
  };
  const publishPlannerMetrics = () => {
    if (!planner || !plannerMetrics) return;
    const counters = planner.counters;
    plannerMetrics.conflicts.inc(counters.unschedulableConflicts - seen.conflicts);
    plannerMetrics.threads.inc(counters.unschedulableThreads - seen.threads);
    plannerMetrics.capacity.inc(counters.droppedOnCapacity - seen.capacity);
    plannerMetrics.deferredBlock.inc(counters.deferredBlockLimit - seen.deferredBlock);
    plannerMetrics.deferredAccount.inc(counters.deferredAccountLimit - seen.deferredAccount);
    seen.conflicts = counters.unschedulableConflicts;
    seen.threads = counters.unschedulableThreads;
    seen.capacity = counters.droppedOnCapacity;
    seen.deferredBlock = counters.deferredBlockLimit;
    seen.deferredAccount = counters.deferredAccountLimit;
    plannerMetrics.refunded.inc(counters.refundedComputeUnits - seen.refunded);
    seen.refunded = counters.refundedComputeUnits;
    const last = planner.meter?.last;
    if (!last) return;
    plannerMetrics.total.set(last.totalComputeUnits);
    plannerMetrics.criticalPath.set(last.criticalPathComputeUnits);
    plannerMetrics.lowerBound.set(last.lowerBoundComputeUnits);
    plannerMetrics.makespan.set(last.makespanComputeUnits);
    plannerMetrics.efficiency.set(last.batchEfficiency);
    plannerMetrics.criticalShare.set(last.criticalPathShare);
    plannerMetrics.conflicted.set(last.conflictedShare);
    plannerMetrics.density.set(last.pairwiseDensity);
  };

  const poller = new RingPoller([...inputs, fromBank], attachDoorbell(init.doorbells["work:schedule"]));
  announceReady(context, adaptive ? { planner: "prio-graph", lanes: adaptiveConfig.bank_lanes } : undefined);
  // The control thread raises the stop flag only once ingress reports every accepted
  // transaction has its outcome (or the drain time ran out), so nothing is cut short here.
  while (!context.stopRequested()) {
    poller.waitForWork();
    const before = stage.counters.received;
    stage.step();
    received.inc(stage.counters.received - before);
    pendingGauge.set(stage.pending);
    publishPlannerMetrics();
  }
});
