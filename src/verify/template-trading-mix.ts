// A trading-like transaction mix for measuring the template cache's hit rate (tests and bench): many
// bots, each with its own fee payer, accounts and compute-budget habit (none, price only, limit + price),
// sending SOL transfers, SPL Token transfers and fixed-width memo orders built by @solana/web3.js, with
// a share of one-off transactions of random shape as noise. Deterministic for a seed. Signatures are
// left zero (the template cache never reads them); building allocates freely — it is not a hot path.
import {
  ComputeBudgetProgram,
  PublicKey,
  SystemProgram,
  Transaction,
  TransactionInstruction,
} from "@solana/web3.js";

export const TOKEN_PROGRAM_ADDRESS = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
export const MEMO_PROGRAM_ADDRESS = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr";

export interface TradingMixOptions {
  transactionCount: number;
  botCount?: number;
  /** Share of one-off transactions of random shape, 0..1. */
  noiseShare?: number;
  seed?: number;
}

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function randomKey(random: () => number): PublicKey {
  const bytes = new Uint8Array(32);
  for (let index = 0; index < 32; index++) bytes[index] = Math.floor(random() * 256);
  return new PublicKey(bytes);
}

function u64Data(tag: number, value: bigint): Buffer {
  const data = Buffer.alloc(9);
  data[0] = tag;
  data.writeBigUInt64LE(value, 1);
  return data;
}

/** Wire bytes of a legacy transaction with zeroed signatures. */
function wireBytes(transaction: Transaction): Uint8Array {
  const message = transaction.compileMessage();
  const messageBytes = message.serialize();
  const signatureCount = message.header.numRequiredSignatures;
  const out = new Uint8Array(1 + signatureCount * 64 + messageBytes.length);
  out[0] = signatureCount;
  out.set(messageBytes, 1 + signatureCount * 64);
  return out;
}

export function tradingMix(options: TradingMixOptions): Uint8Array[] {
  const random = prng(options.seed ?? 1);
  const botCount = options.botCount ?? 256;
  const noiseShare = options.noiseShare ?? 0.1;
  const tokenProgram = new PublicKey(TOKEN_PROGRAM_ADDRESS);
  const memoProgram = new PublicKey(MEMO_PROGRAM_ADDRESS);
  const bots = Array.from({ length: botCount }, () => ({
    payer: randomKey(random),
    tokenAccount: randomKey(random),
    budgetStyle: Math.floor(random() * 3),
  }));
  const destinations = Array.from({ length: 512 }, () => randomKey(random));
  const blockhashes = Array.from({ length: 8 }, () => randomKey(random).toBase58());
  const out: Uint8Array[] = [];
  for (let index = 0; index < options.transactionCount; index++) {
    const bot = bots[Math.floor(random() * botCount)];
    const transaction = new Transaction({
      feePayer: bot.payer,
      recentBlockhash: blockhashes[Math.floor(random() * blockhashes.length)],
    });
    if (random() < noiseShare) {
      const instructionCount = 1 + Math.floor(random() * 3);
      for (let instruction = 0; instruction < instructionCount; instruction++) {
        const keys = Array.from({ length: Math.floor(random() * 4) }, () => ({
          pubkey: randomKey(random),
          isSigner: false,
          isWritable: random() < 0.5,
        }));
        const data = Buffer.alloc(Math.floor(random() * 40));
        for (let byte = 0; byte < data.length; byte++) data[byte] = Math.floor(random() * 256);
        transaction.add(new TransactionInstruction({ programId: randomKey(random), keys, data }));
      }
      out.push(wireBytes(transaction));
      continue;
    }
    if (bot.budgetStyle === 2) {
      transaction.add(
        ComputeBudgetProgram.setComputeUnitLimit({ units: 1000 + Math.floor(random() * 200_000) }),
      );
    }
    if (bot.budgetStyle >= 1) {
      transaction.add(
        ComputeBudgetProgram.setComputeUnitPrice({ microLamports: BigInt(Math.floor(random() * 1e9)) }),
      );
    }
    const destination = destinations[Math.floor(random() * destinations.length)];
    const kind = random();
    if (kind < 0.45) {
      transaction.add(
        SystemProgram.transfer({
          fromPubkey: bot.payer,
          toPubkey: destination,
          lamports: 1 + Math.floor(random() * 1e9),
        }),
      );
    } else if (kind < 0.8) {
      transaction.add(
        new TransactionInstruction({
          programId: tokenProgram,
          keys: [
            { pubkey: bot.tokenAccount, isSigner: false, isWritable: true },
            { pubkey: destination, isSigner: false, isWritable: true },
            { pubkey: bot.payer, isSigner: true, isWritable: false },
          ],
          data: u64Data(3, BigInt(1 + Math.floor(random() * 1e12))),
        }),
      );
    } else {
      const orderId = String(Math.floor(random() * 1e8)).padStart(8, "0");
      transaction.add(
        new TransactionInstruction({
          programId: memoProgram,
          keys: [{ pubkey: bot.payer, isSigner: true, isWritable: false }],
          data: Buffer.from(`ord:${orderId}`),
        }),
      );
    }
    out.push(wireBytes(transaction));
  }
  return out;
}
