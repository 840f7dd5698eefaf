// Build identity of this Outrider: its version and the runtime it runs on.
import packageJson from "../package.json" with { type: "json" };

export const OUTRIDER_VERSION: string = packageJson.version;

export function versionInfo(): { outrider: string; bun: string; platform: string; arch: string } {
  return { outrider: OUTRIDER_VERSION, bun: Bun.version, platform: process.platform, arch: process.arch };
}
