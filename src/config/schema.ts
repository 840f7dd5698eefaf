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
    enable_trading_cache: z
      .boolean()
      .default(false)
      .describe(
        "Feature flag: trading account cache, prefetch, template cache, signature-verification cache.",
      ),
    enable_adaptive_buffering: z
      .boolean()
      .default(false)
      .describe("Feature flag: adaptive packet buffer, priority queueing, dependency-aware batching."),
    enable_fast_path: z
      .boolean()
      .default(false)
      .describe("Feature flag: fast path for simple transfers, trusted sources, minimal validation."),
    enable_advanced_memory: z
      .boolean()
      .default(false)
      .describe("Feature flag: object pools, NUMA placement, CPU affinity, I/O priority, dynamic workers."),
    enable_market_data: z
      .boolean()
      .default(false)
      .describe("Feature flag: order books, price aggregation, market query API."),
  })
  .strict();

export const ConfigSchema = z
  .object({
    profile: z
      .string()
      .default("")
      .describe(
        "Name of a profile in flags/ (or a path to a TOML file) applied under this file's own settings.",
      ),
    flags: FlagsSchema.prefault({}),
    tpu: z
      .object({
        bind: hostPort
          .default("127.0.0.1:7700")
          .describe("UDP port taking one transaction per datagram, as a validator's TPU port."),
      })
      .strict()
      .prefault({}),
    rpc: z
      .object({
        bind: hostPort
          .default("127.0.0.1:7799")
          .describe(
            "JSON-RPC over HTTP; the PubSub WebSocket listens on the next port unless pubsub_bind is set.",
          ),
        pubsub_bind: z
          .union([hostPort, z.literal("")])
          .default("")
          .describe("PubSub WebSocket address; empty means the RPC port + 1."),
      })
      .strict()
      .prefault({}),
    bank: z
      .object({
        upstream_url: optionalUrl
          .default("")
          .describe("Empty: run the embedded SVM. Otherwise: forward to this Solana JSON-RPC node."),
        upstream_ws_url: optionalUrl
          .default("")
          .describe("Upstream PubSub WebSocket; empty means the upstream's port + 1, as Solana does."),
        slot_ms: z
          .number()
          .int()
          .min(10)
          .max(60_000)
          .default(400)
          .describe("Embedded bank: slot time; a new blockhash every slot."),
        airdrop_lamports_max: z
          .number()
          .int()
          .min(0)
          .max(1e15)
          .default(100_000_000_000)
          .describe("Embedded bank: largest requestAirdrop the faucet grants."),
        // Slot timing (outrider simulate --scenario slot-drift).
        slot_timing: z
          .enum(["steady", "adverse"])
          .default("steady")
          .describe(
            "Embedded bank: steady slots of slot_ms, or adverse (for testing): seeded slots that run late (1.5–3×), end early (0.2–0.6×) or are skipped.",
          ),
        slot_timing_seed: z
          .number()
          .int()
          .min(0)
          .max(4_294_967_295)
          .default(1)
          .describe("Embedded bank: seed of the adverse slot timing sequence."),
      })
      .strict()
      .prefault({}),
    ingress: z
      .object({
        queue_packets_max: z
          .number()
          .int()
          .min(1)
          .max(1_048_576)
          .default(16_384)
          .describe("Packets held by the ingress buffer before it drops."),
        pool_packets: z
          .number()
          .int()
          .min(64)
          .max(4_194_304)
          .default(65_536)
          .describe("Slots (1232 bytes each) of the shared packet pool."),
      })
      .strict()
      .prefault({}),
    verify: z
      .object({
        dedup_signatures_max: z
          .number()
          .int()
          .min(1024)
          .max(67_108_864)
          .default(1_048_576)
          .describe("Signatures remembered for duplicate detection while their blockhash is valid."),
        cache_bytes_max: z
          .number()
          .int()
          .min(65_536)
          .max(4_294_967_296)
          .default(8_388_608)
          .describe(
            "Bytes the verify caches (signature verdicts and transaction templates, --enable-trading-cache) may hold, all verify workers together; allocated at start.",
          ),
      })
      .strict()
      .prefault({}),
    schedule: z
      .object({
        batch_transactions_max: z
          .number()
          .int()
          .min(1)
          .max(64)
          .default(64)
          .describe("Transactions per batch handed to the bank (at most 64)."),
      })
      .strict()
      .prefault({}),
    // ---- --enable-adaptive-buffering (issue 6): read only when that flag is on ----
    adaptive_ingress: z
      .object({
        buffer_packets_max: z
          .number()
          .int()
          .min(1)
          .max(1_048_576)
          .default(16_384)
          .describe(
            "Adaptive buffering: packets the priority buffer holds (kept below pool_packets − window_packets_max).",
          ),
        buffer_bytes_max: z
          .number()
          .int()
          .min(1232)
          .max(4_294_967_296)
          .default(20_185_088)
          .describe(
            "Adaptive buffering: bytes (sum of packet lengths) the priority buffer holds; default 16,384 full packets.",
          ),
        window_packets_min: z
          .number()
          .int()
          .min(1)
          .max(1_048_576)
          .default(512)
          .describe("Adaptive buffering: least packets handed on to verify and not yet finished."),
        window_packets_max: z
          .number()
          .int()
          .min(1)
          .max(1_048_576)
          .default(4_096)
          .describe(
            "Adaptive buffering: most packets handed on and not yet finished (at most a verify ring's depth).",
          ),
        downstream_delay_ms: z
          .number()
          .int()
          .min(1)
          .max(60_000)
          .default(50)
          .describe(
            "Adaptive buffering: the window is the measured drain rate times this delay (within the bounds).",
          ),
        handoff_batch_packets_max: z
          .number()
          .int()
          .min(1)
          .max(64)
          .default(64)
          .describe("Adaptive buffering: packets handed on per batch when congested (1 when idle)."),
      })
      .strict()
      .prefault({}),
    adaptive_schedule: z
      .object({
        bank_lanes: z
          .number()
          .int()
          .min(1)
          .max(32)
          .default(4)
          .describe("Adaptive buffering: execution lanes (k bank workers) the batch planner plans for."),
        batches_in_flight_per_lane: z
          .number()
          .int()
          .min(1)
          .max(8)
          .default(2)
          .describe("Adaptive buffering: batches sent to a lane and not yet answered, at most."),
        pending_transactions_max: z
          .number()
          .int()
          .min(64)
          .max(65_536)
          .default(8_192)
          .describe(
            "Adaptive buffering: transactions the planner holds (about 6 KiB each with their accounts, preallocated); when full the lowest priority is dropped.",
          ),
        block_compute_units_max: z
          .number()
          .int()
          .min(1_000_000)
          .max(1_000_000_000)
          .default(60_000_000)
          .describe("Adaptive buffering: block compute-unit limit: 48,000,000 or 60,000,000 (SIMD-0256)."),
        account_write_compute_units_max: z
          .number()
          .int()
          .min(100_000)
          .max(1_000_000_000)
          .default(12_000_000)
          .describe("Adaptive buffering: compute units a block may spend writing one account."),
      })
      .strict()
      .prefault({}),
    // ---- end of --enable-adaptive-buffering ----
    layout: z
      .object({
        verify_workers: z
          .number()
          .int()
          .min(0)
          .max(64)
          .default(0)
          .describe("Verify workers; 0 means automatic: cores − 1, at least 1."),
        affinity: z
          .enum(["auto", "none"])
          .default("auto")
          .describe("Pin each stage to a core when the native helper allows it."),
        reserved_cpus: z
          .array(z.number().int().min(0).max(4095))
          .max(4096)
          .default([])
          .describe("CPUs Outrider must never use (for example the validator's)."),
      })
      .strict()
      .prefault({}),
    upstream: z
      .object({
        request_timeout_ms: z
          .number()
          .int()
          .min(100)
          .max(120_000)
          .default(10_000)
          .describe("Upstream mode: longest wait for one JSON-RPC answer or subscription from the node."),
        forward_retries_max: z
          .number()
          .int()
          .min(0)
          .max(10)
          .default(3)
          .describe("Upstream mode: further attempts to forward a batch the node could not be reached for."),
        forward_retry_delay_ms: z
          .number()
          .int()
          .min(1)
          .max(10_000)
          .default(50)
          .describe("Upstream mode: wait before the first forwarding retry; doubles on each retry."),
        forward_batches_in_flight_max: z
          .number()
          .int()
          .min(1)
          .max(256)
          .default(16)
          .describe(
            "Upstream mode: batches being forwarded at once; beyond it the bank stage stops taking more.",
          ),
        subscriptions_max: z
          .number()
          .int()
          .min(16)
          .max(1_000_000)
          .default(400_000)
          .describe(
            "Upstream mode: subscriptions held on the node's PubSub WebSocket (cached and watched accounts, signatures, slots); keep it above accounts.cache_entries_max + signatures_tracked_max and within the node's own limit.",
          ),
        signatures_tracked_max: z
          .number()
          .int()
          .min(16)
          .max(1_048_576)
          .default(65_536)
          .describe("Upstream mode: forwarded transactions followed until the node reports them executed."),
        chain_poll_ms: z
          .number()
          .int()
          .min(20)
          .max(60_000)
          .default(400)
          .describe(
            "Upstream mode: refresh slots and blockhash this often when no slot notification arrives.",
          ),
        // Program-wide coherency (issue 7): one programSubscribe per market program.
        market_programs: z
          .array(z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/, "expected a base58 program id"))
          .max(64)
          .default([])
          .describe(
            "Upstream mode with the trading cache: programs followed with one programSubscribe each; cached accounts they own stay coherent through it instead of one accountSubscribe per account. Only for programs whose accounts are not closed or reassigned while cached (the node does not notify a program of an account that left it).",
          ),
      })
      .strict()
      .prefault({}),
    accounts: z
      .object({
        cache_bytes_max: z
          .number()
          .int()
          .min(0)
          .max(1024 ** 4)
          .default(256 * 1024 * 1024)
          .describe(
            "Trading account cache: bound on account data plus 128 bytes per entry; applies live on SIGHUP.",
          ),
        cache_entries_max: z
          .number()
          .int()
          .min(1)
          .max(1 << 24)
          .default(262_144)
          .describe(
            "Trading account cache: bound on the number of accounts held (tables are sized for it at start).",
          ),
        cache_trace_file: z
          .string()
          .default("")
          .describe(
            "Record every account read to this file ('outrider cache sim' format); empty: do not record.",
          ),
        cache_warm_file: z
          .string()
          .default("")
          .describe("Hot set written here at shutdown and loaded at start (warm start); empty: none."),
        markets: z
          .array(z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/, "expected a base58 account address"))
          .max(1024)
          .default([])
          .describe("Market accounts (Serum v3 / OpenBook) whose groups are loaded at start and kept warm."),
        prefetch: z
          .boolean()
          .default(true)
          .describe(
            "Load the accounts a transaction will lock, and a touched market's group, before they are read.",
          ),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z
          .enum(["debug", "info", "warn", "error"])
          .default("info")
          .describe("Lowest log level written to stderr."),
        format: z
          .enum(["json", "text"])
          .default("json")
          .describe("Structured JSON lines, or text for a terminal."),
      })
      .strict()
      .prefault({}),
    shutdown: z
      .object({
        drain_ms: z
          .number()
          .int()
          .min(0)
          .max(600_000)
          .default(5_000)
          .describe("Upper bound on draining in-flight work at SIGINT/SIGTERM."),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type OutriderConfig = z.infer<typeof ConfigSchema>;
export type FlagKey = keyof z.infer<typeof FlagsSchema>;

/** The embedded defaults: the schema applied to nothing. */
export const DEFAULT_CONFIG: OutriderConfig = Object.freeze(ConfigSchema.parse({})) as OutriderConfig;
