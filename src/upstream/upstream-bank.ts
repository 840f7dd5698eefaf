// The bank tile in upstream mode (`outrider run --upstream URL`): instead of executing, the bank stage
// forwards each batch the scheduler hands over to the upstream Solana node (the forwarder sink), answers
// the scheduler with an ExecutionResponse per transaction as soon as the node has accepted or refused
// it, and follows the node: its slots and blockhashes (into the shared chain state), the transactions
// it executes (signature notifications), and the accounts Outrider's clients read (through the trading
// account cache when enable_trading_cache is on, else straight from the node). It serves the same
// MessagePort methods as the embedded bank, plus the pass-through of every other JSON-RPC method.

import { CacheMetrics } from "../accounts/cache-metrics.ts";
import { NOT_INCLUDED_REASONS } from "../bank/scheduler-bindings.ts";
import { StatusStore } from "../bank/status-store.ts";
import { notIncludedReasonLabel } from "../metrics/labels.ts";
import { attachMetrics } from "../metrics/registry.ts";
import { ChainState } from "../pipeline/chain-state.ts";
import { postEvent, servePort } from "../pipeline/port-rpc.ts";
import { tryPush6 } from "../pipeline/ring-io.ts";
import type { StageContext } from "../pipeline/worker-harness.ts";
import { announceReady } from "../pipeline/worker-harness.ts";
import { attachDoorbell } from "../ring/doorbell.ts";
import { attachPacketPool } from "../ring/packet-pool.ts";
import { RingPoller } from "../ring/poller.ts";
import { attachRing } from "../ring/spsc-ring.ts";
import type { BackendEvent } from "../server/rpc-backend.ts";
import { SCHEDULE_BANK_FLAG_END_OF_BATCH } from "../topology.ts";
import { ParsedTransaction } from "../tx/parsed-transaction.ts";
import { UpstreamAccountLoader } from "./account-loader.ts";
import { AccountSubscriptions, HOLDER_CACHE, HOLDER_CLIENT } from "./account-subscriptions.ts";
import { ChainFollower } from "./chain-follower.ts";
import { Forwarder, type ForwardOutcome } from "./forwarder.ts";
import { ProgramSubscriptions } from "./program-subscriptions.ts";
import { SignatureTracker } from "./signature-tracker.ts";
import { type TransactionAccounts, transactionAccounts } from "./transaction-accounts.ts";
import { UpstreamAccounts } from "./upstream-accounts.ts";
import { defaultPubsubUrl, UpstreamClient } from "./upstream-client.ts";
import { UpstreamPubsub } from "./upstream-pubsub.ts";
import { type AccountReader, UPSTREAM_SERVICE_METHODS, UpstreamService } from "./upstream-service.ts";

const BATCH_TRANSACTIONS_MAX = 64;
/** JSON-RPC methods answered by Outrider itself in upstream mode (the rest pass through). */
const LOCAL_METHODS = ["sendTransaction", "getSignatureStatuses"];
const ACCOUNT_READ_METHODS = ["getAccountInfo", "getMultipleAccounts", "getBalance"];
const METHOD_LABELS = new Set([
  "getMultipleAccounts",
  "sendTransaction",
  "getSignatureStatuses",
  "simulateTransaction",
  "getLatestBlockhash",
  "getBlockHeight",
  "getSlot",
]);

export async function runUpstreamBank(context: StageContext): Promise<void> {
  const { init } = context;
  const config = init.config;
  const port = init.bankPort;
  if (!port) throw new Error("bank: no service port in the init message");
  const pool = attachPacketPool(init.pool);
  const input = attachRing(init.rings.schedule_bank);
  const output = attachRing(init.rings.bank_schedule);
  const chain = new ChainState(init.chain);
  const metrics = attachMetrics(init.metrics).shard("bank");
  const received = metrics.counter("outrider_bank_transactions_received_total", {});
  const stageDuration = metrics.histogram("outrider_pipeline_stage_duration_seconds", { stage: "bank" });
  const slotGauge = metrics.gauge("outrider_upstream_slot_processed", {});
  const forwardedCounters = {
    forwarded: metrics.counter("outrider_upstream_transactions_forwarded_total", { result: "forwarded" }),
    refused: metrics.counter("outrider_upstream_transactions_forwarded_total", { result: "refused" }),
    unreachable: metrics.counter("outrider_upstream_transactions_forwarded_total", { result: "unreachable" }),
  };
  const resultCounters = new Map<string, ReturnType<typeof metrics.counter>>();
  const resultCounter = (code: number) => {
    const label = notIncludedReasonLabel(code);
    let counter = resultCounters.get(label);
    if (!counter) {
      counter = metrics.counter("outrider_bank_transactions_processed_total", { result: label });
      resultCounters.set(label, counter);
    }
    return counter;
  };
  const upstreamCalls = new Map<
    string,
    {
      ok: ReturnType<typeof metrics.counter>;
      error: ReturnType<typeof metrics.counter>;
      duration: ReturnType<typeof metrics.histogram>;
    }
  >();
  const observeUpstream = (method: string, ok: boolean, seconds: number) => {
    const label = METHOD_LABELS.has(method) ? method : "passthrough";
    let handles = upstreamCalls.get(label);
    if (!handles) {
      handles = {
        ok: metrics.counter("outrider_upstream_requests_sent_total", { method: label, result: "ok" }),
        error: metrics.counter("outrider_upstream_requests_sent_total", { method: label, result: "error" }),
        duration: metrics.histogram("outrider_upstream_request_duration_seconds", { method: label }),
      };
      upstreamCalls.set(label, handles);
    }
    (ok ? handles.ok : handles.error).inc();
    handles.duration.observe(seconds);
  };

  const upstreamUrl = config.bank.upstream_url;
  const client = new UpstreamClient({
    url: upstreamUrl,
    requestTimeoutMs: config.upstream.request_timeout_ms,
    observe: observeUpstream,
  });
  const subscriptionGauges = {
    account: metrics.gauge("outrider_upstream_subscriptions_active", { kind: "account" }),
    program: metrics.gauge("outrider_upstream_subscriptions_active", { kind: "program" }),
    signature: metrics.gauge("outrider_upstream_subscriptions_active", { kind: "signature" }),
    slot: metrics.gauge("outrider_upstream_subscriptions_active", { kind: "slot" }),
  };
  const notificationCounters = {
    account: metrics.counter("outrider_upstream_notifications_received_total", { kind: "account" }),
    program: metrics.counter("outrider_upstream_notifications_received_total", { kind: "program" }),
    signature: metrics.counter("outrider_upstream_notifications_received_total", { kind: "signature" }),
    slot: metrics.counter("outrider_upstream_notifications_received_total", { kind: "slot" }),
  };
  const reconnects = metrics.counter("outrider_upstream_pubsub_reconnects_total", {});
  let connectedOnce = false;
  const pubsub = new UpstreamPubsub({
    url: config.bank.upstream_ws_url || defaultPubsubUrl(upstreamUrl),
    subscriptionsMax: config.upstream.subscriptions_max,
    requestTimeoutMs: config.upstream.request_timeout_ms,
    onNotification: (kind) => notificationCounters[kind].inc(),
    onSubscriptionsChange: (counts) => {
      for (const kind of ["account", "program", "signature", "slot"] as const)
        subscriptionGauges[kind].set(counts[kind]);
    },
    onConnectionChange: (connected) => {
      if (connected && connectedOnce) reconnects.inc();
      if (connected) connectedOnce = true;
      context.log(
        connected ? "info" : "warn",
        connected ? "upstream PubSub connected" : "upstream PubSub lost; reconnecting",
        {
          url: pubsub.url,
        },
      );
    },
  });

  const emit = (event: BackendEvent) => postEvent(port, event);
  const statusStore = new StatusStore();
  statusStore.onEvent((event) => {
    if (event.type === "received") emit({ type: "signatureReceived", signature: event.signature });
    else if (event.type === "executed") {
      const { signature, slot, err } = event.record;
      emit({ type: "signatureExecuted", signature, slot, err });
    }
  });
  const follower = new ChainFollower({
    client,
    pubsub,
    chain,
    pollIntervalMs: config.upstream.chain_poll_ms,
    onSlot: (event) => {
      slotGauge.set(event.slot);
      statusStore.prune(event.slot);
      emit({ type: "slot", ...event });
    },
    onError: (message) => context.log("warn", message),
  });

  const loadDuration = metrics.histogram("outrider_accounts_load_duration_seconds", {});
  const loader = new UpstreamAccountLoader(client, (seconds) => loadDuration.observe(seconds));
  const cacheEnabled = config.flags.enable_trading_cache;
  let accounts: UpstreamAccounts | null = null;
  const subscriptions = new AccountSubscriptions(pubsub, (address, slot, account, holders) => {
    accounts?.cached.applyNotification(address, slot, account);
    if (holders & HOLDER_CLIENT) emit({ type: "accountsWritten", slot, addresses: [address] });
  });
  // The configured market programs: one programSubscribe each covers every cached account they own.
  const programs =
    cacheEnabled && config.upstream.market_programs.length > 0
      ? new ProgramSubscriptions(
          pubsub,
          config.upstream.market_programs,
          config.accounts.cache_entries_max,
          (address, slot, account) => accounts?.cached.applyNotification(address, slot, account),
        )
      : null;
  if (cacheEnabled) {
    accounts = new UpstreamAccounts({
      config,
      loader,
      feed: {
        // An account known owned by a followed program needs no subscription of its own.
        hold: (address) =>
          programs?.covers(address) ? Promise.resolve(true) : subscriptions.hold(address, HOLDER_CACHE),
        release: (address) => subscriptions.release(address, HOLDER_CACHE),
        activeSince: (address, sinceMs) =>
          subscriptions.activeSince(address, sinceMs) || (programs?.coversSince(address, sinceMs) ?? false),
      },
      // A load shows the owner: once a program subscription covers the account, its own one goes.
      onLoaded: (address, view) => {
        if (programs?.learn(address, view?.owner ?? null) && programs.covers(address))
          subscriptions.release(address, HOLDER_CACHE);
      },
      follower,
      hints: init.prefetchHints,
      log: (level, message, fields) => context.log(level, message, fields),
    });
    // The change feed was lost: nothing cached can be trusted any more.
    pubsub.onReset(() => accounts?.cached.reset());
  }
  const cacheMetrics = accounts ? new CacheMetrics(metrics, accounts.cached) : null;
  const readDuration = {
    cache: metrics.histogram("outrider_accounts_read_duration_seconds", { served: "cache" }),
    upstream: metrics.histogram("outrider_accounts_read_duration_seconds", { served: "upstream" }),
  };
  const reader: AccountReader = {
    async read(addresses, commitment) {
      const startedMs = performance.now();
      if (accounts === null) {
        const loaded = await loader.load(addresses, commitment);
        readDuration.upstream.observe((performance.now() - startedMs) / 1000);
        return loaded;
      }
      const answer = await accounts.read(addresses, commitment);
      (answer.fromCache ? readDuration.cache : readDuration.upstream).observe(
        (performance.now() - startedMs) / 1000,
      );
      cacheMetrics?.sync();
      return { slot: answer.slot, accounts: answer.accounts };
    },
  };
  const service = new UpstreamService({
    client,
    follower,
    statusStore,
    accounts: reader,
    watcher: {
      setWatched: (address, watched) => {
        if (watched) void subscriptions.hold(address, HOLDER_CLIENT);
        else subscriptions.release(address, HOLDER_CLIENT);
      },
    },
    routing: {
      localMethods: cacheEnabled ? [...LOCAL_METHODS, ...ACCOUNT_READ_METHODS] : [...LOCAL_METHODS],
    },
  });
  servePort(port, service, UPSTREAM_SERVICE_METHODS);

  const forwarder = new Forwarder({
    client,
    retriesMax: config.upstream.forward_retries_max,
    retryDelayMs: config.upstream.forward_retry_delay_ms,
  });
  const tracker = new SignatureTracker<string[]>({
    client,
    pubsub,
    trackedMax: config.upstream.signatures_tracked_max,
    trackMs: 120_000,
    pollAfterMs: Math.max(200, config.upstream.chain_poll_ms),
    onExecuted: (execution) => {
      // The accounts it wrote changed at that slot: older cached values stop serving (read-your-writes).
      if (execution.err === null)
        for (const address of execution.tag) accounts?.cached.invalidate(address, execution.slot);
      statusStore.recordExecuted(execution.signature, execution.slot, execution.err);
    },
  });

  try {
    await follower.start();
    // Before the warm start, so the configured markets' loads are covered already.
    if (programs !== null)
      await Promise.race([programs.start(), Bun.sleep(config.upstream.request_timeout_ms)]);
  } catch (error) {
    throw new Error(`upstream ${upstreamUrl} could not be read at start: ${(error as Error).message}`);
  }
  // Warm start runs in the background: intake opens at once; reads meanwhile load as misses.
  void accounts
    ?.warm()
    .catch((error) => context.log("warn", "account cache warm start failed", { error: String(error) }));

  const scheduleDoorbell = attachDoorbell(init.doorbells["work:schedule"]);
  const inputSpace = attachDoorbell(init.doorbells["space:schedule"]);
  const parsed = new ParsedTransaction();
  const inFlight = new Set<Promise<void>>();
  const inFlightMax = config.upstream.forward_batches_in_flight_max;

  const respond = (slot: number, outcome: ForwardOutcome, startedMs: number, batchLength: number) => {
    const reason = outcome.forwarded ? NOT_INCLUDED_REASONS.NONE : outcome.notIncludedReason;
    if (!tryPush6(output, slot, reason, 0, 0, 0, follower.head.slot)) {
      throw new Error(`bank: ${output.name} full — a slot was returned twice`);
    }
    resultCounter(reason).inc();
    stageDuration.observe((performance.now() - startedMs) / 1000 / batchLength);
  };

  const dispatch = (slots: Int32Array) => {
    const startedMs = performance.now();
    const transactions: string[] = [];
    const described: TransactionAccounts[] = [];
    for (const slot of slots) {
      const bytes = pool.packetView(slot);
      transactions.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64"));
      const accountsOf = transactionAccounts(bytes, bytes.length, parsed);
      described.push(accountsOf);
      // Its accounts are loaded into the cache while the node executes it.
      accounts?.onTransactionLocks(accountsOf.data);
    }
    received.inc(slots.length);
    const task = forwarder
      .forward(transactions)
      .then((outcomes) => {
        outcomes.forEach((outcome, index) => {
          const { signature, writable } = described[index];
          if (outcome.forwarded) {
            forwardedCounters.forwarded.inc();
            tracker.track(signature, writable);
          } else {
            (outcome.notIncludedReason === NOT_INCLUDED_REASONS.BANK_NOT_AVAILABLE
              ? forwardedCounters.unreachable
              : forwardedCounters.refused
            ).inc();
            statusStore.recordDropped(signature, follower.head.slot, outcome.notIncludedReason, outcome.err);
            context.log("debug", "upstream refused a transaction", { signature, reason: outcome.message });
          }
          respond(slots[index], outcome, startedMs, slots.length);
        });
        scheduleDoorbell.ring();
      })
      .catch((error) => {
        context.log("error", "forwarding failed", { error: String(error) });
        for (const slot of slots)
          respond(
            slot,
            {
              forwarded: false,
              notIncludedReason: NOT_INCLUDED_REASONS.BANK_NOT_AVAILABLE,
              err: null,
              message: String(error),
            },
            startedMs,
            slots.length,
          );
        scheduleDoorbell.ring();
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  const batchSlots = new Int32Array(BATCH_TRANSACTIONS_MAX);
  /** Takes whole batches while fewer than inFlightMax are being forwarded; returns entries taken. */
  const takeAvailable = (): number => {
    const available = input.available();
    let taken = 0;
    let batchLength = 0;
    for (let entry = 0; entry < available && inFlight.size < inFlightMax; entry++) {
      if (batchLength >= BATCH_TRANSACTIONS_MAX) throw new Error("bank: batch longer than 64 transactions");
      batchSlots[batchLength++] = input.readWord(entry, 0);
      if ((input.readWord(entry, 2) & SCHEDULE_BANK_FLAG_END_OF_BATCH) !== 0) {
        dispatch(batchSlots.slice(0, batchLength));
        taken = entry + 1;
        batchLength = 0;
      }
    }
    if (taken > 0) {
      input.release(taken);
      inputSpace.ring();
    }
    return taken;
  };

  const metricsTimer = cacheMetrics
    ? setInterval(() => {
        accounts?.drainHints();
        cacheMetrics.sync();
      }, 250)
    : null;
  context.onControlMessage((message) => {
    const live = message as { type?: string; cacheBytesMax?: number };
    if (live?.type === "accounts-live" && typeof live.cacheBytesMax === "number" && accounts) {
      accounts.cached.setCapacityBytes(live.cacheBytesMax);
      cacheMetrics?.sync();
      context.log("info", "account cache capacity changed", { cacheBytesMax: live.cacheBytesMax });
    }
  });
  const poller = new RingPoller([input], attachDoorbell(init.doorbells["work:bank"]));
  announceReady(context, { mode: "upstream", upstream: upstreamUrl, pubsub: pubsub.url });
  while (!context.stopRequested()) {
    const available = await poller.waitForWorkAsync();
    accounts?.drainHints();
    if (available > 0 && takeAvailable() === 0 && inFlight.size >= inFlightMax) await Promise.race(inFlight);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.allSettled([...inFlight]);
  if (metricsTimer) clearInterval(metricsTimer);
  await accounts?.stop();
  tracker.stop();
  follower.stop();
  pubsub.close();
}
