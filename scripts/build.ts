// Compiles dist/outrider: one executable with every Worker entrypoint and the
// native helper library embedded; it never autoloads .env or bunfig.toml.
import { Glob } from "bun";

const workerEntrypoints = [...new Glob("src/**/*.worker.ts").scanSync(".")].sort();
const args = [
  "build",
  "--compile",
  "--no-compile-autoload-dotenv",
  "--no-compile-autoload-bunfig",
  "--outfile",
  "dist/outrider",
  "src/cli/main.ts",
  ...workerEntrypoints,
];
console.log(`bun ${args.join(" ")}`);
const build = Bun.spawnSync([process.execPath, ...args], { stdout: "inherit", stderr: "inherit" });
process.exit(build.exitCode ?? 1);
