// The trading cache in a real embedded `outrider run --enable-trading-cache`: web3.js reads are
// served from it (hits counted) and always show the bank's latest write; SIGHUP changes its byte bound
// live (accounts.cache_bytes_max), as an operator resizes it without a restart.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  SystemProgram,
  sendAndConfirmTransaction,
  Transaction,
} from "@solana/web3.js";
import { startOutrider } from "../helpers/outrider-process.ts";

const directory = mkdtempSync(join(tmpdir(), "outrider-account-cache-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function waitForMetric(read: () => Promise<number>, wanted: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (value !== wanted && Date.now() < deadline) {
    await Bun.sleep(50);
    value = await read();
  }
  return value;
}

test("embedded: reads hit the cache and follow every write; SIGHUP resizes it live", async () => {
  const file = join(directory, "outrider.toml");
  writeFileSync(file, "[accounts]\ncache_bytes_max = 67108864\n");
  const node = await startOutrider(["--config", file, "--enable-trading-cache"]);
  try {
    const connection = new Connection(node.rpcUrl, { wsEndpoint: node.pubsubUrl, commitment: "confirmed" });
    const payer = Keypair.generate();
    const funding = await connection.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL);
    await connection.confirmTransaction({ signature: funding, ...(await connection.getLatestBlockhash()) });
    const hits = () => node.metric('outrider_accounts_cache_lookups_total{result="hit",kind="other"}');
    const before = await hits();
    for (let read = 0; read < 10; read++)
      expect(await connection.getBalance(payer.publicKey)).toBe(LAMPORTS_PER_SOL);
    expect(await waitForMetric(hits, before + 9)).toBeGreaterThanOrEqual(before + 9);
    const recipient = Keypair.generate();
    await sendAndConfirmTransaction(
      connection,
      new Transaction().add(
        SystemProgram.transfer({
          fromPubkey: payer.publicKey,
          toPubkey: recipient.publicKey,
          lamports: 1_000_000,
        }),
      ),
      [payer],
    );
    expect(await connection.getBalance(payer.publicKey)).toBe(LAMPORTS_PER_SOL - 1_000_000 - 5000);
    expect(await connection.getBalance(recipient.publicKey)).toBe(1_000_000);

    const capacity = () => node.metric("outrider_accounts_cache_capacity_bytes");
    expect(await waitForMetric(capacity, 67_108_864)).toBe(67_108_864);
    writeFileSync(file, "[accounts]\ncache_bytes_max = 33554432\n");
    node.child.kill("SIGHUP");
    expect(await waitForMetric(capacity, 33_554_432)).toBe(33_554_432);
    expect(node.stderr()).toContain('"applied":["accounts.cache_bytes_max"]');
  } finally {
    expect(await node.stop("SIGTERM")).toBe(0);
  }
});
