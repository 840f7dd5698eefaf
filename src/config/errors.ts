// Configuration error codes (1xxx). Every configuration error names the key's full path.
import { ERROR_DOMAINS, OutriderError } from "../errors.ts";

export const CONFIG_UNKNOWN_KEY = ERROR_DOMAINS.config + 10;
export const CONFIG_WRONG_TYPE = ERROR_DOMAINS.config + 11;
export const CONFIG_INVALID_VALUE = ERROR_DOMAINS.config + 12;
export const CONFIG_FILE_UNREADABLE = ERROR_DOMAINS.config + 13;
export const CONFIG_FILE_NOT_TOML = ERROR_DOMAINS.config + 14;
export const CONFIG_PROFILE_NOT_FOUND = ERROR_DOMAINS.config + 15;
export const CONFIG_BAD_OVERRIDE = ERROR_DOMAINS.config + 16;

/** A list of configuration errors found together; its message is one line per error. */
export class ConfigErrors extends OutriderError {
  readonly errors: OutriderError[];
  constructor(errors: OutriderError[]) {
    super(errors[0].code, errors[0].codeName, errors.map((error) => error.message).join("\n"), {
      count: errors.length,
    });
    this.errors = errors;
  }
}

export function configError(code: number, codeName: string, message: string, key?: string): OutriderError {
  return new OutriderError(code, codeName, message, { key });
}
