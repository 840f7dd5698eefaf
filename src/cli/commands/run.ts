// `outrider run`: starts the pipeline on the embedded SVM — or, with --upstream URL, in front of a
// Solana RPC node — and serves it: UDP intake, JSON-RPC + PubSub, /metrics, /health, /status. SIGINT/SIGTERM stop intake, drain
// in-flight work within shutdown.drain_ms and exit 0; SIGHUP reloads the config file.
import { ConfigErrors } from "../../config/errors.ts";
import type { ResolvedConfig } from "../../config/load.ts";
import { Logger } from "../../log.ts";
import { startPipeline } from "../../pipeline/supervisor.ts";
import { OUTRIDER_VERSION } from "../../version.ts";
import { parseCommandArgs } from "../args.ts";
import { CONFIG_OPTIONS, CONFIG_OPTIONS_HELP, resolveFromArgs } from "../config-options.ts";
import { EXIT_OK, EXIT_RUNTIME_ERROR, EXIT_USAGE_ERROR } from "../exit.ts";
import { describeReload } from "./run-reload.ts";

export const HELP = `usage: outrider run [options]

Starts Outrider on its embedded Solana runtime (litesvm): transactions arrive over
UDP (one per datagram, like a TPU port) and JSON-RPC sendTransaction, are verified,
scheduled in conflict-free batches and executed; results are visible through
getSignatureStatuses, PubSub subscriptions and /metrics.

Upstream mode (--upstream URL, and --upstream-ws URL when the node's PubSub is not on
the next port): Outrider runs in front of any Solana JSON-RPC node. Transactions are
verified, deduplicated and ordered as above, then forwarded to the node (sendTransaction);
statuses are the node's. With --enable-trading-cache, getAccountInfo, getMultipleAccounts
and getBalance are answered from the trading account cache (kept coherent by the node's
account notifications); every other method passes through to the node unchanged.

On start it prints one line on stdout: "outrider listening rpc=URL pubsub=URL tpu=HOST:PORT".
Signals: SIGINT/SIGTERM stop intake, drain in-flight transactions (shutdown.drain_ms)
and exit 0. SIGHUP reloads the --config file; what cannot change live is reported.

${CONFIG_OPTIONS_HELP}`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, CONFIG_OPTIONS, "run");
  if (values.help) {
    console.log(HELP);
    return EXIT_OK;
  }
  let resolved: ResolvedConfig;
  try {
    resolved = resolveFromArgs(values);
  } catch (error) {
    if (!(error instanceof ConfigErrors)) throw error;
    for (const each of error.errors) console.error(`error: ${each.message}`);
    return EXIT_USAGE_ERROR;
  }
  const { config } = resolved;
  const logger = new Logger(config.log.level, config.log.format);
  for (const warning of resolved.warnings) logger.warn(warning);
  logger.info("starting outrider", {
    version: OUTRIDER_VERSION,
    profile: resolved.profile,
    configFile: resolved.configFile,
    config,
    flagsUnavailable: resolved.flagsUnavailable,
  });

  // Signal handlers go in before anything starts: a signal that arrives before Bun has
  // installed its handler would otherwise take the default action and kill the process.
  let pipeline: Awaited<ReturnType<typeof startPipeline>> | undefined;
  let pendingStop: string | null = null;
  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => {
    resolveExit = resolve;
  });
  const shutdown = async (reason: string, exitCode: number) => {
    if (!pipeline) {
      pendingStop = reason;
      return;
    }
    const { drained } = await pipeline.stop(reason);
    logger.info("stopped", { reason, drained });
    resolveExit(exitCode);
  };
  process.on("SIGINT", () => void shutdown("SIGINT", EXIT_OK));
  process.on("SIGTERM", () => void shutdown("SIGTERM", EXIT_OK));
  process.on("SIGHUP", () => {
    if (!resolved.configFile) {
      logger.warn("SIGHUP: no config file to reload (start with --config FILE)");
      return;
    }
    try {
      const next = resolveFromArgs(values);
      const report = describeReload(resolved.config, next.config);
      if (report.applied.includes("log.level")) logger.level = next.config.log.level;
      if (report.applied.includes("log.format")) logger.format = next.config.log.format;
      const cacheBytesMax = next.config.accounts.cache_bytes_max;
      if (report.applied.includes("accounts.cache_bytes_max")) {
        // The account cache lives in the bank tile; it resizes (evicting at once when shrinking).
        pipeline?.stages
          .find((stage) => stage.stage === "bank")
          ?.worker.postMessage({ type: "accounts-live", cacheBytesMax });
      }
      logger.info("SIGHUP: configuration reloaded", report);
      for (const key of report.needsRestart) {
        logger.warn("SIGHUP: changed key needs a restart; not applied", { key });
      }
      resolved = {
        ...next,
        config: {
          ...resolved.config,
          log: next.config.log,
          accounts: { ...resolved.config.accounts, cache_bytes_max: cacheBytesMax },
        },
      };
    } catch (error) {
      const messages =
        error instanceof ConfigErrors ? error.errors.map((each) => each.message) : [String(error)];
      logger.error("SIGHUP: new configuration refused; keeping the running one", { errors: messages });
    }
  });

  try {
    pipeline = await startPipeline(resolved, logger);
  } catch (error) {
    logger.error("start failed", { error: (error as Error).message });
    console.error(`error: ${(error as Error).message}`);
    return EXIT_RUNTIME_ERROR;
  }
  logger.info("listening", {
    rpc: pipeline.rpcUrl,
    pubsub: pipeline.pubsubUrl,
    tpu: pipeline.tpuAddress,
    stages: pipeline.stages.map((stage) => ({
      stage: stage.instance,
      cpu: stage.cpu,
      pinned: stage.pinned,
      pinReason: stage.pinReason,
    })),
  });
  console.log(
    `outrider listening rpc=${pipeline.rpcUrl} pubsub=${pipeline.pubsubUrl} tpu=${pipeline.tpuAddress}`,
  );
  if (pendingStop !== null) void shutdown(pendingStop, EXIT_OK);
  void pipeline.failed.then((message) => {
    logger.error("a stage failed; stopping", { error: message });
    void shutdown("stage failure", EXIT_RUNTIME_ERROR);
  });
  return await exited;
}
