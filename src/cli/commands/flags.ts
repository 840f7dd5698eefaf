// `outrider flags`: lists the five feature flags with their description, owning
// stage, availability, and their state under the given profile/config/options.
import { ConfigErrors } from "../../config/errors.ts";
import { FLAG_DEFINITIONS } from "../../flags/registry.ts";
import { parseCommandArgs } from "../args.ts";
import { CONFIG_OPTIONS, CONFIG_OPTIONS_HELP, resolveFromArgs } from "../config-options.ts";
import { EXIT_OK, EXIT_USAGE_ERROR } from "../exit.ts";

export const HELP = `usage: outrider flags [--json] [options]

Lists the feature flags: name, state (on/off) under the resolved configuration,
whether the feature is available in this build, the stages that own it, and
what it covers. With every flag off Outrider is the plain baseline relay.
Flags can be set by a profile (flags/*.toml), the config file's [flags] section,
OUTRIDER_ENABLE_* environment variables, or --enable-* options.

  --json                 print as JSON

${CONFIG_OPTIONS_HELP}`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { ...CONFIG_OPTIONS, json: { type: "boolean" } }, "flags");
  if (values.help) {
    console.log(HELP);
    return EXIT_OK;
  }
  let resolved: ReturnType<typeof resolveFromArgs>;
  try {
    resolved = resolveFromArgs(values);
  } catch (error) {
    if (!(error instanceof ConfigErrors)) throw error;
    for (const each of error.errors) console.error(`error: ${each.message}`);
    return EXIT_USAGE_ERROR;
  }
  const rows = FLAG_DEFINITIONS.map((definition) => {
    const unavailable = resolved.flagsUnavailable.find((flag) => flag.key === definition.key);
    return {
      flag: definition.cli,
      key: `flags.${definition.key}`,
      env: definition.env,
      enabled: resolved.config.flags[definition.key],
      available: definition.available,
      requestedButUnavailable: unavailable !== undefined,
      source: resolved.sources[`flags.${definition.key}`] ?? "default",
      stages: definition.stages,
      default: definition.defaultEnabled,
      description: definition.description,
    };
  });
  if (values.json) {
    console.log(JSON.stringify({ profile: resolved.profile, flags: rows }, null, 2));
    return EXIT_OK;
  }
  const width = Math.max(...rows.map((row) => row.flag.length));
  console.log(`profile: ${resolved.profile ?? "(none)"}`);
  for (const row of rows) {
    const state = row.enabled ? "on " : "off";
    const availability = row.available
      ? ""
      : row.requestedButUnavailable
        ? " [not available: requested, started without it]"
        : " [not available in this build]";
    console.log(
      `${row.flag.padEnd(width)}  ${state}  ${row.stages.join(",").padEnd(16)} ${row.description}${availability}`,
    );
  }
  for (const warning of resolved.warnings) console.error(`warning: ${warning}`);
  return EXIT_OK;
}
