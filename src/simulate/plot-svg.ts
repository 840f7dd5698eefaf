// The --plot picture: a hand-written SVG with two panels sharing the time axis (seconds of the run):
// landed transactions per second, and latency (p99 solid, p50 dashed, log scale), one line per run,
// coloured by profile, with the burst windows shaded and a legend. Opens in any browser.
import type { SimulationReport } from "./report.ts";

const WIDTH = 1000;
const PANEL_HEIGHT = 250;
const MARGIN = { left: 70, right: 180, top: 50, gap: 50, bottom: 45 };
const COLORS: Record<string, string[]> = {
  baseline: ["#1f5fa8", "#5b9bd5", "#0b3c73", "#8fb8e0"],
  trading: ["#c0392b", "#e67e73", "#7b1d13", "#f0a69e"],
};

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function niceStep(span: number, ticks: number): number {
  const raw = span / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

function path(points: [number, number][]): string {
  return points.map(([x, y], index) => `${index === 0 ? "M" : "L"}${x.toFixed(1)},${y.toFixed(1)}`).join(" ");
}

export function renderPlot(report: SimulationReport): string {
  const runs = report.runs;
  const seconds = Math.max(report.durationSPerRun, ...runs.map((run) => run.client.seconds.length));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const height = MARGIN.top + 2 * PANEL_HEIGHT + MARGIN.gap + MARGIN.bottom;
  const x = (second: number) => MARGIN.left + (second / seconds) * plotWidth;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${WIDTH}" height="${height}" fill="white"/>`);
  const ratio = report.ratios
    ? ` — trading ÷ baseline: landed ${report.ratios.landedTps.toFixed(2)}×, p99 ${report.ratios.latencyP99.toFixed(2)}×`
    : "";
  out.push(
    `<text x="${MARGIN.left}" y="24" font-size="15" font-weight="bold">${escapeXml(`outrider simulate — ${report.scenario}, seed ${report.seed}, ${report.durationSPerRun} s per run${ratio}`)}</text>`,
  );

  const throughputTop = MARGIN.top;
  const latencyTop = MARGIN.top + PANEL_HEIGHT + MARGIN.gap;
  // Burst windows, shaded in both panels.
  const bursts = report.workload.bursts;
  if (bursts !== null && bursts.factor !== 1) {
    for (let start = bursts.offsetS; start < report.durationSPerRun; start += bursts.periodS) {
      const end = Math.min(report.durationSPerRun, start + bursts.lengthS);
      for (const top of [throughputTop, latencyTop])
        out.push(
          `<rect x="${x(start).toFixed(1)}" y="${top}" width="${(x(end) - x(start)).toFixed(1)}" height="${PANEL_HEIGHT}" fill="#f2f2f2"/>`,
        );
    }
  }
  // End of the offered window.
  for (const top of [throughputTop, latencyTop])
    out.push(
      `<line x1="${x(report.durationSPerRun)}" y1="${top}" x2="${x(report.durationSPerRun)}" y2="${top + PANEL_HEIGHT}" stroke="#999" stroke-dasharray="2,3"/>`,
    );

  // Throughput panel.
  const landedMax = Math.max(1, ...runs.flatMap((run) => run.client.seconds.map((second) => second.landed)));
  const tpsStep = niceStep(landedMax, 5);
  const tpsTop = Math.ceil(landedMax / tpsStep) * tpsStep;
  const yTps = (value: number) => throughputTop + PANEL_HEIGHT - (value / tpsTop) * PANEL_HEIGHT;
  for (let tick = 0; tick <= tpsTop + 1e-9; tick += tpsStep) {
    out.push(
      `<line x1="${MARGIN.left}" y1="${yTps(tick).toFixed(1)}" x2="${MARGIN.left + plotWidth}" y2="${yTps(tick).toFixed(1)}" stroke="#e0e0e0"/>`,
      `<text x="${MARGIN.left - 6}" y="${(yTps(tick) + 4).toFixed(1)}" text-anchor="end">${tick.toLocaleString("en-US")}</text>`,
    );
  }
  out.push(
    `<text x="16" y="${throughputTop + PANEL_HEIGHT / 2}" transform="rotate(-90 16 ${throughputTop + PANEL_HEIGHT / 2})" text-anchor="middle">landed tx/s</text>`,
  );

  // Latency panel (log scale).
  const latencies = runs.flatMap((run) =>
    run.client.seconds
      .flatMap((second) => [second.latencyMsP50, second.latencyMsP99])
      .filter((v) => Number.isFinite(v) && v > 0),
  );
  const lowExp = Math.floor(Math.log10(Math.max(0.1, Math.min(...latencies, 1))));
  const highExp = Math.max(lowExp + 1, Math.ceil(Math.log10(Math.max(...latencies, 10))));
  const yLat = (value: number) =>
    latencyTop +
    PANEL_HEIGHT -
    ((Math.log10(Math.max(value, 10 ** lowExp)) - lowExp) / (highExp - lowExp)) * PANEL_HEIGHT;
  for (let exponent = lowExp; exponent <= highExp; exponent++) {
    const value = 10 ** exponent;
    out.push(
      `<line x1="${MARGIN.left}" y1="${yLat(value).toFixed(1)}" x2="${MARGIN.left + plotWidth}" y2="${yLat(value).toFixed(1)}" stroke="#e0e0e0"/>`,
      `<text x="${MARGIN.left - 6}" y="${(yLat(value) + 4).toFixed(1)}" text-anchor="end">${value >= 1 ? value.toLocaleString("en-US") : value}</text>`,
    );
  }
  out.push(
    `<text x="16" y="${latencyTop + PANEL_HEIGHT / 2}" transform="rotate(-90 16 ${latencyTop + PANEL_HEIGHT / 2})" text-anchor="middle">latency ms (p99 solid, p50 dashed)</text>`,
  );

  // Time axis.
  const timeStep = niceStep(seconds, 10);
  for (let tick = 0; tick <= seconds + 1e-9; tick += timeStep)
    out.push(
      `<text x="${x(tick).toFixed(1)}" y="${latencyTop + PANEL_HEIGHT + 18}" text-anchor="middle">${tick}</text>`,
    );
  out.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${height - 8}" text-anchor="middle">seconds into the run (shaded: bursts; dotted: end of offered load)</text>`,
  );
  for (const top of [throughputTop, latencyTop])
    out.push(
      `<rect x="${MARGIN.left}" y="${top}" width="${plotWidth}" height="${PANEL_HEIGHT}" fill="none" stroke="#666"/>`,
    );

  // One line per run.
  runs.forEach((run, index) => {
    const palette = COLORS[run.profile] ?? ["#555"];
    const color = palette[(run.round - 1) % palette.length];
    const samples = run.client.seconds;
    out.push(
      `<path d="${path(samples.map((second) => [x(second.second + 0.5), yTps(second.landed)]))}" fill="none" stroke="${color}" stroke-width="1.6"/>`,
    );
    const withLatency = samples.filter(
      (second) => Number.isFinite(second.latencyMsP99) && second.latencyMsP99 > 0,
    );
    out.push(
      `<path d="${path(withLatency.map((second) => [x(second.second + 0.5), yLat(second.latencyMsP99)]))}" fill="none" stroke="${color}" stroke-width="1.6"/>`,
      `<path d="${path(withLatency.map((second) => [x(second.second + 0.5), yLat(second.latencyMsP50)]))}" fill="none" stroke="${color}" stroke-width="1.2" stroke-dasharray="5,3"/>`,
    );
    const legendY = MARGIN.top + 10 + index * 18;
    const legendX = MARGIN.left + plotWidth + 16;
    out.push(
      `<line x1="${legendX}" y1="${legendY}" x2="${legendX + 24}" y2="${legendY}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${legendX + 30}" y="${legendY + 4}">${escapeXml(`${run.profile} round ${run.round}`)}</text>`,
    );
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
