// @solana/kit against a LocalNode over real HTTP and WebSocket: airdropFactory,
// sendAndConfirmTransactionFactory for a SOL transfer and an SPL token transfer.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  airdropFactory,
  appendTransactionMessageInstructions,
  createSolanaRpc,
  createSolanaRpcSubscriptions,
  createTransactionMessage,
  generateKeyPairSigner,
  getSignatureFromTransaction,
  type Instruction,
  type KeyPairSigner,
  lamports,
  pipe,
  sendAndConfirmTransactionFactory,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
} from "@solana/kit";
import { getCreateAccountInstruction, getTransferSolInstruction } from "@solana-program/system";
import {
  fetchToken,
  getInitializeAccount3Instruction,
  getInitializeMint2Instruction,
  getMintSize,
  getMintToInstruction,
  getTokenSize,
  getTransferInstruction,
  TOKEN_PROGRAM_ADDRESS,
} from "@solana-program/token";
import type { LocalNode } from "../../src/server/local-node.ts";
import { startTestNode } from "../helpers/local-node.ts";

let node: LocalNode;
let rpc: ReturnType<typeof createSolanaRpc>;
let rpcSubscriptions: ReturnType<typeof createSolanaRpcSubscriptions>;
let sendAndConfirm: ReturnType<typeof sendAndConfirmTransactionFactory>;

beforeAll(async () => {
  node = await startTestNode({ slotMs: 50 });
  rpc = createSolanaRpc(node.httpUrl);
  rpcSubscriptions = createSolanaRpcSubscriptions(node.wsUrl);
  sendAndConfirm = sendAndConfirmTransactionFactory({ rpc, rpcSubscriptions } as never);
});
afterAll(async () => {
  await node.stop();
});

async function fundedSigner(amountLamports: bigint): Promise<KeyPairSigner> {
  const signer = await generateKeyPairSigner();
  await airdropFactory({ rpc, rpcSubscriptions } as never)({
    recipientAddress: signer.address,
    lamports: lamports(amountLamports),
    commitment: "confirmed",
  });
  return signer;
}

async function sendInstructions(payer: KeyPairSigner, instructions: Instruction[]) {
  const { value: latestBlockhash } = await rpc.getLatestBlockhash({ commitment: "confirmed" }).send();
  const message = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(payer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash(latestBlockhash, m),
    (m) => appendTransactionMessageInstructions(instructions, m),
  );
  const transaction = await signTransactionMessageWithSigners(message);
  await sendAndConfirm(transaction as never, { commitment: "confirmed" });
  return getSignatureFromTransaction(transaction);
}

describe("@solana/kit", () => {
  test("airdrop and SOL transfer, balances to the lamport", async () => {
    const payer = await fundedSigner(1_000_000_000n);
    const recipient = await generateKeyPairSigner();
    expect(BigInt((await rpc.getBalance(payer.address).send()).value)).toBe(1_000_000_000n);
    const amount = 10_000_000n;
    await sendInstructions(payer, [
      getTransferSolInstruction({ source: payer, destination: recipient.address, amount }),
    ]);
    expect(BigInt((await rpc.getBalance(recipient.address).send()).value)).toBe(amount);
    expect(BigInt((await rpc.getBalance(payer.address).send()).value)).toBe(1_000_000_000n - amount - 5000n);
  });

  test("SPL token: create mint and accounts, mintTo, transfer", async () => {
    const payer = await fundedSigner(5_000_000_000n);
    const mint = await generateKeyPairSigner();
    const sourceAccount = await generateKeyPairSigner();
    const destinationAccount = await generateKeyPairSigner();
    const owner = await generateKeyPairSigner();
    const mintRent = await rpc.getMinimumBalanceForRentExemption(BigInt(getMintSize())).send();
    const tokenRent = await rpc.getMinimumBalanceForRentExemption(BigInt(getTokenSize())).send();
    await sendInstructions(payer, [
      getCreateAccountInstruction({
        payer,
        newAccount: mint,
        lamports: mintRent,
        space: getMintSize(),
        programAddress: TOKEN_PROGRAM_ADDRESS,
      }),
      getInitializeMint2Instruction({ mint: mint.address, decimals: 6, mintAuthority: payer.address }),
      ...[sourceAccount, destinationAccount].flatMap((account) => [
        getCreateAccountInstruction({
          payer,
          newAccount: account,
          lamports: tokenRent,
          space: getTokenSize(),
          programAddress: TOKEN_PROGRAM_ADDRESS,
        }),
        getInitializeAccount3Instruction({
          account: account.address,
          mint: mint.address,
          owner: owner.address,
        }),
      ]),
    ]);
    await sendInstructions(payer, [
      getMintToInstruction({
        mint: mint.address,
        token: sourceAccount.address,
        mintAuthority: payer,
        amount: 1_000_000n,
      }),
    ]);
    await sendInstructions(payer, [
      getTransferInstruction({
        source: sourceAccount.address,
        destination: destinationAccount.address,
        authority: owner,
        amount: 250_000n,
      }),
    ]);
    const source = await fetchToken(rpc, sourceAccount.address);
    const destination = await fetchToken(rpc, destinationAccount.address);
    expect(source.data.amount).toBe(750_000n);
    expect(destination.data.amount).toBe(250_000n);
    const info = await rpc.getAccountInfo(mint.address, { encoding: "base64" }).send();
    expect(info.value?.owner).toBe(TOKEN_PROGRAM_ADDRESS);
    expect(info.value?.space).toBe(BigInt(getMintSize()));
  });
});
