// The load client: the simulated bots, in a process of their own. It builds the market on the
// companion (setup transactions), then plays the workload on schedule — each transaction built and
// signed when it is due, with the latest blockhash, sent as a UDP datagram or a JSON-RPC
// sendTransaction (skipPreflight), resubmissions re-sending the same bytes — and learns each outcome
// by polling getSignatureStatuses (up to 256 signatures a call, two lanes, every pollIntervalMs).
// Latency = arrival of the first status response showing the outcome − first send: an upper bound
// whose resolution is the poll interval plus one round trip. At the end it drains, sweeps the
// remaining signatures once more (searchTransactionHistory), and reconciles the ledger: every account
// the executed transactions touched must hold exactly its start balance plus their effects, which a
// transaction executed twice (or executed without a status) would break. After a restart (kill -9 of
// the companion) it sets the market up again on the new chain and re-sends every transaction the
// first companion acknowledged, to check that none executes again.
import { createHash } from "node:crypto";
import type { udp } from "bun";
import { base58Encode } from "../tx/base58.ts";
import type { AccountLayout } from "./account-layout.ts";
import { simulateError } from "./errors.ts";
import { SimKeys } from "./keys.ts";
import type {
  ClientConfig,
  ClientMessage,
  ClientResult,
  CompanionAddress,
  LedgerCheck,
  RestartReport,
  SecondSample,
} from "./protocol.ts";
import { type AccountReading, RpcClient, type RpcStatus, SIGNATURE_STATUSES_MAX } from "./rpc-client.ts";
import { logHistogram, quantileSorted, sortedCopy, summarizeLatencies } from "./stats.ts";
import { TransactionFactory } from "./transaction-factory.ts";
import {
  LAMPORTS_PER_SIGNATURE,
  planTransaction,
  priorityFeeCharged,
  type TransactionPlan,
} from "./transaction-plan.ts";
import { TOKEN_ACCOUNT_BYTES } from "./wire-builder.ts";
import {
  BAD_EXPIRED_BLOCKHASH,
  generateSimWorkload,
  KIND_NAMES,
  PATH_RPC,
  type SimWorkload,
} from "./workload.ts";

/** 0: not sent yet. */
const STATE_PENDING = 1;
const STATE_LANDED = 2;
const STATE_EXECUTED_WITH_ERROR = 3;
const STATE_DROPPED = 4;
const STATE_REFUSED = 5;
const STATE_UNKNOWN_AT_CRASH = 6;

/** Drop reasons that describe a copy, not the original: keep polling for the original's outcome. */
const NON_FINAL_DROP_REASONS = new Set(["duplicate", "already_processed"]);
const POLL_LANES = 2;
const BLOCKHASH_REFRESH_MS = 200;
const PROGRESS_INTERVAL_MS = 1000;
const SETUP_TIMEOUT_MS = 60_000;

const sleep = (ms: number) => Bun.sleep(Math.max(0, ms));

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "unknown";
}

function errName(err: unknown): string {
  if (typeof err === "string") return err;
  if (err !== null && typeof err === "object") return Object.keys(err)[0] ?? "unknown";
  return String(err);
}

export class LoadClient {
  readonly workload: SimWorkload;
  private readonly layout: AccountLayout;
  private readonly keys: SimKeys;
  private readonly factory: TransactionFactory;
  private readonly rpc: RpcClient;
  private companion: CompanionAddress;
  private udp: udp.Socket<"uint8array"> | null = null;
  private blockhash: Uint8Array = new Uint8Array(32);
  private readonly staleBlockhash: Uint8Array;

  private readonly signature: string[];
  private readonly firstSendMs: Float64Array;
  private readonly state: Uint8Array;
  private readonly acked: Uint8Array;
  /** Companion instance a transaction executed on (-1: none seen). */
  private readonly executedEpoch: Int8Array;
  private readonly reason: (string | undefined)[];
  private readonly latencyMs: Float32Array;
  private latencyCount = 0;
  private readonly wires = new Map<number, Uint8Array>();
  /** UDP send failures by error code (e.g. ECONNREFUSED after the TPU port was closed). */
  private readonly udpSendErrors = new Map<string, number>();
  private readonly resubmitQueue: { dueMs: number; tx: number; copy: number }[] = [];
  private resubmitHead = 0;
  private pollQueue: number[] = [];
  private pollHead = 0;
  private pending = 0;
  private readonly secondLatencies: number[][] = [];
  private readonly kindLatencies: number[][] = KIND_NAMES.map(() => []);

  private startMs = 0;
  private sent = 0;
  private packets = 0;
  private ackedCount = 0;
  private landedCount = 0;
  private landedInWindow = 0;
  private droppedCount = 0;
  private sendLagMsMax = 0;
  private sendLagMs = 0;
  private rpcInFlight = 0;
  private readonly rpcQueue: { tx: number; wire: Uint8Array; first: boolean }[] = [];
  private rpcQueueHead = 0;
  private stopping = false;
  private sending = true;
  private paused = false;
  /** Time the bots spent waiting while a restarted companion was set up again. */
  private waitedMs = 0;
  private epoch = 0;
  private setupMs = 0;
  private restart: RestartReport | null = null;
  private preCrashAcked: number[] = [];
  private ledgerBaseline = new Map<number, AccountReading | null>();

  constructor(
    private readonly config: ClientConfig,
    private readonly emit: (message: ClientMessage) => void,
  ) {
    this.workload = generateSimWorkload(config.workload);
    this.layout = this.workload.layout;
    this.keys = new SimKeys(config.workload.seed, this.layout);
    this.factory = new TransactionFactory(this.keys, this.layout);
    this.companion = config.companion;
    this.rpc = new RpcClient(config.companion.rpcUrl);
    this.staleBlockhash = new Uint8Array(
      createHash("sha256").update(`outrider-simulate-stale:${config.workload.seed}`).digest(),
    );
    const count = this.workload.count;
    this.signature = new Array(count);
    this.firstSendMs = new Float64Array(count).fill(Number.NaN);
    this.state = new Uint8Array(count);
    this.acked = new Uint8Array(count);
    this.executedEpoch = new Int8Array(count).fill(-1);
    this.reason = new Array(count);
    this.latencyMs = new Float32Array(count);
  }

  private now(): number {
    return performance.now() - this.startMs;
  }

  /** Time on the workload's schedule: run time minus the time the bots waited for a restarted companion. */
  private scheduleNow(): number {
    return this.now() - this.waitedMs;
  }

  /** Builds the market on the current companion; returns when every setup transaction executed. */
  private async setup(): Promise<void> {
    const startedMs = performance.now();
    const rent = {
      mint: await this.rpc.rentExemptLamports(82),
      tokenAccount: await this.rpc.rentExemptLamports(165),
    };
    const airdrop = await this.rpc.requestAirdrop(
      this.keys.base58(this.layout.funder),
      this.factory.setupLamports(rent),
    );
    await this.awaitExecuted([airdrop], "airdrop to the funder");
    this.blockhash = await this.rpc.latestBlockhash();
    const phases = this.factory.setupTransactions(this.blockhash, rent);
    for (const [index, phase] of phases.entries()) {
      const signatures: string[] = [];
      const CONCURRENCY = 16;
      for (let at = 0; at < phase.length; at += CONCURRENCY) {
        const outcomes = await Promise.all(
          phase
            .slice(at, at + CONCURRENCY)
            .map((wire) => this.rpc.sendTransaction(Buffer.from(wire).toString("base64"))),
        );
        for (const outcome of outcomes) {
          if (!outcome.accepted)
            throw simulateError(
              "SETUP_FAILED",
              `setup phase ${index + 1}: sendTransaction refused: ${outcome.message}`,
            );
          signatures.push(outcome.signature);
        }
      }
      await this.awaitExecuted(signatures, `setup phase ${index + 1}`);
    }
    this.ledgerBaseline = await this.readLedger(this.ledgerAccounts());
    this.setupMs += performance.now() - startedMs;
  }

  private async awaitExecuted(signatures: string[], what: string): Promise<void> {
    const deadline = performance.now() + SETUP_TIMEOUT_MS;
    let remaining = signatures;
    while (remaining.length > 0) {
      if (performance.now() > deadline)
        throw simulateError("SETUP_FAILED", `${what}: ${remaining.length} transactions without an outcome`);
      const next: string[] = [];
      for (let at = 0; at < remaining.length; at += SIGNATURE_STATUSES_MAX) {
        const chunk = remaining.slice(at, at + SIGNATURE_STATUSES_MAX);
        const statuses = await this.rpc.signatureStatuses(chunk);
        statuses.forEach((status, index) => {
          if (status === null) next.push(chunk[index]);
          else if (status.err !== null)
            throw simulateError(
              "SETUP_FAILED",
              `${what}: ${chunk[index]} failed: ${JSON.stringify(status.err)}${status.outriderDropped ? ` (dropped: ${status.outriderDropped.reason})` : ""}`,
            );
        });
      }
      remaining = next;
      if (remaining.length > 0) await sleep(20);
    }
  }

  private async refreshBlockhash(): Promise<void> {
    while (!this.stopping) {
      try {
        if (!this.paused) this.blockhash = await this.rpc.latestBlockhash();
      } catch {
        // The companion may be down (restart scenario): keep the last blockhash.
      }
      await sleep(BLOCKHASH_REFRESH_MS);
    }
  }

  private transmit(tx: number, wire: Uint8Array, first: boolean): void {
    this.packets++;
    if (this.workload.path[tx] === PATH_RPC) {
      this.rpcQueue.push({ tx, wire, first });
      this.pumpRpc();
    } else {
      let sent = false;
      try {
        sent = this.udp!.send(wire, this.companion.tpuPort, this.companion.tpuHost);
      } catch (error) {
        // An ICMP "port unreachable" from an earlier datagram surfaces on the next send (ECONNREFUSED):
        // the companion's TPU port was closed. Count it as a real sender would, and go on.
        this.udpSendErrors.set(errorCode(error), (this.udpSendErrors.get(errorCode(error)) ?? 0) + 1);
      }
      if (!sent && first && this.state[tx] === STATE_PENDING) {
        this.state[tx] = STATE_REFUSED;
        this.reason[tx] = "udp_not_sent";
        this.pending--;
      }
    }
  }

  private pumpRpc(): void {
    while (this.rpcInFlight < this.config.rpcConcurrency && this.rpcQueueHead < this.rpcQueue.length) {
      const item = this.rpcQueue[this.rpcQueueHead++];
      this.rpcInFlight++;
      void this.rpc.sendTransaction(Buffer.from(item.wire).toString("base64")).then((outcome) => {
        this.rpcInFlight--;
        const { tx } = item;
        if (outcome.accepted) {
          if (this.acked[tx] === 0) {
            this.acked[tx] = 1;
            this.ackedCount++;
          }
          if (this.state[tx] === STATE_REFUSED) {
            this.state[tx] = STATE_PENDING;
            this.pending++;
            this.pollQueue.push(tx);
          }
        } else if (item.first && this.acked[tx] === 0 && this.state[tx] === STATE_PENDING) {
          this.state[tx] = STATE_REFUSED;
          this.reason[tx] = outcome.reason;
          this.pending--;
        }
        this.pumpRpc();
      });
    }
    if (this.rpcQueueHead > 4096 && this.rpcQueueHead * 2 > this.rpcQueue.length) {
      this.rpcQueue.splice(0, this.rpcQueueHead);
      this.rpcQueueHead = 0;
    }
  }

  private sendFirst(tx: number, nowMs: number): void {
    const workload = this.workload;
    const plan = planTransaction(workload, tx);
    const bad = workload.bad[tx];
    const wire = this.factory.build(
      plan,
      bad === BAD_EXPIRED_BLOCKHASH ? this.staleBlockhash : this.blockhash,
      bad,
    );
    this.signature[tx] = base58Encode(wire, 1, 64);
    this.firstSendMs[tx] = nowMs;
    this.state[tx] = STATE_PENDING;
    this.pending++;
    this.sent++;
    this.pollQueue.push(tx);
    if (workload.resubmits[tx] > 0 || (this.config.replayAfterRestart && workload.path[tx] === PATH_RPC))
      this.wires.set(tx, wire);
    if (workload.resubmits[tx] > 0)
      this.resubmitQueue.push({ dueMs: workload.sendAtMs[tx] + workload.config.resubmitGapMs, tx, copy: 1 });
    this.transmit(tx, wire, true);
  }

  private async sendLoop(): Promise<void> {
    const workload = this.workload;
    let next = 0;
    const gapMs = workload.config.resubmitGapMs;
    while (next < workload.count || this.resubmitHead < this.resubmitQueue.length) {
      if (this.paused) {
        // The bots wait for the restarted companion; their schedule resumes where it stopped.
        await sleep(5);
        continue;
      }
      const nowMs = this.scheduleNow();
      while (next < workload.count && workload.sendAtMs[next] <= nowMs) {
        this.sendLagMs = nowMs - workload.sendAtMs[next];
        this.sendLagMsMax = Math.max(this.sendLagMsMax, this.sendLagMs);
        this.sendFirst(next, this.now());
        next++;
      }
      while (
        this.resubmitHead < this.resubmitQueue.length &&
        this.resubmitQueue[this.resubmitHead].dueMs <= nowMs
      ) {
        const { tx, copy, dueMs } = this.resubmitQueue[this.resubmitHead++];
        const wire = this.wires.get(tx);
        if (wire !== undefined) this.transmit(tx, wire, false);
        if (copy < workload.resubmits[tx])
          this.resubmitQueue.push({ dueMs: dueMs + gapMs, tx, copy: copy + 1 });
        else if (!(this.config.replayAfterRestart && workload.path[tx] === PATH_RPC)) this.wires.delete(tx);
      }
      if (this.resubmitHead > 4096 && this.resubmitHead * 2 > this.resubmitQueue.length) {
        this.resubmitQueue.splice(0, this.resubmitHead);
        this.resubmitHead = 0;
      }
      await sleep(1);
    }
    while (this.rpcInFlight > 0 || this.rpcQueueHead < this.rpcQueue.length) await sleep(2);
    this.sending = false;
  }

  private takePollBatch(): number[] {
    const batch: number[] = [];
    while (batch.length < SIGNATURE_STATUSES_MAX && this.pollHead < this.pollQueue.length) {
      const tx = this.pollQueue[this.pollHead++];
      if (this.state[tx] === STATE_PENDING) batch.push(tx);
    }
    if (this.pollHead > 8192 && this.pollHead * 2 > this.pollQueue.length) {
      this.pollQueue = this.pollQueue.slice(this.pollHead);
      this.pollHead = 0;
    }
    return batch;
  }

  /** Applies one status to transaction `tx`; true when its outcome is final. */
  private applyStatus(tx: number, status: RpcStatus | null, atMs: number, final: boolean): boolean {
    if (this.state[tx] !== STATE_PENDING) return true;
    if (status === null) return false;
    const dropped = status.outriderDropped;
    if (dropped !== undefined) {
      this.reason[tx] = dropped.reason;
      if (!final && NON_FINAL_DROP_REASONS.has(dropped.reason)) return false;
      this.state[tx] = STATE_DROPPED;
      this.droppedCount++;
      this.pending--;
      return true;
    }
    this.executedEpoch[tx] = this.epoch;
    if (status.err === null) {
      this.state[tx] = STATE_LANDED;
      this.landedCount++;
      if (atMs - this.waitedMs <= this.workload.config.durationS * 1000) this.landedInWindow++;
      const latency = atMs - this.firstSendMs[tx];
      this.latencyMs[this.latencyCount++] = latency;
      const second = Math.floor(atMs / 1000);
      const bucket = this.secondLatencies[second] ?? [];
      this.secondLatencies[second] = bucket;
      bucket.push(latency);
      this.kindLatencies[this.workload.kind[tx]].push(latency);
    } else {
      this.state[tx] = STATE_EXECUTED_WITH_ERROR;
      this.reason[tx] = errName(status.err);
    }
    this.pending--;
    return true;
  }

  private async pollLane(): Promise<void> {
    while (!this.stopping) {
      if (this.paused) {
        await sleep(this.config.pollIntervalMs);
        continue;
      }
      const batch = this.takePollBatch();
      if (batch.length === 0) {
        await sleep(this.config.pollIntervalMs);
        continue;
      }
      const issuedMs = this.now();
      let statuses: (RpcStatus | null)[];
      try {
        statuses = await this.rpc.signatureStatuses(batch.map((tx) => this.signature[tx]));
      } catch {
        for (const tx of batch) this.pollQueue.push(tx);
        await sleep(this.config.pollIntervalMs);
        continue;
      }
      const receivedMs = this.now();
      batch.forEach((tx, index) => {
        if (!this.applyStatus(tx, statuses[index], receivedMs, false)) this.pollQueue.push(tx);
      });
      await sleep(this.config.pollIntervalMs - (receivedMs - issuedMs));
    }
  }

  private async progressLoop(): Promise<void> {
    while (!this.stopping) {
      await sleep(PROGRESS_INTERVAL_MS);
      const elapsedMs = this.now();
      const second = Math.floor(elapsedMs / 1000) - 1;
      const latencies = sortedCopy(this.secondLatencies[second] ?? []);
      this.emit({
        type: "progress",
        elapsedMs,
        sent: this.sent,
        packets: this.packets,
        acked: this.ackedCount,
        landed: this.landedCount,
        dropped: this.droppedCount,
        pending: this.pending,
        landedLastSecond: latencies.length,
        latencyMsP50LastSecond: quantileSorted(latencies, 0.5),
        latencyMsP99LastSecond: quantileSorted(latencies, 0.99),
        sendLagMs: this.sending ? this.sendLagMs : 0,
      });
    }
  }

  /** The restarted companion: set the market up again on its new chain and re-send what the first one acknowledged. */
  async onCompanionRestarted(companion: CompanionAddress): Promise<void> {
    this.paused = true;
    const restartedAtMs = this.now();
    const preCrash = { acked: 0, landed: 0, dropped: 0, unknown: 0 };
    for (let tx = 0; tx < this.workload.count; tx++) {
      if (this.state[tx] === STATE_PENDING) {
        this.state[tx] = STATE_UNKNOWN_AT_CRASH;
        this.pending--;
      }
      if (this.acked[tx] === 0) continue;
      preCrash.acked++;
      this.preCrashAcked.push(tx);
      if (this.state[tx] === STATE_LANDED || this.state[tx] === STATE_EXECUTED_WITH_ERROR) preCrash.landed++;
      else if (this.state[tx] === STATE_DROPPED) preCrash.dropped++;
      else preCrash.unknown++;
    }
    this.restart = {
      ackedBeforeCrash: preCrash.acked,
      landedBeforeCrash: preCrash.landed,
      droppedBeforeCrash: preCrash.dropped,
      unknownAtCrash: preCrash.unknown,
      replayed: 0,
      replayOutcomes: {},
      executedAfterRestart: 0,
      executedTwice: 0,
      landedAfterRestart: 0,
      resetupMs: 0,
      restartedAtMs,
    };
    this.epoch = 1;
    this.companion = companion;
    this.rpc.url = companion.rpcUrl;
    await this.setup();
    this.blockhash = await this.rpc.latestBlockhash();
    await this.replayPreCrash();
    this.restart.resetupMs = this.now() - restartedAtMs;
    this.waitedMs += this.restart.resetupMs;
    this.paused = false;
  }

  private async replayPreCrash(): Promise<void> {
    const CONCURRENCY = 16;
    for (let at = 0; at < this.preCrashAcked.length; at += CONCURRENCY) {
      await Promise.all(
        this.preCrashAcked.slice(at, at + CONCURRENCY).map(async (tx) => {
          const wire = this.wires.get(tx);
          if (wire === undefined) return;
          this.restart!.replayed++;
          this.packets++;
          await this.rpc.sendTransaction(Buffer.from(wire).toString("base64"));
        }),
      );
    }
  }

  /** Outcomes of the pre-crash acknowledged transactions on the restarted companion. */
  private async reconcileReplays(): Promise<void> {
    const restart = this.restart!;
    for (let at = 0; at < this.preCrashAcked.length; at += SIGNATURE_STATUSES_MAX) {
      const chunk = this.preCrashAcked.slice(at, at + SIGNATURE_STATUSES_MAX);
      const statuses = await this.rpc.signatureStatuses(
        chunk.map((tx) => this.signature[tx]),
        true,
      );
      chunk.forEach((tx, index) => {
        const status = statuses[index];
        const outcome =
          status === null ? "none" : status.outriderDropped ? status.outriderDropped.reason : "executed";
        restart.replayOutcomes[outcome] = (restart.replayOutcomes[outcome] ?? 0) + 1;
        if (outcome !== "executed") return;
        restart.executedAfterRestart++;
        const before = this.state[tx];
        if (before === STATE_LANDED || before === STATE_EXECUTED_WITH_ERROR) restart.executedTwice++;
        else if (before === STATE_UNKNOWN_AT_CRASH || before === STATE_DROPPED) {
          // Its fate is now known: it executed on the restarted companion.
          this.state[tx] = status!.err === null ? STATE_LANDED : STATE_EXECUTED_WITH_ERROR;
          if (status!.err === null) this.landedCount++;
        }
        this.executedEpoch[tx] = 1;
      });
    }
  }

  /** Every account whose balance the ledger check reads (fresh addresses are added per executed transfer). */
  private ledgerAccounts(): number[] {
    const accounts: number[] = [];
    for (let account = 0; account < this.layout.accountsCount; account++) accounts.push(account);
    return accounts;
  }

  private async readLedger(accounts: number[]): Promise<Map<number, AccountReading | null>> {
    const readings = await this.rpc.multipleAccounts(accounts.map((account) => this.keys.base58(account)));
    return new Map(accounts.map((account, index) => [account, readings[index]]));
  }

  private async checkLedger(): Promise<LedgerCheck> {
    const lamports = new Map<number, bigint>();
    const tokens = new Map<number, bigint>();
    const add = (map: Map<number, bigint>, account: number, delta: bigint) =>
      map.set(account, (map.get(account) ?? 0n) + delta);
    let executed = 0;
    for (let tx = 0; tx < this.workload.count; tx++) {
      if (this.executedEpoch[tx] !== this.epoch) continue;
      executed++;
      const plan: TransactionPlan = planTransaction(this.workload, tx);
      add(lamports, plan.payer, -(LAMPORTS_PER_SIGNATURE + priorityFeeCharged(plan)));
      if (this.state[tx] !== STATE_LANDED) continue;
      for (const instruction of plan.instructions) {
        if (instruction.op === "transfer") {
          add(lamports, instruction.from, -instruction.lamports);
          add(lamports, instruction.to, instruction.lamports);
        } else if (instruction.op === "tokenTransfer") {
          add(tokens, instruction.source, -instruction.amount);
          add(tokens, instruction.destination, instruction.amount);
        }
      }
    }
    const accounts = [...new Set([...this.ledgerBaseline.keys(), ...lamports.keys()])];
    const after = await this.readLedger(accounts);
    const mismatches: LedgerCheck["mismatches"] = [];
    const tokenAmount = (reading: AccountReading | null | undefined) =>
      reading && reading.data.length === TOKEN_ACCOUNT_BYTES
        ? new DataView(reading.data.buffer, reading.data.byteOffset).getBigUint64(64, true)
        : 0n;
    for (const account of accounts) {
      const before = this.ledgerBaseline.get(account) ?? null;
      const now = after.get(account) ?? null;
      const expectedLamports = (before?.lamports ?? 0n) + (lamports.get(account) ?? 0n);
      if ((now?.lamports ?? 0n) !== expectedLamports && mismatches.length < 20)
        mismatches.push({
          address: this.keys.base58(account),
          field: "lamports",
          expected: expectedLamports.toString(),
          actual: (now?.lamports ?? 0n).toString(),
        });
      const expectedTokens = tokenAmount(before) + (tokens.get(account) ?? 0n);
      if (tokenAmount(now) !== expectedTokens && mismatches.length < 20)
        mismatches.push({
          address: this.keys.base58(account),
          field: "tokens",
          expected: expectedTokens.toString(),
          actual: tokenAmount(now).toString(),
        });
    }
    return {
      accountsChecked: accounts.length,
      executedTransactions: executed,
      mismatches,
      ok: mismatches.length === 0,
      companionInFlight: null,
    };
  }

  /** Transactions the companion accepted and has not decided yet (/status), or null if it cannot say. */
  private async companionInFlight(): Promise<number | null> {
    try {
      const status = (await (await fetch(new URL("/status", this.rpc.url))).json()) as {
        inFlightTransactions?: number;
      };
      return typeof status.inFlightTransactions === "number" ? status.inFlightTransactions : null;
    } catch {
      return null;
    }
  }

  private async finalSweep(): Promise<void> {
    const remaining: number[] = [];
    for (let tx = 0; tx < this.workload.count; tx++) if (this.state[tx] === STATE_PENDING) remaining.push(tx);
    const atMs = this.now();
    for (let at = 0; at < remaining.length; at += SIGNATURE_STATUSES_MAX) {
      const chunk = remaining.slice(at, at + SIGNATURE_STATUSES_MAX);
      const statuses = await this.rpc.signatureStatuses(
        chunk.map((tx) => this.signature[tx]),
        true,
      );
      chunk.forEach((tx, index) => {
        this.applyStatus(tx, statuses[index], atMs, true);
      });
    }
  }

  async run(): Promise<ClientResult> {
    this.udp = await Bun.udpSocket({
      binaryType: "uint8array",
      socket: {
        error: (_socket, error) => {
          this.udpSendErrors.set(errorCode(error), (this.udpSendErrors.get(errorCode(error)) ?? 0) + 1);
        },
      },
    });
    await this.setup();
    this.emit({ type: "setup-done", setupMs: this.setupMs, transactions: this.workload.count });
    this.startMs = performance.now();
    const cpuStart = process.cpuUsage();
    const background = [
      this.refreshBlockhash(),
      this.progressLoop(),
      ...Array.from({ length: POLL_LANES }, () => this.pollLane()),
    ];
    await this.sendLoop();
    if (this.restart !== null) await this.replayPreCrash();
    // Drain: until every sent transaction has an outcome and the companion holds none in flight
    // (transactions it accepted but has not decided), or the drain time runs out.
    const drainDeadline = performance.now() + this.config.drainMs;
    let companionInFlight = await this.companionInFlight();
    while ((this.pending > 0 || companionInFlight !== 0) && performance.now() < drainDeadline) {
      await sleep(100);
      companionInFlight = await this.companionInFlight();
    }
    const runMs = this.now();
    this.stopping = true;
    await Promise.all(background);
    await this.finalSweep();
    if (this.restart !== null) await this.reconcileReplays();
    const ledger = await this.checkLedger();
    ledger.companionInFlight = await this.companionInFlight();
    this.udp.close();
    const cpu = process.cpuUsage(cpuStart);
    return this.result(runMs, ledger, (cpu.user + cpu.system) / 1000);
  }

  private result(runMs: number, ledger: LedgerCheck, clientCpuMs: number): ClientResult {
    const refused: Record<string, number> = {};
    const executedWithError: Record<string, number> = {};
    const dropped: Record<string, number> = {};
    const unresolved = { udp: 0, rpc: 0 };
    const ackedOutcomes = { landed: 0, executedWithError: 0, dropped: 0, unknown: 0, other: 0 };
    const bump = (map: Record<string, number>, key: string) => {
      map[key] = (map[key] ?? 0) + 1;
    };
    for (let tx = 0; tx < this.workload.count; tx++) {
      const state = this.state[tx];
      const reason = this.reason[tx] ?? "unknown";
      if (this.acked[tx] === 1) {
        if (state === STATE_LANDED) ackedOutcomes.landed++;
        else if (state === STATE_EXECUTED_WITH_ERROR) ackedOutcomes.executedWithError++;
        else if (state === STATE_DROPPED) ackedOutcomes.dropped++;
        else if (state === STATE_PENDING || state === STATE_UNKNOWN_AT_CRASH) ackedOutcomes.unknown++;
        else ackedOutcomes.other++;
      }
      if (
        this.restart !== null &&
        state === STATE_LANDED &&
        this.executedEpoch[tx] === 1 &&
        this.firstSendMs[tx] >= this.restart.restartedAtMs
      )
        this.restart.landedAfterRestart++;
      if (state === STATE_REFUSED) bump(refused, reason);
      else if (state === STATE_EXECUTED_WITH_ERROR) bump(executedWithError, reason);
      else if (state === STATE_DROPPED) bump(dropped, reason);
      else if (state === STATE_PENDING || state === STATE_UNKNOWN_AT_CRASH) {
        if (this.workload.path[tx] === PATH_RPC) unresolved.rpc++;
        else unresolved.udp++;
      }
    }
    const seconds: SecondSample[] = [];
    for (let second = 0; second < this.secondLatencies.length; second++) {
      const sorted = sortedCopy(this.secondLatencies[second] ?? []);
      seconds.push({
        second,
        landed: sorted.length,
        latencyMsP50: quantileSorted(sorted, 0.5),
        latencyMsP99: quantileSorted(sorted, 0.99),
      });
    }
    return {
      type: "result",
      setupMs: this.setupMs,
      runMs,
      sent: this.sent,
      packets: this.packets,
      acked: this.ackedCount,
      refused,
      landed: this.landedCount,
      landedInWindow: this.landedInWindow,
      executedWithError,
      dropped,
      ackedOutcomes,
      unresolved,
      latencyMs: summarizeLatencies(this.latencyMs, this.latencyCount),
      latencyHistogram: logHistogram(this.latencyMs, this.latencyCount),
      latencyMsByKind: Object.fromEntries(
        KIND_NAMES.map((name, kind) => [name, summarizeLatencies(this.kindLatencies[kind])]),
      ),
      seconds,
      sendLagMsMax: this.sendLagMsMax,
      udpSendErrors: Object.fromEntries(this.udpSendErrors),
      clientCpuMs,
      ledger,
      restart: this.restart,
    };
  }
}
