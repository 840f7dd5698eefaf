// Resolves the configuration: embedded defaults < profile < TOML file < environment
// < command line. Unknown keys and wrong types are reported with the key's full
// path and the layer that set it; every error is collected before failing.
import type { z } from "zod";
import { ERROR_DOMAINS, OutriderError } from "../errors.ts";
import { loadProfile } from "../flags/profiles.ts";
import { FLAG_DEFINITIONS } from "../flags/registry.ts";
import {
  CONFIG_INVALID_VALUE,
  CONFIG_UNKNOWN_KEY,
  CONFIG_WRONG_TYPE,
  ConfigErrors,
  configError,
} from "./errors.ts";
import {
  type ConfigLayer,
  type ConfigValues,
  ENV_CONFIG_FILE,
  ENV_PROFILE,
  readConfigFile,
  readEnvironment,
} from "./layers.ts";
import { ConfigSchema, type OutriderConfig } from "./schema.ts";

export const FLAG_NOT_AVAILABLE = ERROR_DOMAINS.flags + 1;

export interface ConfigRequest {
  /** Path of a TOML config file (else OUTRIDER_CONFIG, else none). */
  file?: string;
  /** Profile name or path (else OUTRIDER_PROFILE, else the file's `profile` key). */
  profile?: string;
  env?: Record<string, string | undefined>;
  /** Command-line values, nested like the TOML file. */
  cli?: ConfigValues;
}

export interface UnavailableFlag {
  key: string;
  cli: string;
  /** The layer that asked for it (always a profile: explicit requests are errors). */
  source: string;
}

export interface ResolvedConfig {
  config: OutriderConfig;
  /** Dotted key → the layer that gave its final value ("default" when none did). */
  sources: Record<string, string>;
  /** Profile applied, if any. */
  profile: string | null;
  configFile: string | null;
  /** Flags a profile asked for whose feature is not built yet: started without them. */
  flagsUnavailable: UnavailableFlag[];
  warnings: string[];
}

function isPlainObject(value: unknown): value is ConfigValues {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Deep-merges a layer into the target, recording the source of every leaf it sets. */
function mergeLayer(
  target: ConfigValues,
  layer: ConfigValues,
  source: string,
  sources: Record<string, string>,
  prefix = "",
) {
  for (const [key, value] of Object.entries(layer)) {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (isPlainObject(value)) sources[path] ??= source;
    if (isPlainObject(value) && isPlainObject(target[key])) {
      mergeLayer(target[key] as ConfigValues, value, source, sources, path);
    } else if (isPlainObject(value)) {
      target[key] = {};
      mergeLayer(target[key] as ConfigValues, value, source, sources, path);
    } else {
      target[key] = value;
      sources[path] = source;
    }
  }
}

function describeSource(source: string | undefined): string {
  if (source === undefined || source === "default") return "defaults";
  if (source === "env") return "environment";
  if (source === "cli") return "command line";
  if (source.startsWith("file:")) return source.slice(5);
  return source;
}

function issueToError(issue: z.core.$ZodIssue, sources: Record<string, string>): OutriderError[] {
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const fullPath = path === "" ? key : `${path}.${key}`;
      return configError(
        CONFIG_UNKNOWN_KEY,
        "CONFIG_UNKNOWN_KEY",
        `${describeSource(sources[fullPath] ?? firstSourceUnder(sources, fullPath))}: unknown key '${fullPath}'`,
        fullPath,
      );
    });
  }
  const where = describeSource(sources[path]);
  if (issue.code === "invalid_type") {
    return [
      configError(
        CONFIG_WRONG_TYPE,
        "CONFIG_WRONG_TYPE",
        `${where}: '${path}' ${issue.message.replace(/^Invalid input: /, "")}`,
        path,
      ),
    ];
  }
  return [
    configError(CONFIG_INVALID_VALUE, "CONFIG_INVALID_VALUE", `${where}: '${path}': ${issue.message}`, path),
  ];
}

function firstSourceUnder(sources: Record<string, string>, prefix: string): string | undefined {
  for (const [path, source] of Object.entries(sources)) if (path.startsWith(`${prefix}.`)) return source;
  return undefined;
}

export function resolveConfig(request: ConfigRequest = {}): ResolvedConfig {
  const env = request.env ?? {};
  const errors: OutriderError[] = [];
  const layers: ConfigLayer[] = [];

  const configFile = request.file ?? env[ENV_CONFIG_FILE] ?? null;
  let fileLayer: ConfigLayer | undefined;
  if (configFile) fileLayer = readConfigFile(configFile);
  const envLayer = readEnvironment(env, errors);

  const fileProfile =
    typeof fileLayer?.values.profile === "string" ? (fileLayer.values.profile as string) : "";
  const profileName = request.profile ?? env[ENV_PROFILE] ?? fileProfile;
  let profile: string | null = null;
  if (profileName) {
    const loaded = loadProfile(profileName);
    const extraSections = Object.keys(loaded.values).filter((key) => key !== "flags");
    for (const section of extraSections) {
      errors.push(
        configError(
          CONFIG_UNKNOWN_KEY,
          "CONFIG_UNKNOWN_KEY",
          `profile '${profileName}': unknown key '${section}' (a profile may only set [flags])`,
          section,
        ),
      );
    }
    layers.push({ source: `profile:${profileName}`, values: { flags: loaded.values.flags ?? {} } });
    profile = profileName;
  }
  if (fileLayer) layers.push(fileLayer);
  layers.push(envLayer);
  if (request.cli) layers.push({ source: "cli", values: request.cli });

  const merged: ConfigValues = {};
  const sources: Record<string, string> = {};
  for (const layer of layers) mergeLayer(merged, layer.values, layer.source, sources);
  if (profile !== null) {
    merged.profile = profile;
    sources.profile ??= "cli";
  }

  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors.push(...issueToError(issue, sources));
  }
  if (errors.length > 0 || !parsed.success) throw new ConfigErrors(errors);

  const config = parsed.data;
  const flagsUnavailable: UnavailableFlag[] = [];
  const warnings: string[] = [];
  for (const definition of FLAG_DEFINITIONS) {
    if (definition.available || !config.flags[definition.key]) continue;
    const source = sources[`flags.${definition.key}`] ?? "default";
    if (source.startsWith("profile:")) {
      config.flags[definition.key] = false;
      flagsUnavailable.push({ key: definition.key, cli: definition.cli, source });
      warnings.push(
        `flag ${definition.cli} requested by ${source} is not available yet; starting without it`,
      );
    } else {
      errors.push(
        new OutriderError(
          FLAG_NOT_AVAILABLE,
          "FLAG_NOT_AVAILABLE",
          `${describeSource(source)}: flag ${definition.cli} ('flags.${definition.key}') is not available in this build${definition.pendingIssue ? ` (its feature lands with issue ${definition.pendingIssue})` : ""}`,
          { key: `flags.${definition.key}` },
        ),
      );
    }
  }
  if (errors.length > 0) throw new ConfigErrors(errors);
  return { config, sources, profile, configFile, flagsUnavailable, warnings };
}
