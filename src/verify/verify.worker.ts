// The verify tile: one Worker per verify instance, running VerifyStage over its
// ingress_verify#i ring until told to stop and its input is drained.
import { TransactionPrefetchHints } from "../accounts/transaction-prefetch-hints.ts";
import { attachMetrics } from "../metrics/registry.ts";
import { ChainState } from "../pipeline/chain-state.ts";
import { DROP_OUTCOMES, OUTCOME_DROP_SHUTDOWN, OUTCOME_EXECUTED } from "../pipeline/outcomes.ts";
import { announceReady, runStage } from "../pipeline/worker-harness.ts";
import { attachDoorbell } from "../ring/doorbell.ts";
import { attachPacketPool } from "../ring/packet-pool.ts";
import { RingPoller } from "../ring/poller.ts";
import { attachRing } from "../ring/spsc-ring.ts";
import { SignatureDedup } from "./dedup.ts";
import { createVerifier } from "./ed25519.ts";
import { watchVerifyCaches } from "./verify-cache-metrics.ts";
import { createVerifyCaches } from "./verify-caches.ts";
import { VERIFY_BATCH_PACKETS_MAX, VerifyStage } from "./verify-stage.ts";

runStage(async (context) => {
  const { init } = context;
  const index = init.index;
  const pool = attachPacketPool(init.pool);
  const input = attachRing(init.rings[`ingress_verify#${index}`]);
  const output = attachRing(init.rings[`verify_schedule#${index}`]);
  const outcomes = attachRing(init.rings[`verify_ingress#${index}`]);
  const workDoorbell = attachDoorbell(init.doorbells[`work:${init.instance}`]);
  const choice = createVerifier();
  const metrics = attachMetrics(init.metrics).shard(init.instance);
  const received = metrics.counter("outrider_verify_transactions_received_total", {});
  const forwarded = metrics.counter("outrider_verify_transactions_forwarded_total", {});
  // One counter per drop the verify stage can produce (every Outrider drop but the shutdown one).
  const dropCounters = new Map(
    DROP_OUTCOMES.filter((outcome) => outcome.code !== OUTCOME_DROP_SHUTDOWN).map((outcome) => [
      outcome.code,
      metrics.counter("outrider_verify_transactions_dropped_total", { reason: outcome.name }),
    ]),
  );
  const latency = metrics.histogram("outrider_pipeline_stage_duration_seconds", { stage: "verify" });
  const signaturesValid = metrics.counter("outrider_verify_signatures_checked_total", { result: "valid" });
  const signaturesInvalid = metrics.counter("outrider_verify_signatures_checked_total", {
    result: "invalid",
  });
  const outputRefused = metrics.counter("outrider_ring_push_rejected_total", { ring: "verify_schedule" });
  const dedupSignatures = metrics.gauge("outrider_verify_dedup_signatures", {});
  const dedupBytes = metrics.gauge("outrider_verify_dedup_memory_bytes", {});
  const dedup = new SignatureDedup(
    Math.max(1024, Math.floor(init.config.verify.dedup_signatures_max / init.verifyWorkers)),
  );
  dedupBytes.set(dedup.stats().bytes);
  // --enable-trading-cache: this worker's share of verify.cache_bytes_max, allocated now, never grown.
  const caches = init.config.flags.enable_trading_cache
    ? createVerifyCaches(
        choice.verifier,
        Math.floor(init.config.verify.cache_bytes_max / init.verifyWorkers),
        VERIFY_BATCH_PACKETS_MAX,
      )
    : undefined;
  const cacheMetrics = caches ? watchVerifyCaches(caches, metrics) : undefined;
  // --enable-trading-cache: the accounts of each passing transaction go to the bank tile as prefetch hints.
  const hintRing = caches ? init.prefetchHints?.[0] : undefined;
  const prefetchHints = hintRing ? new TransactionPrefetchHints(hintRing) : undefined;
  const hintsOffered = metrics.counter("outrider_verify_prefetch_hints_offered_total", {});
  const hintsDropped = metrics.counter("outrider_verify_prefetch_hints_dropped_total", {});
  const stage = new VerifyStage({
    pool,
    input,
    output,
    outcomes,
    chain: new ChainState(init.chain),
    verifier: caches?.verifier ?? choice.verifier,
    dedup,
    templates: caches?.templates,
    verdicts: caches?.verifier,
    prefetchHints,
    scheduleDoorbell: attachDoorbell(init.doorbells["work:schedule"]),
    ingressDoorbell: attachDoorbell(init.doorbells["work:ingress"]),
    outputSpaceDoorbell: attachDoorbell(init.doorbells[`space:${init.instance}`]),
    inputSpaceDoorbell: attachDoorbell(init.doorbells["space:ingress"]),
    onPacket: (outcomeCode, latencySeconds) => {
      received.inc();
      if (outcomeCode === OUTCOME_EXECUTED) forwarded.inc();
      else dropCounters.get(outcomeCode)?.inc();
      if (latencySeconds >= 0) latency.observe(latencySeconds);
    },
  });
  const poller = new RingPoller([input], workDoorbell);
  announceReady(context, {
    verifier: choice.kind,
    verifierReason: choice.reason,
    verifyCacheBytes: caches?.bytesHeld ?? 0,
  });
  // The control thread raises the stop flag only after ingress reports every accepted
  // transaction has its outcome (or the drain time ran out).
  const seen = { verified: 0, valid: 0, backpressure: 0, hintsOffered: 0, hintsDropped: 0 };
  while (!context.stopRequested()) {
    if (poller.waitForWork() === 0 || stage.step() === 0) continue;
    const counters = stage.counters;
    signaturesValid.inc(counters.signaturesValid - seen.valid);
    signaturesInvalid.inc(
      counters.signaturesVerified - seen.verified - (counters.signaturesValid - seen.valid),
    );
    outputRefused.inc(counters.outputBackpressure - seen.backpressure);
    seen.verified = counters.signaturesVerified;
    seen.valid = counters.signaturesValid;
    seen.backpressure = counters.outputBackpressure;
    if (prefetchHints) {
      hintsOffered.inc(prefetchHints.offered - seen.hintsOffered);
      hintsDropped.inc(prefetchHints.dropped - seen.hintsDropped);
      seen.hintsOffered = prefetchHints.offered;
      seen.hintsDropped = prefetchHints.dropped;
    }
    dedupSignatures.set(dedup.stats().entries);
    cacheMetrics?.update();
  }
});
