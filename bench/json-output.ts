// Every bench's `--json FILE` (scripts/bench.sh passes it): the file is read from the
// command line once — a missing name is a usage error before anything is measured — and
// the bench's report is written there as pretty JSON at the end.
import { writeFileSync } from "node:fs";
import { basename } from "node:path";

/** The --json file name, or undefined without --json. Exits 2 when --json has no file. */
export function benchJsonFile(): string | undefined {
  const at = process.argv.indexOf("--json");
  if (at < 0) return undefined;
  const file = process.argv[at + 1];
  if (!file || file.startsWith("--")) {
    console.error(`usage: bun ${basename(process.argv[1] ?? "bench")} [--json FILE]`);
    process.exit(2);
  }
  return file;
}

/** Writes the report to the --json file, if one was asked for. */
export function writeBenchJson(report: object): void {
  const file = benchJsonFile();
  if (file === undefined) return;
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${file}`);
}
