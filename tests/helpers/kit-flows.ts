// Client flows written with @solana/kit exactly as a bot writes them, shared by the tests
// that run them against the in-process LocalNode and against a real `outrider run`.
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

export interface KitClient {
  rpc: ReturnType<typeof createSolanaRpc>;
  rpcSubscriptions: ReturnType<typeof createSolanaRpcSubscriptions>;
  sendAndConfirm: ReturnType<typeof sendAndConfirmTransactionFactory>;
}

export function kitClient(httpUrl: string, wsUrl: string): KitClient {
  const rpc = createSolanaRpc(httpUrl);
  const rpcSubscriptions = createSolanaRpcSubscriptions(wsUrl);
  return {
    rpc,
    rpcSubscriptions,
    sendAndConfirm: sendAndConfirmTransactionFactory({ rpc, rpcSubscriptions } as never),
  };
}

export async function fundedSigner(client: KitClient, amountLamports: bigint): Promise<KeyPairSigner> {
  const signer = await generateKeyPairSigner();
  await airdropFactory({ rpc: client.rpc, rpcSubscriptions: client.rpcSubscriptions } as never)({
    recipientAddress: signer.address,
    lamports: lamports(amountLamports),
    commitment: "confirmed",
  });
  return signer;
}

export async function sendInstructions(client: KitClient, payer: KeyPairSigner, instructions: Instruction[]) {
  const { value: latestBlockhash } = await client.rpc.getLatestBlockhash({ commitment: "confirmed" }).send();
  const message = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(payer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash(latestBlockhash, m),
    (m) => appendTransactionMessageInstructions(instructions, m),
  );
  const transaction = await signTransactionMessageWithSigners(message);
  await client.sendAndConfirm(transaction as never, { commitment: "confirmed" });
  return getSignatureFromTransaction(transaction);
}

/** Airdrop and a SOL transfer; returns the balances the caller checks to the lamport. */
export async function solTransferFlow(client: KitClient, amount: bigint) {
  const payer = await fundedSigner(client, 1_000_000_000n);
  const recipient = await generateKeyPairSigner();
  const payerFunded = BigInt((await client.rpc.getBalance(payer.address).send()).value);
  await sendInstructions(client, payer, [
    getTransferSolInstruction({ source: payer, destination: recipient.address, amount }),
  ]);
  return {
    payerFunded,
    recipientAfter: BigInt((await client.rpc.getBalance(recipient.address).send()).value),
    payerAfter: BigInt((await client.rpc.getBalance(payer.address).send()).value),
  };
}

/** Creates a mint and two token accounts, mints 1_000_000 and transfers 250_000; returns the amounts. */
export async function splTransferFlow(client: KitClient) {
  const { rpc } = client;
  const payer = await fundedSigner(client, 5_000_000_000n);
  const mint = await generateKeyPairSigner();
  const sourceAccount = await generateKeyPairSigner();
  const destinationAccount = await generateKeyPairSigner();
  const owner = await generateKeyPairSigner();
  const mintRent = await rpc.getMinimumBalanceForRentExemption(BigInt(getMintSize())).send();
  const tokenRent = await rpc.getMinimumBalanceForRentExemption(BigInt(getTokenSize())).send();
  await sendInstructions(client, payer, [
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
  await sendInstructions(client, payer, [
    getMintToInstruction({
      mint: mint.address,
      token: sourceAccount.address,
      mintAuthority: payer,
      amount: 1_000_000n,
    }),
  ]);
  await sendInstructions(client, payer, [
    getTransferInstruction({
      source: sourceAccount.address,
      destination: destinationAccount.address,
      authority: owner,
      amount: 250_000n,
    }),
  ]);
  const info = await rpc.getAccountInfo(mint.address, { encoding: "base64" }).send();
  return {
    sourceAmount: (await fetchToken(rpc, sourceAccount.address)).data.amount,
    destinationAmount: (await fetchToken(rpc, destinationAccount.address)).data.amount,
    mintOwner: info.value?.owner,
    mintSpace: info.value?.space,
    expectedMintOwner: TOKEN_PROGRAM_ADDRESS,
    expectedMintSpace: BigInt(getMintSize()),
  };
}
