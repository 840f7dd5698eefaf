// Generates docs/CONFIG.md from the configuration schema: every key with its type,
// default, environment variable and description. `--check` fails when the file is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { configReference } from "../src/config/reference.ts";

const target = resolve(import.meta.dir, "../docs/CONFIG.md");
const text = configReference();
if (process.argv.includes("--check")) {
  const current = readFileSync(target, "utf8");
  if (current !== text) {
    console.error("docs/CONFIG.md is out of date: run `node_modules/.bin/bun scripts/gen-config-doc.ts`");
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
