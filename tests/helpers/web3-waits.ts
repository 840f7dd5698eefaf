// What the e2e suites do with @solana/web3.js against a running companion: fund a new keypair by
// airdrop (confirmed), and poll getSignatureStatuses until a signature has a status (executed or
// dropped, with Outrider's outriderDropped field when dropped); send a transfer and wait until processed.
import {
  type Connection,
  Keypair,
  type PublicKey,
  SystemProgram,
  sendAndConfirmTransaction,
  Transaction,
} from "@solana/web3.js";

export async function fundedKeypair(connection: Connection, lamports: number): Promise<Keypair> {
  const keypair = Keypair.generate();
  const signature = await connection.requestAirdrop(keypair.publicKey, lamports);
  const latest = await connection.getLatestBlockhash();
  await connection.confirmTransaction({ signature, ...latest }, "confirmed");
  return keypair;
}

export async function waitForStatus(connection: Connection, signature: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { value } = await connection.getSignatureStatuses([signature], { searchTransactionHistory: true });
    if (value[0]) return value[0] as (typeof value)[0] & { outriderDropped?: { reason: string } };
    await Bun.sleep(50);
  }
  throw new Error(`no status for ${signature} within ${timeoutMs} ms`);
}

/** Sends a SOL transfer through `connection` and waits until it is processed. */
export async function transferAndConfirm(
  connection: Connection,
  from: Keypair,
  to: PublicKey,
  lamports: number,
): Promise<void> {
  const transaction = new Transaction().add(
    SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to, lamports }),
  );
  await sendAndConfirmTransaction(connection, transaction, [from], { commitment: "processed" });
}

/**
 * Reads `read()` continuously (every 2 ms) while `change()` runs, then until it returns `expected`
 * (at most `timeoutMs` more); returns every value read, in order, for the caller to check.
 */
export async function readThroughChange(
  read: () => Promise<number>,
  change: () => Promise<void>,
  expected: number,
  timeoutMs = 5_000,
): Promise<number[]> {
  const seen: number[] = [];
  let reading = true;
  const reader = (async () => {
    while (reading) {
      seen.push(await read());
      await Bun.sleep(2);
    }
  })();
  await change();
  const deadline = Date.now() + timeoutMs;
  while (seen[seen.length - 1] !== expected && Date.now() < deadline) await Bun.sleep(10);
  reading = false;
  await reader;
  return seen;
}
