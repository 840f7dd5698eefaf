// `outrider version`: prints the version, the Bun runtime and the platform.
import { versionInfo } from "../../version.ts";
import { parseCommandArgs } from "../args.ts";
import { EXIT_OK } from "../exit.ts";

export const HELP = `usage: outrider version [--json]

Prints Outrider's version, the Bun runtime it runs on, and the platform.
  --json   print as one JSON object`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { json: { type: "boolean" } }, "version");
  if (values.help) {
    console.log(HELP);
    return EXIT_OK;
  }
  const info = versionInfo();
  if (values.json) console.log(JSON.stringify(info));
  else console.log(`outrider ${info.outrider} (bun ${info.bun}, ${info.platform}-${info.arch})`);
  return EXIT_OK;
}
