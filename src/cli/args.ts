// Strict command-line parsing shared by every subcommand: unknown options and
// missing values are usage errors (exit 2), never silently ignored.
import { type ParseArgsConfig, parseArgs } from "node:util";
import { usageError } from "./exit.ts";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parseCommandArgs(argv: string[], options: OptionSpec, command: string): ParsedArgs {
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values as ParsedArgs["values"], positionals: parsed.positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw usageError(`${command}: ${message.split("\n")[0]} (see 'outrider ${command} --help')`);
  }
}
