// OutriderError: every failure Outrider reports is a value with a stable numeric
// code, in the manner of @solana/kit's SolanaError. Codes are grouped by domain
// (the thousands digit) and never change meaning; new codes are only appended.
//
// Domains:
//   1xxx  configuration and command line
//   2xxx  transaction wire format: parse and sanitize
//   3xxx  feature flags
//   4xxx  signature verification and dedup
//   5xxx  rings, packet pool, stages
//   6xxx  bank / execution
//   7xxx  native helpers
//   8xxx  JSON-RPC and network intake
//   9xxx  simulation and benchmarks (outrider simulate)

export const ERROR_DOMAINS = {
  config: 1000,
  tx: 2000,
  flags: 3000,
  verify: 4000,
  ring: 5000,
  bank: 6000,
  native: 7000,
  rpc: 8000,
  simulate: 9000,
} as const;

export type ErrorContext = Record<string, string | number | boolean | null | undefined>;

export class OutriderError extends Error {
  readonly code: number;
  /** Short stable name of the code, e.g. "TX_TRUNCATED". */
  readonly codeName: string;
  readonly context: ErrorContext;

  constructor(code: number, codeName: string, message: string, context: ErrorContext = {}) {
    super(message);
    this.name = "OutriderError";
    this.code = code;
    this.codeName = codeName;
    this.context = context;
  }

  toJSON(): { code: number; name: string; message: string } & ErrorContext {
    return { code: this.code, name: this.codeName, message: this.message, ...this.context };
  }
}

export function isOutriderError(value: unknown, code?: number): value is OutriderError {
  return value instanceof OutriderError && (code === undefined || value.code === code);
}
