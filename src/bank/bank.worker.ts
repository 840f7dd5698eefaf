// The bank tile: the embedded SVM (litesvm) in one Worker. It executes the batches
// schedule sends (PackToWorkerMessage as ring entries), answers each transaction with an
// ExecutionResponse on bank_schedule, records results in the status store, publishes the
// chain state (slot, block height, blockhash window) every slot, and serves RPC reads
// and side calls over its MessagePort.
import { getAddressEncoder } from "@solana/kit";
import { CacheMetrics } from "../accounts/cache-metrics.ts";
import { EmbeddedAccounts } from "../accounts/embedded-accounts.ts";
import { notIncludedReasonLabel } from "../metrics/labels.ts";
import { attachMetrics } from "../metrics/registry.ts";
import { ChainState } from "../pipeline/chain-state.ts";
import { postEvent, servePort } from "../pipeline/port-rpc.ts";
import { tryPush6 } from "../pipeline/ring-io.ts";
import { announceReady, runStage } from "../pipeline/worker-harness.ts";
import { attachDoorbell } from "../ring/doorbell.ts";
import { attachPacketPool } from "../ring/packet-pool.ts";
import { RingPoller } from "../ring/poller.ts";
import { attachRing } from "../ring/spsc-ring.ts";
import { LocalBackend } from "../server/local-backend.ts";
import { SCHEDULE_BANK_FLAG_END_OF_BATCH } from "../topology.ts";
import { runUpstreamBank } from "../upstream/upstream-bank.ts";
import { BANK_SERVICE_METHODS, BankService } from "./bank-service.ts";
import { EmbeddedBank } from "./embedded-bank.ts";
import { StatusStore } from "./status-store.ts";

const BATCH_TRANSACTIONS_MAX = 64;
const addressEncoder = getAddressEncoder();

runStage(async (context) => {
  const { init } = context;
  // Upstream mode: this tile is the forwarder sink in front of a Solana node (src/upstream).
  if (init.config.bank.upstream_url !== "") return runUpstreamBank(context);
  const port = init.bankPort;
  if (!port) throw new Error("bank: no service port in the init message");
  const pool = attachPacketPool(init.pool);
  const input = attachRing(init.rings.schedule_bank);
  const output = attachRing(init.rings.bank_schedule);
  const chain = new ChainState(init.chain);
  const bank = new EmbeddedBank({
    slotMs: init.config.bank.slot_ms,
    airdropLamportsMax: BigInt(init.config.bank.airdrop_lamports_max),
    slotTiming: init.config.bank.slot_timing,
    slotTimingSeed: init.config.bank.slot_timing_seed,
  });
  const metrics = attachMetrics(init.metrics).shard("bank");
  // Trading cache: account reads go through it, every write the bank makes marks it (src/accounts).
  const accountCache = init.config.flags.enable_trading_cache
    ? new EmbeddedAccounts(bank, {
        capacityBytes: init.config.accounts.cache_bytes_max,
        entriesMax: init.config.accounts.cache_entries_max,
      })
    : null;
  const accountCacheMetrics = accountCache ? new CacheMetrics(metrics, accountCache.cached) : null;
  const backend = new LocalBackend(bank, new StatusStore(), accountCache ?? undefined);
  if (accountCache) {
    backend.subscribe((event) => {
      if (event.type === "accountsWritten") accountCache.written(event.slot, event.addresses);
    });
  }
  const accountCacheTimer = accountCacheMetrics ? setInterval(() => accountCacheMetrics.sync(), 250) : null;
  context.onControlMessage((message) => {
    const live = message as { type?: string; cacheBytesMax?: number };
    if (live?.type !== "accounts-live" || typeof live.cacheBytesMax !== "number" || !accountCache) return;
    accountCache.cached.setCapacityBytes(live.cacheBytesMax);
    accountCacheMetrics?.sync();
    context.log("info", "account cache capacity changed", { cacheBytesMax: live.cacheBytesMax });
  });
  const received = metrics.counter("outrider_bank_transactions_received_total", {});
  const computeUnits = metrics.counter("outrider_bank_compute_units_consumed_total", {});
  const slotGauge = metrics.gauge("outrider_bank_slot_processed", {});
  const stageDuration = metrics.histogram("outrider_pipeline_stage_duration_seconds", { stage: "bank" });
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

  const publishBlockhash = (entry: { blockhash: string; slot: number; lastValidBlockHeight: number }) => {
    chain.publish(
      {
        slot: bank.slot,
        blockHeight: bank.blockHeightAt("processed"),
        confirmedSlot: bank.confirmedSlot,
        finalizedSlot: bank.finalizedSlot,
      },
      {
        hash: addressEncoder.encode(
          entry.blockhash as Parameters<typeof addressEncoder.encode>[0],
        ) as Uint8Array,
        slot: entry.slot,
        lastValidBlockHeight: entry.lastValidBlockHeight,
      },
    );
    slotGauge.set(bank.slot);
  };
  // The whole window first (the bank made blockhashes before this tile started), then one per slot.
  for (const entry of bank.recentBlockhashes()) publishBlockhash(entry);
  bank.onSlot(() => publishBlockhash(bank.latestBlockhash("processed")));

  servePort(port, new BankService(backend), BANK_SERVICE_METHODS);
  backend.subscribe((event) => postEvent(port, event));

  const scheduleDoorbell = attachDoorbell(init.doorbells["work:schedule"]);
  const inputSpace = attachDoorbell(init.doorbells["space:schedule"]);
  const batchSlots = new Int32Array(BATCH_TRANSACTIONS_MAX);
  const transactions: Uint8Array[] = [];
  let batchLength = 0;

  const executeBatch = () => {
    transactions.length = 0;
    for (let index = 0; index < batchLength; index++) transactions.push(pool.packetView(batchSlots[index]));
    const startedMs = performance.now();
    // Verify checked every signature before schedule saw the transaction; the runtime does not again.
    const outcome = bank.executeBatchWithResults({
      slot: bank.slot,
      transactions,
      signaturesVerified: true,
    });
    // The bank executes a batch as one call: each transaction is charged the batch's mean.
    const perTransactionSeconds = (performance.now() - startedMs) / 1000 / batchLength;
    for (let index = 0; index < batchLength; index++) {
      const result = outcome.results[index];
      const response = outcome.responses[index];
      backend.recordResult(result);
      const balance = response.fee_payer_balance;
      const pushed = tryPush6(
        output,
        batchSlots[index],
        response.not_included_reason,
        Number(response.cost_units),
        Number(balance & 0xffffffffn),
        Number((balance >> 32n) & 0xffffffffn),
        result.slot,
      );
      if (!pushed) throw new Error(`bank: ${output.name} full — a slot was returned twice`);
      resultCounter(response.not_included_reason).inc();
      stageDuration.observe(perTransactionSeconds);
      computeUnits.inc(result.computeUnitsConsumed);
    }
    received.inc(batchLength);
    batchLength = 0;
    scheduleDoorbell.ring();
  };

  const takeAvailable = (): number => {
    const available = input.available();
    for (let entry = 0; entry < available; entry++) {
      if (batchLength >= BATCH_TRANSACTIONS_MAX) throw new Error("bank: batch longer than 64 transactions");
      batchSlots[batchLength++] = input.readWord(entry, 0);
      if ((input.readWord(entry, 2) & SCHEDULE_BANK_FLAG_END_OF_BATCH) !== 0) executeBatch();
    }
    if (available > 0) {
      input.release(available);
      inputSpace.ring();
    }
    return available;
  };

  bank.start();
  const poller = new RingPoller([input], attachDoorbell(init.doorbells["work:bank"]));
  announceReady(context, { genesisHash: bank.genesisHash });
  while (!context.stopRequested()) {
    const available = await poller.waitForWorkAsync();
    // Yield to the event loop after work so the slot clock and RPC calls are never starved.
    if (available > 0 && takeAvailable() > 0) await new Promise((resolve) => setImmediate(resolve));
  }
  if (accountCacheTimer) clearInterval(accountCacheTimer);
  bank.stop();
});
