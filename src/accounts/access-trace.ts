// Account access traces: the in-memory form (dense account ids, sizes), the text file format
// ("<base58 address> [data bytes]" per line, # comments and blank lines ignored), its parser with
// line-numbered errors, and the text writer.
import { isOutriderError } from "../errors.ts";
import { base58DecodeInto, base58Encode } from "../tx/base58.ts";
import { ACCOUNT_DATA_BYTES_MAX } from "./account-cache.ts";
import { ADDRESS_BYTES } from "./address-index.ts";
import { accountError } from "./errors.ts";
import { SeededRandom } from "./seeded-random.ts";

export const TRACE_ACCESSES_MAX = 50_000_000;
export const TRACE_FILE_BYTES_MAX = 1024 * 1024 * 1024;

export interface AccessTrace {
  /** Distinct accounts; account id i's address is addresses[i*32, i*32+32). */
  addresses: Uint8Array;
  distinctAccounts: number;
  /** Per access: the account id and its data length in bytes (0 when the trace gives none). */
  accountIds: Int32Array;
  dataBytes: Uint32Array;
  accesses: number;
}

/** Builds an AccessTrace by appending accesses; arrays grow by doubling. */
export class AccessTraceBuilder {
  private addresses = new Uint8Array(1024 * ADDRESS_BYTES);
  private distinct = 0;
  private accountIds = new Int32Array(4096);
  private dataBytes = new Uint32Array(4096);
  private count = 0;

  /** Adds a distinct account from address[offset…+32); returns its id. */
  addAccount(address: Uint8Array, offset = 0): number {
    if ((this.distinct + 1) * ADDRESS_BYTES > this.addresses.length) {
      const grown = new Uint8Array(this.addresses.length * 2);
      grown.set(this.addresses);
      this.addresses = grown;
    }
    this.addresses.set(address.subarray(offset, offset + ADDRESS_BYTES), this.distinct * ADDRESS_BYTES);
    return this.distinct++;
  }

  addAccess(accountId: number, dataBytes: number): void {
    if (this.count === TRACE_ACCESSES_MAX)
      throw accountError("TRACE_TOO_LARGE", `a trace holds at most ${TRACE_ACCESSES_MAX} accesses`);
    if (this.count === this.accountIds.length) {
      const ids = new Int32Array(this.count * 2);
      ids.set(this.accountIds);
      this.accountIds = ids;
      const sizes = new Uint32Array(this.count * 2);
      sizes.set(this.dataBytes);
      this.dataBytes = sizes;
    }
    this.accountIds[this.count] = accountId;
    this.dataBytes[this.count] = dataBytes;
    this.count++;
  }

  get accesses(): number {
    return this.count;
  }

  finish(): AccessTrace {
    return {
      addresses: this.addresses.subarray(0, this.distinct * ADDRESS_BYTES),
      distinctAccounts: this.distinct,
      accountIds: this.accountIds.subarray(0, this.count),
      dataBytes: this.dataBytes.subarray(0, this.count),
      accesses: this.count,
    };
  }
}

/**
 * A seeded synthetic trace for cache-policy tests and benches: `accounts` random addresses, then
 * `accesses` reads of the account ids `pick` chooses, each of `sizeOf(id)` data bytes.
 */
export function syntheticAccessTrace(
  accounts: number,
  seed: number,
  accesses: number,
  pick: (index: number, random: SeededRandom) => number,
  sizeOf: (id: number) => number = () => 0,
): AccessTrace {
  const builder = new AccessTraceBuilder();
  const random = new SeededRandom(seed);
  const address = new Uint8Array(ADDRESS_BYTES);
  for (let id = 0; id < accounts; id++) {
    random.fill(address, 0, ADDRESS_BYTES);
    builder.addAccount(address);
  }
  for (let index = 0; index < accesses; index++) {
    const id = pick(index, random);
    builder.addAccess(id, sizeOf(id));
  }
  return builder.finish();
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9 || code === 13;
}

function badLine(source: string, lineNumber: number, reason: string): Error {
  return accountError("TRACE_BAD_LINE", `${source}:${lineNumber}: ${reason}`, { source, line: lineNumber });
}

/** Parses trace text. A bad line throws TRACE_BAD_LINE naming `source` and the 1-based line number. */
export function parseAccessTrace(text: string, source = "trace"): AccessTrace {
  const builder = new AccessTraceBuilder();
  const idOfAddress = new Map<string, number>();
  const scratch = new Uint8Array(64);
  let lineStart = 0;
  let lineNumber = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    lineNumber++;
    let start = lineStart;
    let end = lineEnd;
    lineStart = lineEnd + 1;
    while (start < end && isBlank(text.charCodeAt(start))) start++;
    while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
    if (start === end || text.charCodeAt(start) === 35 /* # */) continue;
    let addressEnd = start;
    while (addressEnd < end && !isBlank(text.charCodeAt(addressEnd))) addressEnd++;
    const addressText = text.slice(start, addressEnd);
    let dataBytes = 0;
    if (addressEnd < end) {
      let sizeStart = addressEnd;
      while (isBlank(text.charCodeAt(sizeStart))) sizeStart++;
      const sizeText = text.slice(sizeStart, end);
      if (!/^[0-9]{1,8}$/.test(sizeText) || Number(sizeText) > ACCOUNT_DATA_BYTES_MAX)
        throw badLine(
          source,
          lineNumber,
          `size '${sizeText.slice(0, 40)}' is not an integer in 0..${ACCOUNT_DATA_BYTES_MAX}`,
        );
      dataBytes = Number(sizeText);
    }
    let id = idOfAddress.get(addressText);
    if (id === undefined) {
      const decoded = addressText.length <= 44 ? base58DecodeInto(addressText, scratch, 0) : -1;
      if (decoded !== ADDRESS_BYTES)
        throw badLine(
          source,
          lineNumber,
          `'${addressText.slice(0, 60)}' is not a base58 32-byte account address`,
        );
      id = builder.addAccount(scratch, 0);
      idOfAddress.set(addressText, id);
    }
    builder.addAccess(id, dataBytes);
  }
  return builder.finish();
}

/** Reads and parses a trace file; unreadable or oversized files are OutriderErrors. */
export async function readAccessTrace(path: string): Promise<AccessTrace> {
  const file = Bun.file(path);
  let text: string;
  try {
    if (!(await file.exists())) throw new Error("no such file");
    if (file.size > TRACE_FILE_BYTES_MAX)
      throw accountError("TRACE_TOO_LARGE", `${path}: larger than ${TRACE_FILE_BYTES_MAX} bytes`, { path });
    text = await file.text();
  } catch (error) {
    if (isOutriderError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw accountError("TRACE_UNREADABLE", `cannot read trace ${path}: ${reason}`, { path });
  }
  return parseAccessTrace(text, path);
}

/** The trace as file text (with sizes), one access per line. */
export function formatAccessTrace(trace: AccessTrace, header = "# outrider account access trace"): string {
  const names: string[] = [];
  for (let id = 0; id < trace.distinctAccounts; id++)
    names.push(base58Encode(trace.addresses, id * ADDRESS_BYTES, ADDRESS_BYTES));
  const lines: string[] = [header];
  for (let index = 0; index < trace.accesses; index++)
    lines.push(`${names[trace.accountIds[index]]} ${trace.dataBytes[index]}`);
  return `${lines.join("\n")}\n`;
}
