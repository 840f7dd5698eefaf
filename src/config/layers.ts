// Reads the configuration layers: a TOML file, OUTRIDER_* environment variables,
// and command-line overrides. Values from the environment and the command line
// arrive as strings and are coerced to the type the key's default has.
import { existsSync, readFileSync } from "node:fs";
import type { OutriderError } from "../errors.ts";
import {
  CONFIG_BAD_OVERRIDE,
  CONFIG_FILE_NOT_TOML,
  CONFIG_FILE_UNREADABLE,
  CONFIG_UNKNOWN_KEY,
  configError,
} from "./errors.ts";
import { ConfigSchema, DEFAULT_CONFIG } from "./schema.ts";

export type ConfigValues = Record<string, unknown>;

export interface ConfigLayer {
  /** "profile:NAME", "file:PATH", "env" or "cli". */
  source: string;
  values: ConfigValues;
}

/** Environment variables that are not configuration keys. */
export const ENV_CONFIG_FILE = "OUTRIDER_CONFIG";
export const ENV_PROFILE = "OUTRIDER_PROFILE";
const ENV_PREFIX = "OUTRIDER_";

export function readConfigFile(path: string): ConfigLayer {
  if (!existsSync(path)) {
    throw configError(
      CONFIG_FILE_UNREADABLE,
      "CONFIG_FILE_UNREADABLE",
      `config file '${path}' does not exist`,
    );
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw configError(
      CONFIG_FILE_UNREADABLE,
      "CONFIG_FILE_UNREADABLE",
      `config file '${path}' cannot be read: ${(error as Error).message}`,
    );
  }
  try {
    return { source: `file:${path}`, values: Bun.TOML.parse(text) as ConfigValues };
  } catch (error) {
    throw configError(
      CONFIG_FILE_NOT_TOML,
      "CONFIG_FILE_NOT_TOML",
      `config file '${path}' is not valid TOML: ${(error as Error).message}`,
    );
  }
}

/** The default value at a dotted path, or undefined when the path is not a key. */
export function defaultAt(path: string): unknown {
  let node: unknown = DEFAULT_CONFIG;
  for (const part of path.split(".")) {
    if (node === null || typeof node !== "object" || Array.isArray(node) || !(part in node)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Coerces a string to the type of the key's default; leaves it a string when it does not fit (zod then says what was expected). */
export function coerceToKeyType(path: string, text: string): unknown {
  const example = defaultAt(path);
  if (typeof example === "number") {
    const value = Number(text.replaceAll("_", ""));
    return text.trim() !== "" && Number.isFinite(value) ? value : text;
  }
  if (typeof example === "boolean") {
    if (/^(true|1|yes|on)$/i.test(text)) return true;
    if (/^(false|0|no|off)$/i.test(text)) return false;
    return text;
  }
  if (Array.isArray(example)) {
    if (text.trim() === "") return [];
    // Items become numbers only for a list of numbers: base58 ids such as the System program's
    // (32 ones) are all digits and must stay strings.
    const numeric = arrayElementType(path) === "number";
    return text.split(",").map((item) => {
      const value = Number(item.trim());
      return numeric && Number.isFinite(value) && item.trim() !== "" ? value : item.trim();
    });
  }
  return text;
}

/** The zod type name of a list key's items ("string", "number", …), from the schema. */
function arrayElementType(path: string): string | undefined {
  type Def = {
    type: string;
    innerType?: Schema;
    in?: Schema;
    shape?: Record<string, Schema>;
    element?: Schema;
  };
  type Schema = { _zod: { def: Def } };
  const unwrap = (schema: Schema | undefined): Def | undefined => {
    let def = schema?._zod.def;
    while (
      def &&
      (def.type === "default" || def.type === "optional" || def.type === "pipe" || def.type === "prefault")
    )
      def = (def.innerType ?? def.in)?._zod.def;
    return def;
  };
  let def = unwrap(ConfigSchema as unknown as Schema);
  for (const part of path.split(".")) def = unwrap(def?.shape?.[part]);
  return def?.type === "array" ? unwrap(def.element)?.type : undefined;
}

/** Sets a dotted path in a nested object, creating sections as needed. */
export function setPath(target: ConfigValues, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== "object" || node[part] === null) node[part] = {};
    node = node[part] as ConfigValues;
  }
  node[parts[parts.length - 1]] = value;
}

const SECTIONS = Object.keys(DEFAULT_CONFIG).filter(
  (key) =>
    typeof (DEFAULT_CONFIG as ConfigValues)[key] === "object" &&
    !Array.isArray((DEFAULT_CONFIG as ConfigValues)[key]),
);

/** Maps an OUTRIDER_* variable name to its dotted key: OUTRIDER_BANK_SLOT_MS → bank.slot_ms, OUTRIDER_ENABLE_X → flags.enable_x. */
export function envNameToPath(name: string): string | undefined {
  const rest = name.slice(ENV_PREFIX.length).toLowerCase();
  if (rest.startsWith("enable_")) return `flags.${rest}`;
  for (const section of SECTIONS) {
    if (rest.startsWith(`${section}_`)) return `${section}.${rest.slice(section.length + 1)}`;
  }
  return rest;
}

export function readEnvironment(
  env: Record<string, string | undefined>,
  errors: OutriderError[],
): ConfigLayer {
  const values: ConfigValues = {};
  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || text === undefined) continue;
    if (name === ENV_CONFIG_FILE || name === ENV_PROFILE) continue;
    const path = envNameToPath(name);
    if (
      path === undefined ||
      defaultAt(path) === undefined ||
      (typeof defaultAt(path) === "object" && !Array.isArray(defaultAt(path)))
    ) {
      errors.push(
        configError(
          CONFIG_UNKNOWN_KEY,
          "CONFIG_UNKNOWN_KEY",
          `environment: unknown variable ${name} (no configuration key '${path}')`,
          name,
        ),
      );
      continue;
    }
    setPath(values, path, coerceToKeyType(path, text));
  }
  return { source: "env", values };
}

/** Parses `--set section.key=value` overrides. */
export function readOverrides(assignments: string[], errors: OutriderError[]): ConfigValues {
  const values: ConfigValues = {};
  for (const assignment of assignments) {
    const equals = assignment.indexOf("=");
    if (equals <= 0) {
      errors.push(
        configError(
          CONFIG_BAD_OVERRIDE,
          "CONFIG_BAD_OVERRIDE",
          `--set '${assignment}': expected KEY=VALUE, e.g. --set bank.slot_ms=400`,
        ),
      );
      continue;
    }
    const path = assignment.slice(0, equals).trim();
    setPath(values, path, coerceToKeyType(path, assignment.slice(equals + 1)));
  }
  return values;
}

/** The environment variable that sets a dotted key: bank.slot_ms → OUTRIDER_BANK_SLOT_MS, flags.enable_x → OUTRIDER_ENABLE_X. */
export function envNameForPath(path: string): string {
  const name = path.startsWith("flags.") ? path.slice("flags.".length) : path.replace(".", "_");
  return `${ENV_PREFIX}${name.toUpperCase()}`;
}
