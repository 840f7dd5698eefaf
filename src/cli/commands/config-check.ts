// `outrider config check FILE`: resolves a configuration file as `run` would and
// prints it as JSON, or prints every error found (one line each) and exits 2.
import { ConfigErrors } from "../../config/errors.ts";
import { isOutriderError } from "../../errors.ts";
import { parseCommandArgs } from "../args.ts";
import { CONFIG_OPTIONS, CONFIG_OPTIONS_HELP, resolveFromArgs } from "../config-options.ts";
import { EXIT_OK, EXIT_USAGE_ERROR, usageError } from "../exit.ts";

export const HELP = `usage: outrider config check FILE [options]

Resolves FILE on top of the embedded defaults (and the profile, the OUTRIDER_*
environment and any options given, exactly as 'outrider run' would) and prints
the resolved configuration as JSON on stdout. On errors, prints every error
found, one line each naming the key, on stderr and exits 2.

${CONFIG_OPTIONS_HELP}`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, CONFIG_OPTIONS, "config check");
  if (values.help) {
    console.log(HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw usageError("config check: expected exactly one FILE (see --help)");
  try {
    const resolved = resolveFromArgs(values, process.env, positionals[0]);
    for (const warning of resolved.warnings) console.error(`warning: ${warning}`);
    console.log(
      JSON.stringify(
        {
          config: resolved.config,
          profile: resolved.profile,
          configFile: resolved.configFile,
          flagsUnavailable: resolved.flagsUnavailable,
          sources: resolved.sources,
        },
        null,
        2,
      ),
    );
    return EXIT_OK;
  } catch (error) {
    if (error instanceof ConfigErrors) {
      for (const each of error.errors) console.error(`error: ${each.message}`);
      return EXIT_USAGE_ERROR;
    }
    if (isOutriderError(error)) {
      console.error(`error: ${error.message}`);
      return EXIT_USAGE_ERROR;
    }
    throw error;
  }
}
