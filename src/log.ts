// Structured logs on stderr: one JSON object per line ({ts, level, msg, ...fields}),
// or plain text for a terminal (log.format = "text"), filtered by log.level.
export type LogLevel = "debug" | "info" | "warn" | "error";
const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export class Logger {
  constructor(
    public level: LogLevel = "info",
    public format: "json" | "text" = "json",
    private readonly write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {}

  log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
    if (LEVEL_RANK[level] < LEVEL_RANK[this.level]) return;
    if (this.format === "json") {
      this.write(
        JSON.stringify({ ts: new Date().toISOString(), level, msg: message, ...fields }, (_key, value) =>
          typeof value === "bigint" ? value.toString() : value,
        ),
      );
    } else {
      const extra = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : "";
      this.write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${message}${extra}`);
    }
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.log("debug", message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.log("info", message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.log("warn", message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.log("error", message, fields);
  }
}
