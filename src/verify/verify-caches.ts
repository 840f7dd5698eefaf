// The verify stage's caches under --enable-trading-cache, sized from ONE byte bound: the transaction
// template cache takes at most a fifth (and never more than its default 4,096 shapes), the
// signature-verification cache the rest, less both caches' batch scratch. Every array is
// allocated here, once; `bytesHeld` is the exact total and never exceeds the bound (asserted).
import { OutriderError } from "../errors.ts";
import { MAX_SIGNATURES_PER_PACKET } from "../tx/limits.ts";
import {
  SIG_CACHE_BYTES_PER_ENTRY,
  SIG_CACHE_CONFIG_INVALID,
  SIG_CACHE_ENTRIES_MAX,
  SIG_CACHE_ENTRIES_MIN,
  SIG_CACHE_WAYS,
  SignatureCache,
} from "./sig-cache.ts";
import {
  CachedBatchVerifier,
  cachedVerifierScratchBytes,
  type InnerBatchVerifier,
} from "./sig-cache-verifier.ts";
import {
  TEMPLATE_CACHE_BYTES_PER_ENTRY,
  TEMPLATE_CACHE_DEFAULT_ENTRIES,
  TEMPLATE_CACHE_ENTRIES_MIN,
  TEMPLATE_CACHE_WAYS,
  TemplateCache,
} from "./template-cache.ts";

/** Scratch the template cache keeps besides its entries (descriptor and key words), rounded up. */
const TEMPLATE_SCRATCH_BYTES = 4096;
/** Share of the bound the template cache may take. */
const TEMPLATE_SHARE = 0.2;

export interface VerifyCaches {
  signatures: SignatureCache;
  verifier: CachedBatchVerifier;
  templates: TemplateCache;
  /** Exact bytes of every array the three objects hold. */
  bytesHeld: number;
  bytesMax: number;
}

export interface VerifyCacheSizes {
  signatureEntries: number;
  templateEntries: number;
}

/** Entry counts that fit `bytesMax`; throws SIG_CACHE_CONFIG_INVALID when even the minimum does not. */
export function verifyCacheSizes(bytesMax: number, batchPacketsMax: number): VerifyCacheSizes {
  const templateSets = Math.floor(
    (TEMPLATE_SHARE * bytesMax) / TEMPLATE_CACHE_BYTES_PER_ENTRY / TEMPLATE_CACHE_WAYS,
  );
  const templateEntries = Math.min(TEMPLATE_CACHE_DEFAULT_ENTRIES, templateSets * TEMPLATE_CACHE_WAYS);
  const scratchBytes =
    cachedVerifierScratchBytes(batchPacketsMax * MAX_SIGNATURES_PER_PACKET) + TEMPLATE_SCRATCH_BYTES;
  const signatureBytes = bytesMax - templateEntries * TEMPLATE_CACHE_BYTES_PER_ENTRY - scratchBytes;
  const signatureEntries = Math.min(
    SIG_CACHE_ENTRIES_MAX,
    Math.floor(signatureBytes / SIG_CACHE_BYTES_PER_ENTRY / SIG_CACHE_WAYS) * SIG_CACHE_WAYS,
  );
  if (templateEntries < TEMPLATE_CACHE_ENTRIES_MIN || signatureEntries < SIG_CACHE_ENTRIES_MIN) {
    throw new OutriderError(
      SIG_CACHE_CONFIG_INVALID,
      "SIG_CACHE_CONFIG_INVALID",
      `verify caches: ${bytesMax} bytes per verify worker cannot hold the minimum caches; raise verify.cache_bytes_max`,
      { bytesMax },
    );
  }
  return { signatureEntries, templateEntries };
}

/** Builds both caches and the cached verifier around `inner` (the strict verifier) within `bytesMax`. */
export function createVerifyCaches(
  inner: InnerBatchVerifier,
  bytesMax: number,
  batchPacketsMax: number,
): VerifyCaches {
  const sizes = verifyCacheSizes(bytesMax, batchPacketsMax);
  const signatures = new SignatureCache({ entriesMax: sizes.signatureEntries });
  // Verdicts are entered on request: for transactions that come back not included (see VerifyStage).
  const verifier = new CachedBatchVerifier(
    inner,
    signatures,
    batchPacketsMax * MAX_SIGNATURES_PER_PACKET,
    "on-request",
  );
  const templates = new TemplateCache({ entriesMax: sizes.templateEntries });
  const bytesHeld = signatures.bytesHeld + verifier.bytesHeld + templates.bytesHeld;
  if (bytesHeld > bytesMax) {
    throw new OutriderError(
      SIG_CACHE_CONFIG_INVALID,
      "SIG_CACHE_CONFIG_INVALID",
      `verify caches hold ${bytesHeld} bytes, over their bound of ${bytesMax}`,
      { bytesHeld, bytesMax },
    );
  }
  return { signatures, verifier, templates, bytesHeld, bytesMax };
}
