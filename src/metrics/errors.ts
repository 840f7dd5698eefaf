// Stable error codes of the metrics registry (domain 5xxx, range 5100–5149: metrics are
// part of the stage plumbing). Codes never change meaning.
import { ERROR_DOMAINS, type ErrorContext, OutriderError } from "../errors.ts";

export const METRIC_UNKNOWN = ERROR_DOMAINS.ring + 100;
export const METRIC_TYPE_MISMATCH = ERROR_DOMAINS.ring + 101;
export const METRIC_LABELS_INVALID = ERROR_DOMAINS.ring + 102;
export const METRIC_LABEL_VALUE_UNKNOWN = ERROR_DOMAINS.ring + 103;
export const METRIC_SHARD_UNKNOWN = ERROR_DOMAINS.ring + 104;
export const METRICS_DESCRIPTOR_INVALID = ERROR_DOMAINS.ring + 105;
export const METRIC_DEFINITION_INVALID = ERROR_DOMAINS.ring + 106;
export const METRIC_VALUE_INVALID = ERROR_DOMAINS.ring + 107;
export const METRICS_SHARDS_INVALID = ERROR_DOMAINS.ring + 108;

export function metricsError(code: number, codeName: string, message: string, context?: ErrorContext) {
  return new OutriderError(code, codeName, message, context);
}
