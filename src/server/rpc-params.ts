// Parameter readers for the JSON-RPC methods: each says which parameter is wrong and why
// (-32602 "Invalid params: …"), and maps Solana's commitment names and account encodings.
import { BASE58_MAX_BYTES, base58Decode, base58DecodeInto } from "../tx/base58.ts";
import { invalidParams } from "./json-rpc.ts";
import type { Commitment } from "./rpc-backend.ts";

const COMMITMENT_ALIASES: Record<string, Commitment> = {
  processed: "processed",
  confirmed: "confirmed",
  finalized: "finalized",
  recent: "processed",
  single: "confirmed",
  singleGossip: "confirmed",
  root: "finalized",
  max: "finalized",
};

/** Solana's RPC default commitment. */
export const DEFAULT_COMMITMENT: Commitment = "finalized";

export function paramsArray(method: string, params: unknown): unknown[] {
  if (params === undefined || params === null) return [];
  if (!Array.isArray(params)) throw invalidParams(`Invalid params: ${method} expects an array of parameters`);
  return params;
}

export function requireString(params: unknown[], index: number, name: string): string {
  const value = params[index];
  if (value === undefined) throw invalidParams(`Invalid params: missing parameter ${index} (${name})`);
  if (typeof value !== "string")
    throw invalidParams(`Invalid params: parameter ${index} (${name}) must be a string`);
  return value;
}

export function configObject(params: unknown[], index: number): Record<string, unknown> {
  const value = params[index];
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw invalidParams(`Invalid params: parameter ${index} (config) must be an object`);
  }
  return value as Record<string, unknown>;
}

export function commitmentOf(config: Record<string, unknown>, key = "commitment"): Commitment {
  const value = config[key];
  if (value === undefined || value === null) return DEFAULT_COMMITMENT;
  const commitment = typeof value === "string" ? COMMITMENT_ALIASES[value] : undefined;
  if (commitment === undefined) {
    throw invalidParams(
      `Invalid params: ${key} must be processed, confirmed or finalized, got ${JSON.stringify(value)}`,
    );
  }
  return commitment;
}

export function optionalBoolean(config: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const value = config[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "boolean") throw invalidParams(`Invalid params: ${key} must be a boolean`);
  return value;
}

export function optionalNonNegativeInteger(config: Record<string, unknown>, key: string): number | null {
  const value = config[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw invalidParams(`Invalid params: ${key} must be a non-negative integer`);
  }
  return value;
}

/**
 * Length in bytes of base58 `text`, decoded into a shared scratch buffer (no allocation: the RPC path
 * checks hundreds of signatures per getSignatureStatuses call); -1 when it is not base58 or too long.
 */
function base58ByteLength(text: string): number {
  return base58DecodeInto(text, paramScratch, 0);
}
const paramScratch = new Uint8Array(BASE58_MAX_BYTES * 2);

/** A base58 public key: 32 bytes. */
export function requirePubkey(params: unknown[], index: number, name: string): string {
  const text = requireString(params, index, name);
  const length = base58ByteLength(text);
  if (length < 0) throw invalidParams(`Invalid param: ${name} is not valid base58`);
  if (length !== 32)
    throw invalidParams(`Invalid param: ${name} must be a 32-byte public key, got ${length} bytes`);
  return text;
}

export function requireSignature(value: unknown, name: string): string {
  if (typeof value !== "string") throw invalidParams(`Invalid param: ${name} must be a base58 string`);
  const length = base58ByteLength(value);
  if (length < 0) throw invalidParams(`Invalid param: ${name} is not valid base58`);
  if (length !== 64) throw invalidParams(`Invalid param: ${name} must be a 64-byte signature`);
  return value;
}

export type BinaryEncoding = "base58" | "base64";

/** Decodes base58/base64 bytes with Solana's size limits (encoded and raw). */
export function decodeBinary(
  text: string,
  encoding: BinaryEncoding,
  rawMaxBytes: number,
  what: string,
): Uint8Array {
  // log(256)/log(58) ≈ 1.3657 base58 characters per byte: 1232 raw bytes → 1683 (Agave's MAX_BASE58_SIZE).
  const encodedMax = encoding === "base58" ? Math.ceil(rawMaxBytes * 1.3657) : Math.ceil(rawMaxBytes / 3) * 4;
  if (text.length > encodedMax) {
    throw invalidParams(
      `${encoding} encoded ${what} too large: ${text.length} bytes (max: encoded/raw ${encodedMax}/${rawMaxBytes})`,
    );
  }
  let bytes: Uint8Array;
  if (encoding === "base58") {
    const decoded = text.length <= BASE58_MAX_BYTES * 2 ? base58Decode(text) : null;
    if (decoded === null) throw invalidParams("invalid base58 encoding: not a base58 string");
    bytes = decoded;
  } else {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
      throw invalidParams("invalid base64 encoding: not canonical base64");
    }
    bytes = new Uint8Array(Buffer.from(text, "base64"));
  }
  if (bytes.length > rawMaxBytes) {
    throw invalidParams(`decoded ${what} too large: ${bytes.length} bytes (max: ${rawMaxBytes} bytes)`);
  }
  return bytes;
}

export function transactionEncodingOf(config: Record<string, unknown>): BinaryEncoding {
  const value = config.encoding;
  if (value === undefined || value === null || value === "base58") return "base58";
  if (value === "base64") return "base64";
  throw invalidParams(
    `Invalid params: unsupported encoding: ${JSON.stringify(value)}. Supported encodings: base58, base64`,
  );
}
