// Account JSON as Solana's RPC returns it (UiAccount): lamports, data in the requested encoding, owner,
// executable, rentEpoch, space. jsonParsed falls back to base64, as Solana does for data it cannot parse
// (no parsers are built in here); base58 is refused above 128 bytes, as Solana does.
import { getBase58Decoder } from "@solana/kit";
import { invalidParams, invalidRequest } from "./json-rpc.ts";
import type { AccountView } from "./rpc-backend.ts";

export type AccountEncoding = "base58" | "base64" | "jsonParsed";
const BASE58_ACCOUNT_DATA_MAX_BYTES = 128;

export interface DataSlice {
  offset: number;
  length: number;
}

export function accountEncodingOf(config: Record<string, unknown>): AccountEncoding {
  const value = config.encoding;
  if (value === undefined || value === null || value === "binary" || value === "base58") return "base58";
  if (value === "base64" || value === "jsonParsed") return value;
  throw invalidParams(
    `Invalid params: unsupported account encoding ${JSON.stringify(value)}; supported: base58, base64, jsonParsed`,
  );
}

export function dataSliceOf(config: Record<string, unknown>): DataSlice | null {
  const value = config.dataSlice;
  if (value === undefined || value === null) return null;
  const slice = value as Record<string, unknown>;
  const valid = (n: unknown) => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
  if (typeof value !== "object" || !valid(slice.offset) || !valid(slice.length)) {
    throw invalidParams("Invalid params: dataSlice must be {offset, length} with non-negative integers");
  }
  return { offset: slice.offset as number, length: slice.length as number };
}

export function encodeAccount(account: AccountView, encoding: AccountEncoding, slice: DataSlice | null) {
  const data =
    slice === null ? account.data : account.data.subarray(slice.offset, slice.offset + slice.length);
  let encodedData: [string, string];
  if (encoding === "base58") {
    if (data.length > BASE58_ACCOUNT_DATA_MAX_BYTES) {
      throw invalidRequest(
        "Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.",
      );
    }
    encodedData = [getBase58Decoder().decode(data), "base58"];
  } else {
    encodedData = [Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64"), "base64"];
  }
  return {
    data: encodedData,
    executable: account.executable,
    lamports: account.lamports,
    owner: account.owner,
    rentEpoch: account.rentEpoch,
    space: account.data.length,
  };
}
