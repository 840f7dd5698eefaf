// programSubscribe on the embedded node, over real WebSocket with @solana/web3.js's own client
// (Connection.onProgramAccountChange): a transfer notifies the System-program accounts it wrote, with
// their new lamports at the executing slot; dataSize / memcmp filters narrow it; bad filters are -32602;
// a confirmed subscription waits for its slot; unsubscribe stops it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  type AccountInfo,
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  type PublicKey,
  SystemProgram,
  Transaction,
} from "@solana/web3.js";
import type { LocalNode } from "../../src/server/local-node.ts";
import { rpcCall, startTestNode } from "../helpers/local-node.ts";

let node: LocalNode;
let connection: Connection;

beforeAll(async () => {
  node = await startTestNode({ slotMs: 0 });
  connection = new Connection(node.httpUrl, { wsEndpoint: node.wsUrl, commitment: "processed" });
});
afterAll(async () => {
  await node.stop();
});

async function fundedPayer(): Promise<Keypair> {
  const payer = Keypair.generate();
  await rpcCall(node.httpUrl, {
    jsonrpc: "2.0",
    id: 1,
    method: "requestAirdrop",
    params: [payer.publicKey.toBase58(), LAMPORTS_PER_SOL],
  });
  return payer;
}

async function transfer(payer: Keypair, to: PublicKey, lamports: number): Promise<number> {
  const transaction = new Transaction().add(
    SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports }),
  );
  transaction.recentBlockhash = node.bank.latestBlockhash().blockhash;
  transaction.feePayer = payer.publicKey;
  transaction.sign(payer);
  const signature = await connection.sendRawTransaction(transaction.serialize(), { skipPreflight: true });
  await connection.confirmTransaction({ signature, ...node.bank.latestBlockhash() } as never, "processed");
  return node.bank.slot;
}

type Seen = { pubkey: string; lamports: number; slot: number; dataLength: number };

function collect(filters?: Parameters<Connection["onProgramAccountChange"]>[3], commitment = "processed") {
  const seen: Seen[] = [];
  const id = connection.onProgramAccountChange(
    SystemProgram.programId,
    (info: { accountId: PublicKey; accountInfo: AccountInfo<Buffer> }, context) => {
      seen.push({
        pubkey: info.accountId.toBase58(),
        lamports: info.accountInfo.lamports,
        slot: context.slot,
        dataLength: info.accountInfo.data.length,
      });
    },
    commitment as never,
    filters,
  );
  return { seen, id };
}

async function waitFor(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error("timed out waiting for a notification");
    await Bun.sleep(10);
  }
}

describe("programSubscribe (embedded node)", () => {
  test("a transfer notifies both written System accounts with their new state; unsubscribe stops it", async () => {
    const { seen, id } = collect();
    const memcmpNone = collect([{ memcmp: { offset: 0, bytes: "2" } }]); // data is empty: never matches
    const sized = collect([{ dataSize: 0 }]);
    await Bun.sleep(100); // the subscriptions are confirmed
    const payer = await fundedPayer();
    const recipient = Keypair.generate();
    const slot = await transfer(payer, recipient.publicKey, 3_000_000);
    await waitFor(() => seen.some((s) => s.pubkey === recipient.publicKey.toBase58()));
    await waitFor(() => sized.seen.length >= 2);
    const toRecipient = seen.find((s) => s.pubkey === recipient.publicKey.toBase58())!;
    expect(toRecipient).toEqual({
      pubkey: recipient.publicKey.toBase58(),
      lamports: 3_000_000,
      slot,
      dataLength: 0,
    });
    // The payer was notified for its airdrop too; the transfer's notification carries its new balance.
    const balance = await connection.getBalance(payer.publicKey, "processed");
    await waitFor(() => seen.some((s) => s.pubkey === payer.publicKey.toBase58() && s.slot === slot));
    const toPayer = seen.filter((s) => s.pubkey === payer.publicKey.toBase58()).at(-1)!;
    expect(toPayer.lamports).toBe(balance);
    expect(balance).toBeLessThan(LAMPORTS_PER_SOL - 3_000_000);
    expect(memcmpNone.seen).toEqual([]);
    await connection.removeProgramAccountChangeListener(id);
    await connection.removeProgramAccountChangeListener(memcmpNone.id);
    await connection.removeProgramAccountChangeListener(sized.id);
    await Bun.sleep(100);
    const before = seen.length;
    await transfer(payer, recipient.publicKey, 1_000_000);
    await Bun.sleep(200);
    expect(seen.length).toBe(before);
  });

  test("a confirmed subscription is notified only once its slot is confirmed", async () => {
    const { seen, id } = collect(undefined, "confirmed");
    await Bun.sleep(100);
    const payer = await fundedPayer();
    const recipient = Keypair.generate();
    await transfer(payer, recipient.publicKey, 2_000_000);
    await Bun.sleep(200);
    expect(seen.filter((s) => s.pubkey === recipient.publicKey.toBase58())).toEqual([]);
    node.bank.advanceSlot();
    await waitFor(() => seen.some((s) => s.pubkey === recipient.publicKey.toBase58()));
    expect(seen.find((s) => s.pubkey === recipient.publicKey.toBase58())!.lamports).toBe(2_000_000);
    await connection.removeProgramAccountChangeListener(id);
  });

  test("bad program id or filters are invalid params", async () => {
    const socket = new WebSocket(node.wsUrl);
    await new Promise((resolve) => {
      socket.onopen = resolve;
    });
    const answers: { error?: { code: number } }[] = [];
    socket.onmessage = (event) => answers.push(JSON.parse(String(event.data)));
    const program = SystemProgram.programId.toBase58();
    const bad = [
      ["nope"],
      [program, { filters: "x" }],
      [program, { filters: [{ memcmp: { offset: -1, bytes: "2" } }] }],
      [program, { filters: [{ memcmp: { offset: 0, bytes: "0OIl" } }] }],
      [program, { filters: [{ memcmp: { offset: 0, bytes: "AA==", encoding: "hex" } }] }],
      [
        program,
        { filters: [{ dataSize: 1 }, { dataSize: 1 }, { dataSize: 1 }, { dataSize: 1 }, { dataSize: 1 }] },
      ],
      [program, { filters: [{ other: 1 }] }],
    ];
    for (const [index, params] of bad.entries())
      socket.send(JSON.stringify({ jsonrpc: "2.0", id: index + 1, method: "programSubscribe", params }));
    await waitFor(() => answers.length === bad.length);
    for (const answer of answers) expect(answer.error?.code).toBe(-32602);
    socket.close();
  });
});
