// The writable accounts a v0 transaction loads through address lookup tables, resolved from the tables'
// bytes (a 56-byte LookupTableMeta, then the 32-byte addresses), so that the embedded bank can report
// every account an executed transaction could have written — account notifications and the trading
// cache need them as much as the static writable keys. Read after execution: a table the transaction
// used successfully is there; an index outside the table (which execution would have refused) is
// skipped.
import { base58Encode } from "../tx/base58.ts";
import { parseTransactionFrame } from "../tx/parse.ts";
import { ParsedTransaction } from "../tx/parsed-transaction.ts";

/** Address lookup table account: LookupTableMeta (56 bytes), then the addresses. */
export const LOOKUP_TABLE_META_BYTES = 56;

const parsed = new ParsedTransaction();

/**
 * Base58 addresses of the writable lookup-table entries of the transaction in `wire` (in Solana's key
 * order: table by table, writable indexes as listed); [] for a legacy transaction or one without them.
 * `tableData` reads a table account's data (null when it does not exist).
 */
export function lookupWritableAddresses(
  wire: Uint8Array,
  tableData: (address: string) => Uint8Array | null,
): string[] {
  if (parseTransactionFrame(wire, wire.length, parsed) !== 0 || parsed.lookupWritableTotal === 0) return [];
  const addresses: string[] = [];
  for (let lookup = 0; lookup < parsed.lookupCount; lookup++) {
    const writableCount = parsed.lookupWritableCount[lookup];
    if (writableCount === 0) continue;
    const data = tableData(base58Encode(wire, parsed.lookupKeyOffset[lookup], 32));
    if (data === null) continue;
    const indexesAt = parsed.lookupWritableOffset[lookup];
    for (let k = 0; k < writableCount; k++) {
      const offset = LOOKUP_TABLE_META_BYTES + wire[indexesAt + k] * 32;
      if (offset + 32 <= data.length) addresses.push(base58Encode(data, offset, 32));
    }
  }
  return addresses;
}
