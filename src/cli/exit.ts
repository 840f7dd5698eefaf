// Exit codes of the `outrider` command, and the error a usage mistake raises.
import { ERROR_DOMAINS, OutriderError } from "../errors.ts";

export const EXIT_OK = 0;
export const EXIT_RUNTIME_ERROR = 1;
export const EXIT_USAGE_ERROR = 2;

export const CLI_USAGE_ERROR = ERROR_DOMAINS.config + 1;

/** A mistake on the command line: printed as one line, exit code 2. */
export function usageError(message: string): OutriderError {
  return new OutriderError(CLI_USAGE_ERROR, "CLI_USAGE", message);
}
