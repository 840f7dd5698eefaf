// Publishes one verify worker's cache counters (--enable-trading-cache) into its metrics shard:
// signature-cache hits/misses/inserts/evictions/entries, template hits/misses/not-cached/evictions/
// entries, and the bytes each cache holds. Handles are resolved once; update() allocates nothing.
import type { MetricsShard } from "../metrics/registry.ts";
import type { VerifyCaches } from "./verify-caches.ts";

export interface VerifyCacheMetrics {
  /** Adds what the caches counted since the last call. */
  update(): void;
}

export function watchVerifyCaches(caches: VerifyCaches, metrics: MetricsShard): VerifyCacheMetrics {
  const { signatures, templates } = caches;
  const signatureHit = metrics.counter("outrider_verify_signature_cache_lookups_total", { result: "hit" });
  const signatureMiss = metrics.counter("outrider_verify_signature_cache_lookups_total", { result: "miss" });
  const signatureInserts = metrics.counter("outrider_verify_signature_cache_inserts_total");
  const signatureEvictions = metrics.counter("outrider_verify_signature_cache_evictions_total");
  const signatureEntries = metrics.gauge("outrider_verify_signature_cache_entries");
  const templateHit = metrics.counter("outrider_verify_template_cache_lookups_total", { result: "hit" });
  const templateMiss = metrics.counter("outrider_verify_template_cache_lookups_total", { result: "miss" });
  const templateNotCached = metrics.counter("outrider_verify_template_cache_uncached_total");
  const templateEvictions = metrics.counter("outrider_verify_template_cache_evictions_total");
  const templateEntries = metrics.gauge("outrider_verify_template_cache_entries");
  metrics
    .gauge("outrider_verify_cache_memory_bytes", { cache: "signature" })
    .set(signatures.bytesHeld + caches.verifier.bytesHeld);
  metrics.gauge("outrider_verify_cache_memory_bytes", { cache: "template" }).set(templates.bytesHeld);
  // What was last published, per counter, in the order the counters are read below.
  const seen = new Float64Array(9);
  const publish = (index: number, now: number, handle: { inc(n?: number): void }) => {
    const delta = now - seen[index];
    if (delta > 0) handle.inc(delta);
    seen[index] = now;
  };
  return {
    update() {
      publish(0, signatures.hits, signatureHit);
      publish(1, signatures.misses, signatureMiss);
      publish(2, signatures.inserts, signatureInserts);
      publish(3, signatures.evictions, signatureEvictions);
      publish(4, templates.hits, templateHit);
      publish(5, templates.misses, templateMiss);
      publish(6, templates.notCached, templateNotCached);
      publish(7, templates.evictions, templateEvictions);
      signatureEntries.set(signatures.entries);
      templateEntries.set(templates.entries);
    },
  };
}
