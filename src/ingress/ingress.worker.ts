// The ingress tile: the network face. It owns the UDP transaction port (TPU-style, one
// transaction per datagram), the JSON-RPC HTTP server and PubSub WebSocket, the packet
// pool's allocator, and the terminal end of the pipeline: every outcome coming back is
// counted, drops are recorded in the status store with their reason, and slots are freed.
// Without --enable-adaptive-buffering the stage is the baseline bounded FIFO (ingress-stage.ts);
// with it, the priority buffer with per-source fair share and adaptive hand-off
// (adaptive-ingress-stage.ts).

import { jsonRpcErrorClass, PRIORITY_DECADE_LABELS, RING_NAMES, rpcMethodLabel } from "../metrics/labels.ts";
import { attachMetrics } from "../metrics/registry.ts";
import { renderPrometheus } from "../metrics/render.ts";
import { ChainState } from "../pipeline/chain-state.ts";
import {
  DROP_OUTCOMES,
  OUTCOME_DROP_BASE,
  OUTCOME_DROP_PRIORITY_EVICTED,
  OUTCOME_DROP_SHARE_EVICTED,
} from "../pipeline/outcomes.ts";
import { PortClient } from "../pipeline/port-rpc.ts";
import type { StatusInfo } from "../pipeline/stage-init.ts";
import { announceReady, runStage } from "../pipeline/worker-harness.ts";
import { attachDoorbell } from "../ring/doorbell.ts";
import { attachPacketPool, SOURCE_KIND_RPC, SOURCE_KIND_UDP } from "../ring/packet-pool.ts";
import { RingPoller } from "../ring/poller.ts";
import { SlotAllocator } from "../ring/slot-allocator.ts";
import { attachRing, type SpscRing } from "../ring/spsc-ring.ts";
import { startRpcServer } from "../server/rpc-server.ts";
import { base58Encode } from "../tx/base58.ts";
import { AdaptiveIngressStage } from "./adaptive-ingress-stage.ts";
import type { IngressIntake } from "./ingress-intake.ts";
import {
  INGRESS_ACCEPTED,
  INGRESS_DROP_NAMES,
  INGRESS_DROP_SHARE_EVICTED,
  IngressStage,
} from "./ingress-stage.ts";
import { PipelineBackend } from "./pipeline-backend.ts";
import { ipv4ToU32, udpSourceKey } from "./source-key.ts";

function splitHostPort(bind: string): { host: string; port: number } {
  const colon = bind.lastIndexOf(":");
  return { host: bind.slice(0, colon), port: Number(bind.slice(colon + 1)) };
}

runStage(async (context) => {
  const { init } = context;
  if (!init.bankClientPort) throw new Error("ingress: no bank client port in the init message");
  const pool = attachPacketPool(init.pool);
  const chain = new ChainState(init.chain);
  const verifyIndexes = Array.from({ length: init.verifyWorkers }, (_, index) => index);
  const outcomeRings = [
    ...verifyIndexes.map((index) => attachRing(init.rings[`verify_ingress#${index}`])),
    attachRing(init.rings.schedule_ingress),
  ];
  const bank = new PortClient(init.bankClientPort);
  const dropErrors = new Map(DROP_OUTCOMES.map((outcome) => [outcome.code, outcome.rpcError]));
  /** Records a dropped transaction in the status store (when its bytes carry a signature). */
  const recordDropped = (slot: number, outcomeCode: number) => {
    const bytes = pool.slotBytes(slot);
    if (pool.lengths[slot] < 65 || bytes[0] < 1 || bytes[0] > 0x7f) return;
    const signature = base58Encode(bytes, 1, 64);
    void bank
      .call("recordDropped", signature, outcomeCode, dropErrors.get(outcomeCode) ?? null)
      .catch(() => {});
  };
  const registry = attachMetrics(init.metrics);
  const metrics = registry.shard("ingress");
  // Indexed by the ingress drop code; code 0 is "accepted", which is not a drop.
  const dropCounters = INGRESS_DROP_NAMES.map((name) =>
    name === "accepted" ? null : metrics.counter("outrider_ingress_packets_dropped_total", { reason: name }),
  );
  const adaptiveConfig = init.config.adaptive_ingress;
  const queueDurations = PRIORITY_DECADE_LABELS.map((decade) =>
    metrics.histogram("outrider_ingress_queue_duration_seconds", { priority_decade: decade }),
  );
  const executedLatencies = PRIORITY_DECADE_LABELS.map((decade) =>
    metrics.histogram("outrider_ingress_executed_latency_seconds", { priority_decade: decade }),
  );
  const stageDeps = {
    pool,
    allocator: new SlotAllocator(pool, []),
    outputs: verifyIndexes.map((index) => attachRing(init.rings[`ingress_verify#${index}`])),
    verifyDoorbells: verifyIndexes.map((index) => attachDoorbell(init.doorbells[`work:verify#${index}`])),
    outcomeRings,
  };
  const adaptive = init.config.flags.enable_adaptive_buffering
    ? new AdaptiveIngressStage({
        ...stageDeps,
        config: {
          bufferPacketsMax: adaptiveConfig.buffer_packets_max,
          bufferBytesMax: adaptiveConfig.buffer_bytes_max,
          windowPacketsMin: adaptiveConfig.window_packets_min,
          windowPacketsMax: adaptiveConfig.window_packets_max,
          downstreamDelayMs: adaptiveConfig.downstream_delay_ms,
          handoffBatchPacketsMax: adaptiveConfig.handoff_batch_packets_max,
          tickMs: 5,
        },
        // Every eviction is counted; an evicted RPC transaction was acknowledged, so it also ends
        // visibly, as dropped with its reason.
        onEvicted: (slot, dropCode) => {
          dropCounters[dropCode]?.inc();
          if (pool.sourceKinds[slot] !== SOURCE_KIND_RPC) return;
          const outcome =
            dropCode === INGRESS_DROP_SHARE_EVICTED
              ? OUTCOME_DROP_SHARE_EVICTED
              : OUTCOME_DROP_PRIORITY_EVICTED;
          recordDropped(slot, outcome);
        },
        onHandOff: (_slot, waitedSeconds, decade) => queueDurations[decade].observe(waitedSeconds),
      })
    : null;
  const stage: IngressIntake =
    adaptive ?? new IngressStage({ ...stageDeps, queuePacketsMax: init.config.ingress.queue_packets_max });

  const receivedUdp = metrics.counter("outrider_ingress_packets_received_total", { source: "udp" });
  const receivedRpc = metrics.counter("outrider_ingress_packets_received_total", { source: "rpc" });
  const bytesUdp = metrics.counter("outrider_ingress_payload_received_bytes_total", { source: "udp" });
  const bytesRpc = metrics.counter("outrider_ingress_payload_received_bytes_total", { source: "rpc" });
  const poolInUse = metrics.gauge("outrider_pool_slots_in_use", {});
  metrics.gauge("outrider_pool_slots_capacity", {}).set(pool.slotCount);
  // Upstream mode: what the bank tile answers as included was forwarded to the node, not executed here.
  const latencyExecuted = metrics.histogram("outrider_pipeline_transaction_latency_seconds", {
    outcome: init.config.bank.upstream_url === "" ? "executed" : "forwarded",
  });
  const latencyDropped = metrics.histogram("outrider_pipeline_transaction_latency_seconds", {
    outcome: "dropped",
  });
  // Every ring, attached once: for the depth gauges (one label per ring kind) and /status.
  const attachedRings = Object.entries(init.rings).map(([name, descriptor]) => ({
    name,
    ring: attachRing(descriptor),
  }));
  const ringsByLabel = new Map<string, SpscRing[]>();
  for (const { name, ring } of attachedRings) {
    const label = name.split("#")[0];
    if (!(RING_NAMES as readonly string[]).includes(label)) continue;
    ringsByLabel.set(label, [...(ringsByLabel.get(label) ?? []), ring]);
  }
  const ringGauges = [...ringsByLabel].map(([label, rings]) => ({
    rings,
    queued: metrics.gauge("outrider_ring_entries_queued", { ring: label }),
    capacity: metrics.gauge("outrider_ring_entries_capacity", { ring: label }),
  }));
  const ringFull = metrics.counter("outrider_ring_push_rejected_total", { ring: "ingress_verify" });
  const forwardedUdp = metrics.counter("outrider_ingress_packets_forwarded_total", { source: "udp" });
  const forwardedRpc = metrics.counter("outrider_ingress_packets_forwarded_total", { source: "rpc" });
  const handedBack = metrics.counter("outrider_ingress_transactions_returned_total", {
    result: "handed_back",
  });
  const handBackLost = metrics.counter("outrider_ingress_transactions_returned_total", { result: "lost" });
  const buffer = {
    held: metrics.gauge("outrider_ingress_buffer_packets_held", {}),
    capacity: metrics.gauge("outrider_ingress_buffer_packets_capacity", {}),
    heldBytes: metrics.gauge("outrider_ingress_buffer_held_bytes", {}),
    capacityBytes: metrics.gauge("outrider_ingress_buffer_capacity_bytes", {}),
    utilization: metrics.gauge("outrider_ingress_buffer_utilization_ratio", {}),
    sources: metrics.gauge("outrider_ingress_buffer_sources_active", {}),
    state: metrics.gauge("outrider_ingress_congestion_state", {}),
    score: metrics.gauge("outrider_ingress_congestion_score_ratio", {}),
    batch: metrics.gauge("outrider_ingress_handoff_batch_packets", {}),
    window: metrics.gauge("outrider_ingress_downstream_window_packets", {}),
    downstream: metrics.gauge("outrider_ingress_downstream_packets_in_flight", {}),
  };
  const queueCapacity = adaptive
    ? adaptive.buffer.countMax
    : // The baseline splits its bound evenly over the verify workers.
      Math.max(1, Math.floor(init.config.ingress.queue_packets_max / init.verifyWorkers)) *
      init.verifyWorkers;
  buffer.capacity.set(queueCapacity);
  if (adaptive) buffer.capacityBytes.set(adaptive.buffer.bytesMax);
  const seen = { ringFull: 0, forwardedUdp: 0, forwardedRpc: 0, returned: 0, returnsLost: 0 };
  const sampleGauges = () => {
    ringFull.inc(stage.counters.ringFull - seen.ringFull);
    seen.ringFull = stage.counters.ringFull;
    handedBack.inc(stage.counters.returned - seen.returned);
    handBackLost.inc(stage.counters.returnsLost - seen.returnsLost);
    seen.returned = stage.counters.returned;
    seen.returnsLost = stage.counters.returnsLost;
    const forwarded = stage.counters.forwarded;
    forwardedUdp.inc(forwarded[SOURCE_KIND_UDP] - seen.forwardedUdp);
    forwardedRpc.inc(forwarded[SOURCE_KIND_RPC] - seen.forwardedRpc);
    seen.forwardedUdp = forwarded[SOURCE_KIND_UDP];
    seen.forwardedRpc = forwarded[SOURCE_KIND_RPC];
    buffer.held.set(stage.queued);
    if (adaptive) {
      buffer.heldBytes.set(adaptive.buffer.bytesHeld);
      buffer.utilization.set(adaptive.utilization);
      buffer.sources.set(adaptive.buffer.activeSources);
      buffer.state.set(adaptive.congestion.state);
      buffer.score.set(adaptive.congestion.score);
      buffer.batch.set(adaptive.batchPackets);
      buffer.window.set(adaptive.windowPackets);
      buffer.downstream.set(adaptive.downstream);
    } else {
      buffer.utilization.set(stage.queued / queueCapacity);
    }
    poolInUse.set(stage.inFlight);
    for (const gauge of ringGauges) {
      let queued = 0;
      let capacity = 0;
      for (const ring of gauge.rings) {
        queued += ring.depth();
        capacity += ring.capacity;
      }
      gauge.queued.set(queued);
      gauge.capacity.set(capacity);
    }
  };

  let flushScheduled = false;
  const flushSoon = () => {
    if (flushScheduled) return;
    flushScheduled = true;
    setImmediate(() => {
      flushScheduled = false;
      stage.flush();
    });
  };
  const backend = new PipelineBackend(
    bank,
    stage,
    adaptive !== null,
    (byteLength) => {
      receivedRpc.inc();
      bytesRpc.inc(byteLength);
      flushSoon();
    },
    (code) => {
      receivedRpc.inc();
      dropCounters[code]?.inc();
    },
  );

  let statusInfo: StatusInfo | null = null;
  context.onControlMessage((message) => {
    if ((message as StatusInfo)?.type === "status-info") statusInfo = message as StatusInfo;
  });
  const status = () => {
    const snapshot = chain.snapshot();
    const rings = attachedRings.map(({ name, ring }) => ({
      name,
      depth: ring.depth(),
      capacity: ring.capacity,
    }));
    return {
      status: init.config.bank.upstream_url === "" ? "embedded" : "upstream",
      slot: snapshot.slot,
      blockHeight: snapshot.blockHeight,
      confirmedSlot: snapshot.confirmedSlot,
      finalizedSlot: snapshot.finalizedSlot,
      intake: context.intakeStopped() ? "stopped" : "open",
      inFlightTransactions: stage.inFlight,
      ...(statusInfo ?? {}),
      type: undefined,
      rings,
      pool: { slots: pool.slotCount, inUse: stage.inFlight },
      ingressBuffer: adaptive
        ? {
            kind: "priority",
            packets: adaptive.queued,
            packetsMax: adaptive.buffer.countMax,
            bytes: adaptive.buffer.bytesHeld,
            bytesMax: adaptive.buffer.bytesMax,
            sources: adaptive.buffer.activeSources,
            congestion: ["idle", "normal", "congested"][adaptive.congestion.state],
            windowPackets: adaptive.windowPackets,
            downstreamPackets: adaptive.downstream,
            batchPackets: adaptive.batchPackets,
          }
        : { kind: "fifo", packets: stage.queued, packetsMax: queueCapacity },
    };
  };

  const rpcRequests = new Map<string, ReturnType<typeof metrics.counter>>();
  const rpcDurations = new Map<string, ReturnType<typeof metrics.histogram>>();
  const rpcErrors = new Map<string, ReturnType<typeof metrics.counter>>();
  const observeRpc = (method: string | null, errorCode: number | null, durationSeconds: number) => {
    const label = rpcMethodLabel(method);
    let requests = rpcRequests.get(label);
    if (!requests) {
      requests = metrics.counter("outrider_rpc_requests_received_total", { method: label });
      rpcRequests.set(label, requests);
      rpcDurations.set(label, metrics.histogram("outrider_rpc_request_duration_seconds", { method: label }));
    }
    requests.inc();
    rpcDurations.get(label)?.observe(durationSeconds);
    if (errorCode !== null) {
      const errorClass = jsonRpcErrorClass(errorCode);
      let errors = rpcErrors.get(errorClass);
      if (!errors) {
        errors = metrics.counter("outrider_rpc_errors_returned_total", { class: errorClass });
        rpcErrors.set(errorClass, errors);
      }
      errors.inc();
    }
  };

  const rpcBind = splitHostPort(init.config.rpc.bind);
  const pubsubBind = init.config.rpc.pubsub_bind === "" ? null : splitHostPort(init.config.rpc.pubsub_bind);
  const server = startRpcServer({
    backend,
    host: rpcBind.host,
    httpPort: rpcBind.port,
    wsPort: pubsubBind?.port,
    status,
    observe: observeRpc,
    metrics: () => {
      sampleGauges();
      return renderPrometheus(registry);
    },
  });

  const tpuBind = splitHostPort(init.config.tpu.bind);
  const udp = await Bun.udpSocket({
    hostname: tpuBind.host,
    port: tpuBind.port,
    binaryType: "uint8array",
    socket: {
      data(_socket, data, _port, address) {
        receivedUdp.inc();
        bytesUdp.inc(data.length);
        const sourceId = adaptive ? udpSourceKey(address) : ipv4ToU32(address);
        const code = stage.accept(data, SOURCE_KIND_UDP, sourceId, 0);
        if (code !== INGRESS_ACCEPTED) dropCounters[code]?.inc();
        else flushSoon();
      },
    },
  });

  const onOutcome = (slot: number, outcomeCode: number) => {
    const arrivalNs = pool.arrivalNs[slot];
    const latencySeconds = Math.max(0, (pool.clock.nowNs() - arrivalNs) / 1e9);
    if (outcomeCode >= OUTCOME_DROP_BASE) {
      latencyDropped.observe(latencySeconds);
      recordDropped(slot, outcomeCode);
    } else if (outcomeCode !== 0) {
      // The bank did not include it (it recorded the reason itself): it did not land either.
      latencyDropped.observe(latencySeconds);
    } else {
      latencyExecuted.observe(latencySeconds);
      if (adaptive) executedLatencies[adaptive.decadeOf(slot)].observe(latencySeconds);
    }
  };

  const poller = new RingPoller(outcomeRings, attachDoorbell(init.doorbells["work:ingress"]), {
    parkTimeoutMs: 5,
  });
  announceReady(context, { rpcPort: server.httpPort, pubsubPort: server.wsPort, tpuPort: udp.port });

  let drainedReported = false;
  while (!context.stopRequested()) {
    const available = await poller.waitForWorkAsync();
    let worked = available > 0 ? stage.drainOutcomes(onOutcome) : 0;
    adaptive?.tick(pool.clock.nowNs());
    worked += stage.flush();
    if (context.intakeStopped() && !drainedReported) {
      stage.stopIntake();
      udp.close();
      if (stage.inFlight === 0) {
        drainedReported = true;
        context.post({ type: "drained", instance: init.instance, inFlight: 0 });
      }
    }
    // Yield to the event loop so UDP, HTTP and port messages are served between rounds.
    await new Promise((resolve) => setImmediate(resolve));
    if (worked === 0 && stage.queued > 0) await Bun.sleep(1);
  }
  if (!drainedReported) udp.close();
  bank.failPending("ingress stopping");
  await server.stop();
});
