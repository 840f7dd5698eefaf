// Upstream mode with program-wide coherency (upstream.market_programs), two real processes: an
// `outrider run` on its embedded SVM plays the node, a second one stands in front of it with the trading
// cache and one followed program. The followed program here is the System program, because it owns the
// accounts plain transfers change (a deployment lists its DEX programs). The front holds one
// programSubscribe on the node and no accountSubscribe for the accounts that program owns; repeated reads
// are cache hits; a change on the node reaches the front through the program's notifications and is
// served new, never older, without asking the node again.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Connection, Keypair, LAMPORTS_PER_SOL, type PublicKey } from "@solana/web3.js";
import { type OutriderProcess, startOutrider, waitForMetric } from "../helpers/outrider-process.ts";
import { fundedKeypair, readThroughChange, transferAndConfirm } from "../helpers/web3-waits.ts";

const SYSTEM_PROGRAM = "11111111111111111111111111111111";
let node: OutriderProcess;
let front: OutriderProcess;
let connection: Connection;
let nodeConnection: Connection;
const directory = mkdtempSync(join(tmpdir(), "outrider-upstream-programs-"));
const configFile = join(directory, "front.toml");

beforeAll(async () => {
  // A TOML file: `--set` would read the all-digit System program id as a number.
  writeFileSync(configFile, `[upstream]\nmarket_programs = ["${SYSTEM_PROGRAM}"]\n`);
  node = await startOutrider();
  front = await startOutrider([
    "--upstream",
    node.rpcUrl,
    "--upstream-ws",
    node.pubsubUrl,
    "--enable-trading-cache",
    "--config",
    configFile,
  ]);
  connection = new Connection(front.rpcUrl, { wsEndpoint: front.pubsubUrl, commitment: "processed" });
  nodeConnection = new Connection(node.rpcUrl, { wsEndpoint: node.pubsubUrl, commitment: "processed" });
});
afterAll(async () => {
  if (front?.child.exitCode === null) await front.stop();
  if (node?.child.exitCode === null) await node.stop();
  rmSync(directory, { recursive: true, force: true });
});

/** Sends a transfer straight to the node (not through the front) and waits until it is processed. */
const transferOnNode = (from: Keypair, to: PublicKey, lamports: number) =>
  transferAndConfirm(nodeConnection, from, to, lamports);

const HIT = 'outrider_accounts_cache_lookups_total{result="hit",kind="other"}';
const NODE_READS = 'outrider_rpc_requests_received_total{method="getMultipleAccounts"}';
const ACCOUNT_SUBSCRIPTIONS = 'outrider_upstream_subscriptions_active{kind="account"}';

describe("outrider run --upstream with upstream.market_programs", () => {
  test("one programSubscribe keeps the followed program's accounts coherent, with no accountSubscribe of their own", async () => {
    expect(await waitForMetric(front, 'outrider_upstream_subscriptions_active{kind="program"}', 1)).toBe(1);
    const owner = await fundedKeypair(nodeConnection, LAMPORTS_PER_SOL);
    expect(await connection.getBalance(owner.publicKey)).toBe(LAMPORTS_PER_SOL);
    await waitForMetric(front, 'outrider_accounts_cache_entries{kind="other"}', 1);
    // The account's own subscription (made before its owner was known) is released once the load
    // showed the program covers it.
    const deadline = Date.now() + 5_000;
    while ((await front.metric(ACCOUNT_SUBSCRIPTIONS)) > 0 && Date.now() < deadline) await Bun.sleep(25);
    expect(await front.metric(ACCOUNT_SUBSCRIPTIONS)).toBe(0);

    const hitsBefore = await front.metric(HIT);
    for (let read = 0; read < 10; read++)
      expect(await connection.getBalance(owner.publicKey)).toBe(LAMPORTS_PER_SOL);
    expect(await waitForMetric(front, HIT, hitsBefore + 10)).toBeGreaterThanOrEqual(hitsBefore + 10);

    // Changes on the node: the front follows them through the program's notifications only.
    const nodeReadsBefore = await node.metric(NODE_READS);
    const sink = Keypair.generate().publicKey;
    const expected = LAMPORTS_PER_SOL - 300_000_000 - 2 * 5000;
    const seen = await readThroughChange(
      () => connection.getBalance(owner.publicKey),
      async () => {
        for (const lamports of [100_000_000, 200_000_000]) await transferOnNode(owner, sink, lamports);
      },
      expected,
    );
    expect(seen[seen.length - 1]).toBe(expected);
    for (let index = 1; index < seen.length; index++)
      expect(seen[index]).toBeLessThanOrEqual(seen[index - 1]);
    // Every read was served by the front's cache: the node was not asked for the account again.
    expect(await node.metric(NODE_READS)).toBe(nodeReadsBefore);
    expect(await front.metric(ACCOUNT_SUBSCRIPTIONS)).toBe(0);
    expect(
      await front.metric('outrider_accounts_cache_updates_total{source="notification"}'),
    ).toBeGreaterThanOrEqual(1);
  }, 30_000);
});
