// Command-line options shared by every command that resolves a configuration
// (run, simulate, config check): the config file, the profile, the five feature
// flags, the common keys with their own option, and `--set KEY=VALUE` for any key.
import { ConfigErrors } from "../config/errors.ts";
import { type ConfigValues, coerceToKeyType, readOverrides, setPath } from "../config/layers.ts";
import { type ResolvedConfig, resolveConfig } from "../config/load.ts";
import type { OutriderError } from "../errors.ts";
import { FLAG_DEFINITIONS } from "../flags/registry.ts";
import type { OptionSpec, ParsedArgs } from "./args.ts";

/** Options with a dedicated form: option name → dotted config key. */
const KEY_OPTIONS: Record<string, string> = {
  "tpu-bind": "tpu.bind",
  "rpc-bind": "rpc.bind",
  "pubsub-bind": "rpc.pubsub_bind",
  upstream: "bank.upstream_url",
  "upstream-ws": "bank.upstream_ws_url",
  "slot-ms": "bank.slot_ms",
  "verify-workers": "layout.verify_workers",
  "log-level": "log.level",
};

export const CONFIG_OPTIONS: OptionSpec = {
  config: { type: "string" },
  profile: { type: "string" },
  set: { type: "string", multiple: true },
  ...Object.fromEntries(Object.keys(KEY_OPTIONS).map((name) => [name, { type: "string" as const }])),
  ...Object.fromEntries(
    FLAG_DEFINITIONS.map((definition) => [definition.cli.slice(2), { type: "boolean" as const }]),
  ),
};

export const CONFIG_OPTIONS_HELP = `configuration (defaults < --profile < --config FILE < OUTRIDER_* environment < options):
  --config FILE          TOML configuration file (or OUTRIDER_CONFIG)
  --profile NAME         flag profile: baseline, trading, or a path to a .toml file (or OUTRIDER_PROFILE)
  --set KEY=VALUE        set any key, e.g. --set ingress.queue_packets_max=4096 (repeatable)
  --tpu-bind HOST:PORT   UDP transaction intake (tpu.bind, default 127.0.0.1:7700)
  --rpc-bind HOST:PORT   JSON-RPC over HTTP; PubSub on the next port (rpc.bind, default 127.0.0.1:7799)
  --pubsub-bind H:P      PubSub WebSocket, when not the RPC port + 1 (rpc.pubsub_bind)
  --upstream URL         forward to this Solana RPC node instead of the embedded SVM (bank.upstream_url)
  --upstream-ws URL      upstream PubSub WebSocket (bank.upstream_ws_url; default its port + 1)
  --slot-ms N            embedded bank slot time in ms (bank.slot_ms, default 400)
  --verify-workers N     verify workers, 0 = cores - 1 (layout.verify_workers)
  --log-level LEVEL      debug, info, warn, error (log.level)
feature flags (see 'outrider flags'):
${FLAG_DEFINITIONS.map((definition) => `  ${definition.cli.padEnd(28)} ${definition.description}`).join("\n")}`;

/** Builds the command-line layer from parsed options. */
export function cliLayer(values: ParsedArgs["values"], errors: OutriderError[]): ConfigValues {
  const layer = readOverrides((values.set as string[] | undefined) ?? [], errors);
  for (const [option, path] of Object.entries(KEY_OPTIONS)) {
    const text = values[option];
    if (typeof text === "string") setPath(layer, path, coerceToKeyType(path, text));
  }
  for (const definition of FLAG_DEFINITIONS) {
    if (values[definition.cli.slice(2)] === true) setPath(layer, `flags.${definition.key}`, true);
  }
  return layer;
}

/** Resolves the configuration from parsed options and the process environment. */
export function resolveFromArgs(
  values: ParsedArgs["values"],
  env: Record<string, string | undefined> = process.env,
  file?: string,
): ResolvedConfig {
  const errors: OutriderError[] = [];
  const cli = cliLayer(values, errors);
  if (errors.length > 0) throw new ConfigErrors(errors);
  return resolveConfig({
    file: file ?? (values.config as string | undefined),
    profile: values.profile as string | undefined,
    env,
    cli,
  });
}
