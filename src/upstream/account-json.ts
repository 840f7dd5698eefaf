// Solana's UiAccount JSON (base64 encoding) from the upstream, read into Outrider's AccountView: the
// shape getMultipleAccounts and account notifications carry. u64 fields arrive exact (bigint when
// beyond 2^53, see parseJsonExact). A malformed account is an error value, never a crash.
import type { AccountView } from "../server/rpc-backend.ts";
import { upstreamError } from "./errors.ts";

function toBigInt(value: unknown, field: string): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  throw upstreamError(
    "UPSTREAM_BAD_RESPONSE",
    `upstream account field ${field} is not a u64: ${String(value)}`,
  );
}

/** An account as the upstream wrote it (null: the account does not exist). */
export function accountViewFromJson(value: unknown): AccountView | null {
  if (value === null) return null;
  if (typeof value !== "object")
    throw upstreamError("UPSTREAM_BAD_RESPONSE", "upstream account is not an object");
  const account = value as Record<string, unknown>;
  const data = account.data;
  if (!Array.isArray(data) || data[1] !== "base64" || typeof data[0] !== "string") {
    throw upstreamError("UPSTREAM_BAD_RESPONSE", 'upstream account data is not [base64, "base64"]');
  }
  if (typeof account.owner !== "string")
    throw upstreamError("UPSTREAM_BAD_RESPONSE", "upstream account has no owner");
  return {
    lamports: toBigInt(account.lamports, "lamports"),
    data: new Uint8Array(Buffer.from(data[0], "base64")),
    owner: account.owner,
    executable: account.executable === true,
    rentEpoch: toBigInt(account.rentEpoch ?? 0, "rentEpoch"),
  };
}
