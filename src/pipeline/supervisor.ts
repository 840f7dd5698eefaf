// The control thread: builds the shared memory (packet pool, chain state, metrics, the
// rings and doorbells of src/topology.ts), places each stage on a core, starts the stage
// Workers, and runs the shutdown: stop intake, wait until every accepted transaction has
// its outcome (bounded by shutdown.drain_ms), then stop every stage.
import { createPrefetchHints } from "../accounts/prefetch-hints.ts";
import type { ResolvedConfig } from "../config/load.ts";
import type { Logger } from "../log.ts";
import { createMetrics } from "../metrics/registry.ts";
import { nativeStatus, readTopology } from "../native/index.ts";
import { createDoorbell, type DoorbellDescriptor } from "../ring/doorbell.ts";
import { createPacketPool } from "../ring/packet-pool.ts";
import { createRing, type RingDescriptor } from "../ring/spsc-ring.ts";
import { planTopology, STAGE_WORKERS, type StageName } from "../topology.ts";
import { OUTRIDER_VERSION } from "../version.ts";
import { createChainState } from "./chain-state.ts";
import { planStagePlacement } from "./placement-plan.ts";
import {
  CONTROL_STOP,
  CONTROL_STOP_INTAKE,
  createControlBlock,
  type StageInit,
  type StageMessage,
  type StatusInfo,
} from "./stage-init.ts";

export const STAGE_START_TIMEOUT_MS = 60_000;
export const STAGE_STOP_TIMEOUT_MS = 5_000;

export interface StageRecord {
  instance: string;
  stage: StageName;
  worker: Worker;
  cpu: number | null;
  ready: boolean;
  pinned: boolean;
  pinReason?: string;
  threadId?: number | null;
  detail?: unknown;
  stopped: boolean;
}

export interface RunningPipeline {
  rpcUrl: string;
  pubsubUrl: string;
  tpuAddress: string;
  stages: StageRecord[];
  /** Stops intake, drains (bounded by shutdown.drain_ms), stops every stage. `drained`: nothing was left in flight. */
  stop(reason: string): Promise<{ drained: boolean }>;
  /** Resolves when a stage fails (with its message) — the caller should stop and exit 1. */
  failed: Promise<string>;
}

/**
 * Where a stage's Worker entry is. From source: next to this file's folder. In the compiled
 * binary every worker file is an extra entrypoint (scripts/build.ts) stored under the
 * binary's virtual root by its path below src/, and is found by that relative path.
 */
function workerUrl(stage: StageName): string {
  const pathBelowSrc = STAGE_WORKERS[stage];
  if (import.meta.url.includes("/$bunfs/")) return `./${pathBelowSrc}`;
  return new URL(`../${pathBelowSrc}`, import.meta.url).href;
}

export async function startPipeline(resolved: ResolvedConfig, logger: Logger): Promise<RunningPipeline> {
  const { config } = resolved;
  const topology = readTopology();
  const { verifyWorkers, placement } = planStagePlacement(config, topology);
  const plan = planTopology({ verifyWorkers, poolPackets: config.ingress.pool_packets });
  const cpuOf = (stage: string, index: number) =>
    placement.find((entry) => entry.stage === stage && entry.index === index)?.cpu ?? null;

  const instances = plan.stages.flatMap((stage) =>
    Array.from({ length: stage.count }, (_, index) => ({
      stage: stage.name,
      index,
      instance: stage.count > 1 || stage.name === "verify" ? `${stage.name}#${index}` : stage.name,
    })),
  );
  const pool = createPacketPool(config.ingress.pool_packets);
  const chain = createChainState();
  const metrics = createMetrics({ shardNames: [...instances.map((entry) => entry.instance), "control"] });
  const rings: Record<string, RingDescriptor> = {};
  for (const ring of plan.rings)
    rings[ring.name] = createRing(ring.depth, ring.wordsPerEntry, { name: ring.name });
  const doorbells: Record<string, DoorbellDescriptor> = {};
  for (const entry of instances) {
    doorbells[`work:${entry.instance}`] = createDoorbell(`work:${entry.instance}`);
    doorbells[`space:${entry.instance}`] = createDoorbell(`space:${entry.instance}`);
  }
  const control = createControlBlock();
  const controlCells = new Int32Array(control);
  const bankChannel = new MessageChannel();
  // Account prefetch hints: verify#i → bank, one ring per verify worker (trading cache in upstream mode
  // only: the embedded bank reads its accounts in-process, so there is nothing to load ahead).
  const prefetchHints =
    config.flags.enable_trading_cache && config.bank.upstream_url !== ""
      ? Array.from({ length: verifyWorkers }, () => createPrefetchHints())
      : undefined;

  let failWith: (message: string) => void = () => {};
  const failed = new Promise<string>((resolve) => {
    failWith = resolve;
  });
  let onDrained: () => void = () => {};
  const drained = new Promise<void>((resolve) => {
    onDrained = resolve;
  });

  const records: StageRecord[] = [];
  const readyWaiters: Promise<void>[] = [];
  for (const entry of instances) {
    const cpu = cpuOf(entry.stage, entry.index);
    const worker = new Worker(workerUrl(entry.stage));
    const record: StageRecord = {
      instance: entry.instance,
      stage: entry.stage,
      worker,
      cpu,
      ready: false,
      pinned: false,
      stopped: false,
    };
    records.push(record);
    readyWaiters.push(
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`stage ${entry.instance} did not start within ${STAGE_START_TIMEOUT_MS} ms`)),
          STAGE_START_TIMEOUT_MS,
        );
        worker.onmessage = (event: MessageEvent) => {
          const message = event.data as StageMessage;
          switch (message.type) {
            case "ready":
              Object.assign(record, {
                ready: true,
                pinned: message.pinned,
                pinReason: message.pinReason,
                threadId: message.threadId ?? null,
                detail: message.detail,
              });
              clearTimeout(timer);
              resolve();
              break;
            case "log":
              logger.log(message.level, message.message, {
                stage: message.instance,
                ...(message.fields as object),
              });
              break;
            case "drained":
              onDrained();
              break;
            case "stopped":
              record.stopped = true;
              break;
            case "error":
              logger.error("stage failed", {
                stage: message.instance,
                error: message.message,
                stack: message.stack,
              });
              clearTimeout(timer);
              reject(new Error(`stage ${message.instance} failed: ${message.message}`));
              failWith(`stage ${message.instance} failed: ${message.message}`);
              break;
          }
        };
        worker.onerror = (event) => {
          const text = (event as ErrorEvent).message ?? String(event);
          logger.error("stage crashed", { stage: entry.instance, error: text });
          clearTimeout(timer);
          reject(new Error(`stage ${entry.instance} crashed: ${text}`));
          failWith(`stage ${entry.instance} crashed: ${text}`);
        };
      }),
    );
    const init: StageInit = {
      type: "init",
      stage: entry.stage,
      index: entry.index,
      instance: entry.instance,
      config,
      verifyWorkers,
      pool,
      chain,
      metrics,
      rings,
      doorbells,
      control,
      cpu,
    };
    const transfer: MessagePort[] = [];
    if (entry.stage === "bank") {
      init.bankPort = bankChannel.port1;
      transfer.push(bankChannel.port1);
    }
    if (entry.stage === "ingress") {
      init.bankClientPort = bankChannel.port2;
      transfer.push(bankChannel.port2);
    }
    if (prefetchHints && entry.stage === "bank") init.prefetchHints = prefetchHints;
    if (prefetchHints && entry.stage === "verify") init.prefetchHints = [prefetchHints[entry.index]];
    worker.postMessage(init, transfer);
  }

  const terminateAll = () => {
    for (const record of records) record.worker.terminate();
  };
  try {
    await Promise.all(readyWaiters);
  } catch (error) {
    terminateAll();
    throw error;
  }

  const ingress = records.find((record) => record.stage === "ingress")!;
  const ports = ingress.detail as { rpcPort: number; pubsubPort: number; tpuPort: number };
  const host = (bind: string) => bind.slice(0, bind.lastIndexOf(":"));
  const statusInfo: StatusInfo = {
    type: "status-info",
    version: OUTRIDER_VERSION,
    startedAtMs: Date.now(),
    profile: resolved.profile,
    flags: { ...config.flags },
    flagsUnavailable: resolved.flagsUnavailable,
    warnings: resolved.warnings,
    stages: records.map((record) => ({
      instance: record.instance,
      cpu: record.cpu,
      pinned: record.pinned,
      pinReason: record.pinReason,
      threadId: record.threadId ?? null,
      detail: record.detail,
    })),
    native: { ...nativeStatus(), topologySource: topology.source },
  };
  ingress.worker.postMessage(statusInfo);

  let stopping: Promise<{ drained: boolean }> | null = null;
  const stop = (reason: string) => {
    stopping ??= (async () => {
      logger.info("stopping: intake closed, draining in-flight transactions", {
        reason,
        drainMs: config.shutdown.drain_ms,
      });
      Atomics.store(controlCells, CONTROL_STOP_INTAKE, 1);
      const timedOut = await Promise.race([
        drained.then(() => false),
        Bun.sleep(config.shutdown.drain_ms).then(() => true),
      ]);
      if (timedOut) {
        logger.warn("drain time ran out; stopping with transactions still in flight", {
          drainMs: config.shutdown.drain_ms,
        });
      }
      Atomics.store(controlCells, CONTROL_STOP, 1);
      const deadline = Date.now() + STAGE_STOP_TIMEOUT_MS;
      while (records.some((record) => !record.stopped) && Date.now() < deadline) await Bun.sleep(10);
      terminateAll();
      return { drained: !timedOut };
    })();
    return stopping;
  };

  return {
    rpcUrl: `http://${host(config.rpc.bind)}:${ports.rpcPort}`,
    pubsubUrl: `ws://${host(config.rpc.pubsub_bind || config.rpc.bind)}:${ports.pubsubPort}`,
    tpuAddress: `${host(config.tpu.bind)}:${ports.tpuPort}`,
    stages: records,
    stop,
    failed,
  };
}
