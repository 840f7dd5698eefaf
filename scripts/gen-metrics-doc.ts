// Writes docs/METRICS.md from src/metrics/definitions.ts. With --check, writes nothing and
// exits 1 when the file is out of date (the unit test does the same comparison).
import { resolve } from "node:path";
import { renderMetricsDoc } from "../src/metrics/doc.ts";

const target = resolve(import.meta.dir, "../docs/METRICS.md");
const expected = renderMetricsDoc();
const file = Bun.file(target);
const current = (await file.exists()) ? await file.text() : "";
if (process.argv.includes("--check")) {
  if (current !== expected) {
    console.error("docs/METRICS.md is out of date: run bun scripts/gen-metrics-doc.ts");
    process.exit(1);
  }
  console.log("docs/METRICS.md is up to date");
} else {
  await Bun.write(target, expected);
  console.log(`wrote ${target}`);
}
