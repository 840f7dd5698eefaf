// Prometheus text exposition format 0.0.4 for a MetricsRegistry: HELP and TYPE lines,
// every series of every defined metric (label sets are fixed, so all are shown, zeros
// included), label values escaped, histograms as cumulative _bucket{le} with +Inf,
// _sum and _count. Each cell is the sum over all writer shards.
import { forEachSeries } from "./layout.ts";
import type { MetricsRegistry } from "./registry.ts";

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

export function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** A sample value as Prometheus writes it (Go ParseFloat syntax). */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

function labelText(names: readonly string[], values: readonly string[], extra?: string): string {
  const parts = names.map((name, index) => `${name}="${escapeLabelValue(values[index])}"`);
  if (extra !== undefined) parts.push(extra);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

export function renderPrometheus(registry: MetricsRegistry): string {
  const lines: string[] = [];
  for (const metric of registry.layout.metrics) {
    const { definition, labelNames, cellsPerSeries, firstCell } = metric;
    lines.push(`# HELP ${definition.name} ${escapeHelp(definition.help)}`);
    lines.push(`# TYPE ${definition.name} ${definition.type}`);
    forEachSeries(metric, (seriesIndex, values) => {
      const base = firstCell + seriesIndex * cellsPerSeries;
      if (definition.type !== "histogram") {
        lines.push(
          `${definition.name}${labelText(labelNames, values)} ${formatSampleValue(registry.cellTotal(base))}`,
        );
        return;
      }
      const bounds = definition.buckets!;
      let cumulative = 0;
      for (let bucket = 0; bucket <= bounds.length; bucket++) {
        cumulative += registry.cellTotal(base + bucket);
        const le = bucket < bounds.length ? formatSampleValue(bounds[bucket]) : "+Inf";
        lines.push(`${definition.name}_bucket${labelText(labelNames, values, `le="${le}"`)} ${cumulative}`);
      }
      const sum = registry.cellTotal(base + bounds.length + 1);
      lines.push(`${definition.name}_sum${labelText(labelNames, values)} ${formatSampleValue(sum)}`);
      lines.push(`${definition.name}_count${labelText(labelNames, values)} ${cumulative}`);
    });
  }
  return `${lines.join("\n")}\n`;
}
