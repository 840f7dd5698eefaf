// TraceRecorder: appends live cache accesses to a trace file (the `cache_trace_file` option) in the
// format `outrider cache sim` replays. Bounded: after accessesMax accesses it records nothing more and
// counts what it dropped; writes are buffered by Bun's file sink.
import type { FileSink } from "bun";
import { base58Encode } from "../tx/base58.ts";
import { ADDRESS_BYTES, assertAddressSlice } from "./address-index.ts";
import { accountError } from "./errors.ts";

export const TRACE_RECORDER_ACCESSES_DEFAULT = 10_000_000;

export class TraceRecorder {
  readonly path: string;
  readonly accessesMax: number;
  recorded = 0;
  dropped = 0;
  private sink: FileSink | undefined;

  constructor(path: string, options: { accessesMax?: number } = {}) {
    const accessesMax = options.accessesMax ?? TRACE_RECORDER_ACCESSES_DEFAULT;
    if (!Number.isSafeInteger(accessesMax) || accessesMax < 0)
      throw accountError("CACHE_BAD_OPTION", "trace accessesMax must be a non-negative integer", {
        accessesMax,
      });
    this.path = path;
    this.accessesMax = accessesMax;
    this.sink = Bun.file(path).writer({ highWaterMark: 1 << 20 });
    this.sink.write(`# outrider account access trace, started ${new Date().toISOString()}\n`);
  }

  /** Records one access of address[offset…+32) with its data length; false when full (counted). */
  record(address: Uint8Array, offset: number, dataBytes: number): boolean {
    if (!this.sink) throw accountError("TRACE_RECORDER_CLOSED", `trace recorder for ${this.path} is closed`);
    assertAddressSlice(address, offset);
    if (this.recorded >= this.accessesMax) {
      this.dropped++;
      return false;
    }
    this.sink.write(`${base58Encode(address, offset, ADDRESS_BYTES)} ${dataBytes >>> 0}\n`);
    this.recorded++;
    return true;
  }

  async flush(): Promise<void> {
    if (this.sink) await this.sink.flush();
  }

  /** Flushes and closes the file; further record() calls throw. */
  async close(): Promise<void> {
    const sink = this.sink;
    if (!sink) return;
    this.sink = undefined;
    if (this.dropped > 0)
      sink.write(`# ${this.dropped} further accesses dropped (accessesMax ${this.accessesMax})\n`);
    await sink.end();
  }
}
