// The one configuration schema. Every key has a default, a unit in its name where
// it has one, and a range. Sections follow the data flow; `[layout]` places stages
// on cores as Firedancer's config does. TOML keys are snake_case.
import { z } from "zod";

const hostPort = z.string().check(
  z.refine((value) => {
    const match = /^[^\s:]+:(\d{1,5})$/.exec(value);
    return match !== null && Number(match[1]) <= 65535;
  }, "expected HOST:PORT with a port 0..65535, e.g. 127.0.0.1:7700"),
);

const optionalUrl = z
  .string()
  .refine(
    (value) => value === "" || URL.canParse(value),
    "expected a URL such as http://127.0.0.1:8899, or empty",
  );

export const FlagsSchema = z
  .object({
    enable_trading_cache: z.boolean().default(false),
    enable_adaptive_buffering: z.boolean().default(false),
    enable_fast_path: z.boolean().default(false),
    enable_advanced_memory: z.boolean().default(false),
    enable_market_data: z.boolean().default(false),
  })
  .strict();

export const ConfigSchema = z
  .object({
    /** Name of a profile in flags/ (or a path to a TOML file) applied under this file's own settings. */
    profile: z.string().default(""),
    flags: FlagsSchema.prefault({}),
    tpu: z
      .object({
        /** UDP port taking one transaction per datagram, as a validator's TPU port. */
        bind: hostPort.default("127.0.0.1:7700"),
      })
      .strict()
      .prefault({}),
    rpc: z
      .object({
        /** JSON-RPC over HTTP; the PubSub WebSocket listens on the next port unless pubsub_bind is set. */
        bind: hostPort.default("127.0.0.1:7799"),
        pubsub_bind: z.union([hostPort, z.literal("")]).default(""),
      })
      .strict()
      .prefault({}),
    bank: z
      .object({
        /** Empty: run the embedded SVM. Otherwise: forward to this Solana JSON-RPC node. */
        upstream_url: optionalUrl.default(""),
        /** Upstream PubSub WebSocket; empty means the upstream's port + 1, as Solana does. */
        upstream_ws_url: optionalUrl.default(""),
        slot_ms: z.number().int().min(10).max(60_000).default(400),
        airdrop_lamports_max: z.number().int().min(0).max(1e15).default(100_000_000_000),
      })
      .strict()
      .prefault({}),
    ingress: z
      .object({
        /** Packets held by the ingress buffer before it drops. */
        queue_packets_max: z.number().int().min(1).max(1_048_576).default(16_384),
        /** Slots (1232 bytes each) of the shared packet pool. */
        pool_packets: z.number().int().min(64).max(4_194_304).default(65_536),
      })
      .strict()
      .prefault({}),
    verify: z
      .object({
        /** Signatures remembered for duplicate detection while their blockhash is valid. */
        dedup_signatures_max: z.number().int().min(1024).max(67_108_864).default(1_048_576),
      })
      .strict()
      .prefault({}),
    schedule: z
      .object({
        batch_transactions_max: z.number().int().min(1).max(64).default(64),
      })
      .strict()
      .prefault({}),
    layout: z
      .object({
        /** Verify workers; 0 means automatic: cores − 1, at least 1. */
        verify_workers: z.number().int().min(0).max(64).default(0),
        /** Pin each stage to a core when the native helper allows it. */
        affinity: z.enum(["auto", "none"]).default("auto"),
        /** CPUs Outrider must never use (for example the validator's). */
        reserved_cpus: z.array(z.number().int().min(0).max(4095)).max(4096).default([]),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z.enum(["debug", "info", "warn", "error"]).default("info"),
        format: z.enum(["json", "text"]).default("json"),
      })
      .strict()
      .prefault({}),
    shutdown: z
      .object({
        /** Upper bound on draining in-flight work at SIGINT/SIGTERM. */
        drain_ms: z.number().int().min(0).max(600_000).default(5_000),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type OutriderConfig = z.infer<typeof ConfigSchema>;
export type FlagKey = keyof z.infer<typeof FlagsSchema>;

/** The embedded defaults: the schema applied to nothing. */
export const DEFAULT_CONFIG: OutriderConfig = Object.freeze(ConfigSchema.parse({})) as OutriderConfig;
