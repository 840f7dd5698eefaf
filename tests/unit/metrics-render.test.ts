// Prometheus exposition: the rendered registry passes `promtool check metrics` when
// promtool is installed (and promtool is shown to reject a bad sample, so the check can
// fail); the format rules are also checked here independently of promtool; label
// escaping and value formatting; docs/METRICS.md matches the definitions.
import { describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import {
  attachMetrics,
  createMetrics,
  escapeHelp,
  escapeLabelValue,
  formatSampleValue,
  METRIC_DEFINITIONS,
  renderMetricsDoc,
  renderPrometheus,
} from "../../src/metrics/index.ts";

const REPO_ROOT = resolve(import.meta.dir, "../..");
const SAMPLE_LINE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*",?)*)\})? (\S+)$/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"/g;

/** Format rules of text exposition 0.0.4 (the subset Outrider relies on); returns the problems found. */
function expositionProblems(text: string): string[] {
  const problems: string[] = [];
  if (!text.endsWith("\n")) problems.push("output must end with a newline");
  const families = new Map<string, string>();
  const seenSeries = new Set<string>();
  let family = "";
  let familyType = "";
  let histogram: { key: string; lastLe: number; lastCount: number } | null = null;
  const lines = text.slice(0, -1).split("\n");
  lines.forEach((line, index) => {
    const where = `line ${index + 1}`;
    if (line.startsWith("# HELP ")) {
      const name = line.split(" ")[2];
      if (families.has(name)) problems.push(`${where}: family ${name} appears twice`);
      family = name;
      familyType = "";
      return;
    }
    if (line.startsWith("# TYPE ")) {
      const [, , name, type] = line.split(" ");
      if (name !== family) problems.push(`${where}: TYPE for ${name} not right after its HELP`);
      if (!["counter", "gauge", "histogram"].includes(type)) problems.push(`${where}: type ${type}`);
      if (type === "counter" && !name.endsWith("_total"))
        problems.push(`${where}: counter ${name} lacks _total`);
      if (type !== "counter" && name.endsWith("_total"))
        problems.push(`${where}: ${type} ${name} ends in _total`);
      familyType = type;
      families.set(name, type);
      return;
    }
    const match = SAMPLE_LINE.exec(line);
    if (match === null) {
      problems.push(`${where}: not a sample line: ${line}`);
      return;
    }
    const [, name, labelText = "", valueText] = match;
    if (familyType === "") problems.push(`${where}: sample before TYPE`);
    const allowed =
      familyType === "histogram" ? [`${family}_bucket`, `${family}_sum`, `${family}_count`] : [family];
    if (!allowed.includes(name)) problems.push(`${where}: sample ${name} outside family ${family}`);
    const value = Number(valueText.replace("+Inf", "Infinity"));
    if (Number.isNaN(value) && valueText !== "NaN") problems.push(`${where}: bad value ${valueText}`);
    const labels = [...labelText.matchAll(LABEL_PAIR)].map(([, labelName, labelValue]) => [
      labelName,
      labelValue,
    ]);
    const names = labels.map(([labelName]) => labelName);
    if (new Set(names).size !== names.length) problems.push(`${where}: repeated label name`);
    const seriesKey = `${name}{${labels.map((pair) => pair.join("=")).join(",")}}`;
    if (seenSeries.has(seriesKey)) problems.push(`${where}: duplicate series ${seriesKey}`);
    seenSeries.add(seriesKey);
    if (familyType === "histogram") {
      const key = labels
        .filter(([labelName]) => labelName !== "le")
        .map((pair) => pair.join("="))
        .join(",");
      if (name.endsWith("_bucket")) {
        const leText = labels.find(([labelName]) => labelName === "le")?.[1];
        if (leText === undefined) problems.push(`${where}: bucket without le`);
        const le = leText === "+Inf" ? Number.POSITIVE_INFINITY : Number(leText);
        if (histogram === null || histogram.key !== key)
          histogram = { key, lastLe: Number.NEGATIVE_INFINITY, lastCount: 0 };
        if (!(le > histogram.lastLe)) problems.push(`${where}: le not increasing`);
        if (value < histogram.lastCount) problems.push(`${where}: bucket counts not cumulative`);
        histogram.lastLe = le;
        histogram.lastCount = value;
      } else if (name.endsWith("_count")) {
        if (histogram?.key !== key || histogram.lastLe !== Number.POSITIVE_INFINITY) {
          problems.push(`${where}: histogram series without a +Inf bucket`);
        } else if (histogram.lastCount !== value)
          problems.push(`${where}: _count differs from the +Inf bucket`);
      }
    }
  });
  return problems;
}

function populatedText(): string {
  const registry = attachMetrics(createMetrics());
  const verify = registry.shard("verify#0");
  verify.counter("outrider_verify_transactions_dropped_total", { reason: "bad_signature" }).inc(3);
  registry
    .shard("verify#1")
    .counter("outrider_verify_transactions_dropped_total", { reason: "bad_signature" })
    .inc(4);
  registry.shard("control").gauge("outrider_ring_entries_queued", { ring: "schedule_bank" }).set(12);
  const rpc = registry
    .shard("control")
    .histogram("outrider_rpc_request_duration_seconds", { method: "getSlot" });
  for (const seconds of [0.0000005, 0.0003, 0.0003, 0.2, 3]) rpc.observe(seconds);
  return renderPrometheus(registry);
}

describe("Prometheus exposition", () => {
  test("rendered metrics follow the text format rules", () => {
    const text = populatedText();
    expect(expositionProblems(text)).toEqual([]);
    expect(text).toContain('outrider_verify_transactions_dropped_total{reason="bad_signature"} 7\n');
    expect(text).toContain('outrider_ring_entries_queued{ring="schedule_bank"} 12\n');
    expect(text).toContain('outrider_rpc_request_duration_seconds_bucket{method="getSlot",le="0.0005"} 3\n');
    expect(text).toContain('outrider_rpc_request_duration_seconds_bucket{method="getSlot",le="+Inf"} 5\n');
    expect(text).toContain('outrider_rpc_request_duration_seconds_count{method="getSlot"} 5\n');
    expect(text).toContain("# TYPE outrider_pipeline_stage_duration_seconds histogram\n");
    for (const definition of METRIC_DEFINITIONS) expect(text).toContain(`# HELP ${definition.name} `);
  });

  test("the format checker itself catches broken output", () => {
    expect(expositionProblems("# HELP a_b x\n# TYPE a_b counter\na_b 1\n")).toHaveLength(1);
    expect(expositionProblems('# HELP a_total x\n# TYPE a_total counter\na_total{x="1} 1\n')).toHaveLength(1);
    const unsorted =
      '# HELP h x\n# TYPE h histogram\nh_bucket{le="2"} 1\nh_bucket{le="1"} 0\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 2\n';
    expect(expositionProblems(unsorted).length).toBeGreaterThanOrEqual(3);
  });

  test("promtool check metrics accepts the output (skipped without promtool)", () => {
    const promtool = Bun.which("promtool");
    if (promtool === null) {
      console.warn("promtool not on PATH: relying on the built-in format checks");
      return;
    }
    const good = Bun.spawnSync([promtool, "check", "metrics"], {
      stdin: new TextEncoder().encode(populatedText()),
    });
    expect(`${good.stdout}${good.stderr}`).toBe("");
    expect(good.exitCode).toBe(0);
    const bad = Bun.spawnSync([promtool, "check", "metrics"], {
      stdin: new TextEncoder().encode("# HELP a_b x\n# TYPE a_b counter\na_b 1\n"),
    });
    expect(bad.exitCode).not.toBe(0);
  });

  test("escaping and value formatting", () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect(escapeHelp("x\\y\nz")).toBe("x\\\\y\\nz");
    expect(formatSampleValue(Number.NaN)).toBe("NaN");
    expect(formatSampleValue(Number.POSITIVE_INFINITY)).toBe("+Inf");
    expect(formatSampleValue(Number.NEGATIVE_INFINITY)).toBe("-Inf");
    expect(formatSampleValue(0.25)).toBe("0.25");
    expect(formatSampleValue(1e21)).toBe("1e+21");
  });
});

describe("docs/METRICS.md", () => {
  test("is generated from the current definitions (run: bun scripts/gen-metrics-doc.ts)", async () => {
    const onDisk = await Bun.file(resolve(REPO_ROOT, "docs/METRICS.md")).text();
    expect(onDisk).toBe(renderMetricsDoc());
    for (const definition of METRIC_DEFINITIONS) expect(onDisk).toContain(`\`${definition.name}\``);
  });
});
