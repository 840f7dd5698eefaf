// The ingress tile: the network face. It owns the UDP transaction port (TPU-style, one
// transaction per datagram), the JSON-RPC HTTP server and PubSub WebSocket, the packet
// pool's allocator, and the terminal end of the pipeline: every outcome coming back is
// counted, drops are recorded in the status store with their reason, and slots are freed.

import { jsonRpcErrorClass, RING_NAMES, rpcMethodLabel } from "../metrics/labels.ts";
import { attachMetrics } from "../metrics/registry.ts";
import { renderPrometheus } from "../metrics/render.ts";
import { ChainState } from "../pipeline/chain-state.ts";
import { DROP_OUTCOMES, OUTCOME_DROP_BASE } from "../pipeline/outcomes.ts";
import { PortClient } from "../pipeline/port-rpc.ts";
import type { StatusInfo } from "../pipeline/stage-init.ts";
import { announceReady, runStage } from "../pipeline/worker-harness.ts";
import { attachDoorbell } from "../ring/doorbell.ts";
import { attachPacketPool, SOURCE_KIND_UDP } from "../ring/packet-pool.ts";
import { RingPoller } from "../ring/poller.ts";
import { SlotAllocator } from "../ring/slot-allocator.ts";
import { attachRing, type SpscRing } from "../ring/spsc-ring.ts";
import { startRpcServer } from "../server/rpc-server.ts";
import { base58Encode } from "../tx/base58.ts";
import { INGRESS_ACCEPTED, INGRESS_DROP_NAMES, IngressStage } from "./ingress-stage.ts";
import { PipelineBackend } from "./pipeline-backend.ts";

function splitHostPort(bind: string): { host: string; port: number } {
  const colon = bind.lastIndexOf(":");
  return { host: bind.slice(0, colon), port: Number(bind.slice(colon + 1)) };
}

/** IPv4 "a.b.c.d" as a u32 (0 for anything else): the per-source id the fair-share rules use. */
function ipv4ToU32(address: string): number {
  let value = 0;
  let octet = 0;
  let dots = 0;
  for (let index = 0; index < address.length; index++) {
    const code = address.charCodeAt(index);
    if (code === 46) {
      value = (value << 8) | octet;
      octet = 0;
      dots++;
    } else if (code >= 48 && code <= 57) octet = octet * 10 + code - 48;
    else return 0;
  }
  return dots === 3 ? ((value << 8) | octet) >>> 0 : 0;
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
  const stage = new IngressStage({
    pool,
    allocator: new SlotAllocator(pool, []),
    outputs: verifyIndexes.map((index) => attachRing(init.rings[`ingress_verify#${index}`])),
    verifyDoorbells: verifyIndexes.map((index) => attachDoorbell(init.doorbells[`work:verify#${index}`])),
    outcomeRings,
    queuePacketsMax: init.config.ingress.queue_packets_max,
  });
  const bank = new PortClient(init.bankClientPort);

  const registry = attachMetrics(init.metrics);
  const metrics = registry.shard("ingress");
  const receivedUdp = metrics.counter("outrider_ingress_packets_received_total", { source: "udp" });
  const receivedRpc = metrics.counter("outrider_ingress_packets_received_total", { source: "rpc" });
  const bytesUdp = metrics.counter("outrider_ingress_payload_received_bytes_total", { source: "udp" });
  const bytesRpc = metrics.counter("outrider_ingress_payload_received_bytes_total", { source: "rpc" });
  // Indexed by the ingress drop code; code 0 is "accepted", which is not a drop.
  const dropCounters = INGRESS_DROP_NAMES.map((name) =>
    name === "accepted" ? null : metrics.counter("outrider_ingress_packets_dropped_total", { reason: name }),
  );
  const poolInUse = metrics.gauge("outrider_pool_slots_in_use", {});
  metrics.gauge("outrider_pool_slots_capacity", {}).set(pool.slotCount);
  const latencyExecuted = metrics.histogram("outrider_pipeline_transaction_latency_seconds", {
    outcome: "executed",
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
  let ringFullSeen = 0;
  const sampleGauges = () => {
    ringFull.inc(stage.counters.ringFull - ringFullSeen);
    ringFullSeen = stage.counters.ringFull;
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
        const code = stage.accept(data, SOURCE_KIND_UDP, ipv4ToU32(address), 0);
        if (code !== INGRESS_ACCEPTED) dropCounters[code]?.inc();
        else flushSoon();
      },
    },
  });

  const dropErrors = new Map(DROP_OUTCOMES.map((outcome) => [outcome.code, outcome.rpcError]));
  const onOutcome = (slot: number, outcomeCode: number) => {
    const arrivalNs = pool.arrivalNs[slot];
    const latencySeconds = (pool.clock.nowNs() - arrivalNs) / 1e9;
    if (outcomeCode >= OUTCOME_DROP_BASE) {
      latencyDropped.observe(Math.max(0, latencySeconds));
      const bytes = pool.slotBytes(slot);
      if (pool.lengths[slot] >= 65 && bytes[0] >= 1 && bytes[0] <= 0x7f) {
        const signature = base58Encode(bytes, 1, 64);
        void bank
          .call("recordDropped", signature, outcomeCode, dropErrors.get(outcomeCode) ?? null)
          .catch(() => {});
      }
    } else {
      latencyExecuted.observe(Math.max(0, latencySeconds));
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
