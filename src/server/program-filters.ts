// programSubscribe filters, as Solana's RPC takes them: { dataSize: n } and
// { memcmp: { offset, bytes, encoding? } } (bytes base58 by default, or base64), all of which must match.
// Parsed once at subscribe time into byte comparisons; bad filters are invalid params (-32602).
import { base58Decode } from "../tx/base58.ts";
import { invalidParams } from "./json-rpc.ts";

/** Solana's limit on filters per request. */
export const PROGRAM_FILTERS_MAX = 4;
/** Solana's limit on memcmp bytes (base58 text is longer; this bounds the decoded bytes). */
const MEMCMP_BYTES_MAX = 128;

export type ProgramFilter = { dataSize: number } | { offset: number; bytes: Uint8Array };

export function programFiltersOf(config: Record<string, unknown>): ProgramFilter[] {
  const raw = config.filters;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidParams("Invalid params: filters must be an array");
  if (raw.length > PROGRAM_FILTERS_MAX)
    throw invalidParams(`Too many filters provided; max ${PROGRAM_FILTERS_MAX}`);
  return raw.map((filter): ProgramFilter => {
    const object = (filter ?? {}) as Record<string, unknown>;
    if (typeof object.dataSize === "number") {
      if (!Number.isSafeInteger(object.dataSize) || object.dataSize < 0)
        throw invalidParams("Invalid params: dataSize must be a non-negative integer");
      return { dataSize: object.dataSize };
    }
    const memcmp = object.memcmp as Record<string, unknown> | undefined;
    if (memcmp && typeof memcmp === "object") {
      const { offset, bytes, encoding } = memcmp;
      if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0)
        throw invalidParams("Invalid params: memcmp offset must be a non-negative integer");
      if (typeof bytes !== "string") throw invalidParams("Invalid params: memcmp bytes must be a string");
      let decoded: Uint8Array | null;
      if (encoding === undefined || encoding === "base58") decoded = base58Decode(bytes);
      else if (encoding === "base64") decoded = Buffer.from(bytes, "base64");
      else throw invalidParams("Invalid params: memcmp encoding must be base58 or base64");
      if (decoded === null || decoded.length > MEMCMP_BYTES_MAX)
        throw invalidParams("Invalid params: memcmp bytes are not valid or too long");
      return { offset, bytes: decoded };
    }
    throw invalidParams("Invalid params: a filter is { dataSize } or { memcmp }");
  });
}

export function matchesProgramFilters(data: Uint8Array, filters: readonly ProgramFilter[]): boolean {
  for (const filter of filters) {
    if ("dataSize" in filter) {
      if (data.length !== filter.dataSize) return false;
      continue;
    }
    const { offset, bytes } = filter;
    if (offset + bytes.length > data.length) return false;
    for (let index = 0; index < bytes.length; index++)
      if (data[offset + index] !== bytes[index]) return false;
  }
  return true;
}
