// What the control thread hands each stage Worker at start: its identity, the resolved
// configuration, and the shared memory it works on (packet pool, chain state, metrics,
// rings and doorbells, the control block). Everything here is structured-cloneable;
// SharedArrayBuffers are shared, not copied.
import type { PrefetchHintsDescriptor } from "../accounts/prefetch-hints.ts";
import type { OutriderConfig } from "../config/schema.ts";
import type { MetricsDescriptor } from "../metrics/registry.ts";
import type { DoorbellDescriptor } from "../ring/doorbell.ts";
import type { PacketPoolDescriptor } from "../ring/packet-pool.ts";
import type { RingDescriptor } from "../ring/spsc-ring.ts";
import type { StageName } from "../topology.ts";
import type { ChainStateDescriptor } from "./chain-state.ts";

export interface StageInit {
  type: "init";
  stage: StageName;
  index: number;
  /** "ingress", "verify#0", …: the metrics shard and log name. */
  instance: string;
  config: OutriderConfig;
  verifyWorkers: number;
  pool: PacketPoolDescriptor;
  chain: ChainStateDescriptor;
  metrics: MetricsDescriptor;
  rings: Record<string, RingDescriptor>;
  /** "work:<instance>" wakes a consumer; "space:<instance>" wakes a producer waiting for room. */
  doorbells: Record<string, DoorbellDescriptor>;
  /** Int32 cells: see CONTROL_* below. */
  control: SharedArrayBuffer;
  /** CPU to pin to, or null to run unpinned. */
  cpu: number | null;
  /** Bank tile only: the port its service (RPC reads, status records) answers on; ingress holds the other end. */
  bankPort?: MessagePort;
  /** Ingress tile only: the client end of the bank's service port. */
  bankClientPort?: MessagePort;
  /**
   * With enable_trading_cache: account prefetch hint rings (src/accounts/prefetch-hints.ts), one per
   * verify worker. Verify#i gets [its own] to write the accounts a transaction will lock; the bank gets
   * all of them to read.
   */
  prefetchHints?: PrefetchHintsDescriptor[];
}

/** What the control thread tells the ingress tile once every stage is ready, for /status. */
export interface StatusInfo {
  type: "status-info";
  version: string;
  startedAtMs: number;
  profile: string | null;
  flags: Record<string, boolean>;
  flagsUnavailable: { key: string; cli: string; source: string }[];
  warnings: string[];
  stages: {
    instance: string;
    cpu: number | null;
    pinned: boolean;
    pinReason?: string;
    /** Kernel thread id of the stage's Worker (for per-stage CPU time from /proc), null off Linux. */
    threadId?: number | null;
    detail?: unknown;
  }[];
  native: unknown;
}

/** Control block cells. */
export const CONTROL_STOP_INTAKE = 0;
export const CONTROL_STOP = 1;
export const CONTROL_INT32S = 16;

export function createControlBlock(): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_INT32S * 4);
}

/** Messages a stage posts to the control thread. */
export type StageMessage =
  | {
      type: "ready";
      instance: string;
      cpu: number | null;
      pinned: boolean;
      pinReason?: string;
      threadId?: number | null;
      detail?: unknown;
    }
  | { type: "stopped"; instance: string }
  /** Ingress: intake is stopped and every accepted transaction has its terminal outcome. */
  | { type: "drained"; instance: string; inFlight: number }
  | { type: "error"; instance: string; message: string; stack?: string }
  | {
      type: "log";
      instance: string;
      level: "debug" | "info" | "warn" | "error";
      message: string;
      fields?: unknown;
    };
