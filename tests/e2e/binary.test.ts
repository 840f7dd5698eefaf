// The compiled binary, as an operator deploys it: built with `make build`'s script, run
// from another directory with no Bun and no source tree next to it; it serves a transfer
// over UDP and stops cleanly on SIGTERM.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Connection, Keypair, LAMPORTS_PER_SOL, SystemProgram, Transaction } from "@solana/web3.js";
import { base58Encode } from "../../src/tx/base58.ts";
import { REPO_ROOT } from "../helpers/cli.ts";
import { startOutrider } from "../helpers/outrider-process.ts";

const binary = join(REPO_ROOT, "dist", "outrider");
const elsewhere = mkdtempSync(join(tmpdir(), "outrider-binary-"));

beforeAll(() => {
  const build = Bun.spawnSync([process.execPath, "scripts/build.ts"], {
    cwd: REPO_ROOT,
    stderr: "pipe",
    stdout: "pipe",
  });
  if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`);
});
afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

describe("dist/outrider", () => {
  test("--help and version work from another directory", () => {
    const help = Bun.spawnSync([binary, "--help"], { cwd: elsewhere });
    expect(help.exitCode).toBe(0);
    expect(help.stdout.toString()).toContain("usage: outrider <command>");
    const version = Bun.spawnSync([binary, "version", "--json"], { cwd: elsewhere });
    expect(JSON.parse(version.stdout.toString()).outrider).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test("runs the pipeline: a UDP transfer executes; SIGTERM exits 0", async () => {
    const node = await startOutrider([], { binary, cwd: elsewhere });
    try {
      const connection = new Connection(node.rpcUrl, { wsEndpoint: node.pubsubUrl, commitment: "confirmed" });
      const payer = Keypair.generate();
      const airdrop = await connection.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL);
      await connection.confirmTransaction({ signature: airdrop, ...(await connection.getLatestBlockhash()) });
      const recipient = Keypair.generate();
      const transaction = new Transaction().add(
        SystemProgram.transfer({
          fromPubkey: payer.publicKey,
          toPubkey: recipient.publicKey,
          lamports: 2_000_000,
        }),
      );
      transaction.recentBlockhash = (await connection.getLatestBlockhash()).blockhash;
      transaction.feePayer = payer.publicKey;
      transaction.sign(payer);
      const udp = await Bun.udpSocket({});
      udp.send(transaction.serialize(), node.tpuPort, node.tpuHost);
      const signature = base58Encode(new Uint8Array(transaction.signatures[0].signature!));
      let status = null;
      for (let attempt = 0; attempt < 200 && !status; attempt++) {
        status = (await connection.getSignatureStatuses([signature])).value[0];
        if (!status) await Bun.sleep(50);
      }
      udp.close();
      expect(status?.err).toBeNull();
      expect(await connection.getBalance(recipient.publicKey, "processed")).toBe(2_000_000);
      const stageStatus = (await (await fetch(`${node.rpcUrl}/status`)).json()) as {
        native: { available: boolean };
        stages: { detail?: { verifier?: string } }[];
      };
      expect(stageStatus.native.available).toBe(true);
      expect(stageStatus.stages.some((stage) => stage.detail?.verifier === "native-libsodium")).toBe(true);
    } finally {
      expect(await node.stop("SIGTERM")).toBe(0);
    }
  });
});
