// Flag profiles: TOML files in flags/ (baseline, trading), embedded in the binary.
// A profile may only set [flags]; a path to any TOML file is accepted as well.
import { existsSync, readFileSync } from "node:fs";
import baselineText from "../../flags/baseline.toml" with { type: "text" };
import tradingText from "../../flags/trading.toml" with { type: "text" };
import { CONFIG_FILE_NOT_TOML, CONFIG_PROFILE_NOT_FOUND, configError } from "../config/errors.ts";

export const BUILTIN_PROFILES: Readonly<Record<string, string>> = Object.freeze({
  baseline: baselineText as unknown as string,
  trading: tradingText as unknown as string,
});

export interface LoadedProfile {
  name: string;
  /** Where it came from: "builtin" or a file path. */
  origin: string;
  values: Record<string, unknown>;
}

export function loadProfile(nameOrPath: string): LoadedProfile {
  const builtin = BUILTIN_PROFILES[nameOrPath];
  let text: string;
  let origin: string;
  if (builtin !== undefined) {
    text = builtin;
    origin = "builtin";
  } else if (nameOrPath.endsWith(".toml") && existsSync(nameOrPath)) {
    text = readFileSync(nameOrPath, "utf8");
    origin = nameOrPath;
  } else {
    throw configError(
      CONFIG_PROFILE_NOT_FOUND,
      "CONFIG_PROFILE_NOT_FOUND",
      `profile: unknown profile '${nameOrPath}' (built in: ${Object.keys(BUILTIN_PROFILES).join(", ")}; or a path to a .toml file)`,
      "profile",
    );
  }
  try {
    return { name: nameOrPath, origin, values: Bun.TOML.parse(text) as Record<string, unknown> };
  } catch (error) {
    throw configError(
      CONFIG_FILE_NOT_TOML,
      "CONFIG_FILE_NOT_TOML",
      `profile '${nameOrPath}': not valid TOML: ${(error as Error).message}`,
      "profile",
    );
  }
}
