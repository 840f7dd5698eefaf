#!/usr/bin/env bun
// The `outrider` command: dispatches to one subcommand per file in ./commands.
// Exit codes: 0 ok, 1 runtime error, 2 usage or configuration error.
import { ERROR_DOMAINS, isOutriderError } from "../errors.ts";
import { CLI_USAGE_ERROR, EXIT_OK, EXIT_RUNTIME_ERROR, EXIT_USAGE_ERROR } from "./exit.ts";

interface CommandModule {
  HELP: string;
  run(argv: string[]): Promise<number>;
}

interface CommandEntry {
  summary: string;
  load(): Promise<CommandModule>;
}

// Subcommands appear here as their issues land; none is a placeholder.
const COMMANDS: Record<string, CommandEntry> = {
  run: {
    summary: "start the pipeline on the embedded SVM (RPC, PubSub, UDP)",
    load: () => import("./commands/run.ts"),
  },
  topology: {
    summary: "machine topology and the planned placement of every stage",
    load: () => import("./commands/topology.ts"),
  },
  version: { summary: "print version and runtime", load: () => import("./commands/version.ts") },
  "tx decode": {
    summary: "decode and check a wire transaction (base64/base58) as JSON",
    load: () => import("./commands/tx-decode.ts"),
  },
  simulate: {
    summary: "end-to-end trading scenario: baseline vs trading profile, throughput and latency",
    load: () => import("./commands/simulate.ts"),
  },
  "cache sim": {
    summary: "replay an account access trace: outrider vs LRU vs optimal hit ratio",
    load: () => import("./commands/cache-sim.ts"),
  },
  flags: { summary: "list feature flags and their state", load: () => import("./commands/flags.ts") },
  "config check": {
    summary: "validate a config file and print the resolved configuration",
    load: () => import("./commands/config-check.ts"),
  },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return `usage: outrider <command> [options]

Trading-focused companion for Solana validators.

commands:
${lines.join("\n")}

Run 'outrider <command> --help' for a command's options.
Exit codes: 0 ok, 1 runtime error, 2 usage or configuration error.`;
}

/** Resolves a command path such as ["config", "check"] to its entry name "config check". */
function resolveCommand(argv: string[]): { name: string; rest: string[] } | undefined {
  for (let wordCount = Math.min(2, argv.length); wordCount >= 1; wordCount--) {
    const name = argv.slice(0, wordCount).join(" ");
    if (COMMANDS[name]) return { name, rest: argv.slice(wordCount) };
  }
  return undefined;
}

/** Configuration (1xxx) and feature-flag (3xxx) errors are the user's to fix: exit 2. */
function isUsageDomain(code: number): boolean {
  const domain = Math.floor(code / 1000) * 1000;
  return code === CLI_USAGE_ERROR || domain === ERROR_DOMAINS.config || domain === ERROR_DOMAINS.flags;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    console.log(mainHelp());
    return argv.length === 0 ? EXIT_USAGE_ERROR : EXIT_OK;
  }
  if (argv[0] === "--version") argv = ["version"];
  const resolved = resolveCommand(argv);
  if (!resolved) {
    const group = Object.keys(COMMANDS).filter((name) => name.startsWith(`${argv[0]} `));
    if (group.length > 0 && (argv.length === 1 || argv[1] === "--help" || argv[1] === "-h")) {
      console.log(
        `usage: outrider ${argv[0]} <${group.map((name) => name.split(" ")[1]).join("|")}> [options]`,
      );
      return argv.length === 1 ? EXIT_USAGE_ERROR : EXIT_OK;
    }
    console.error(`error: unknown command '${argv.join(" ")}' (see 'outrider --help')`);
    return EXIT_USAGE_ERROR;
  }
  try {
    const command = await COMMANDS[resolved.name].load();
    return await command.run(resolved.rest);
  } catch (error) {
    if (isOutriderError(error)) {
      console.error(`error: ${error.message}`);
      return isUsageDomain(error.code) ? EXIT_USAGE_ERROR : EXIT_RUNTIME_ERROR;
    }
    console.error(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT_RUNTIME_ERROR;
  }
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2));
  process.exit(code);
}
