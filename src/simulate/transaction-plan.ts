// What each generated transaction does, in terms of accounts of the AccountLayout: the one source of
// truth for both the load client (which turns a plan into signed wire bytes) and the workload
// statistics (which read its lock set). Every kind is real work on the embedded SVM:
//   swap       token A → pool vault A and token B → pool vault B of one market (SPL TransferChecked ×2)
//   order      token A → the market's book account, plus a memo naming the order
//   arbitrage  token A → vault A of one market, token B → vault B of another
//   transfer   SOL to another bot, SOL to a fresh (cold) address, or token A to a cold token account
//   oracle     SOL (1 + n lamports) to the market's oracle account, plus a memo with the price
// Amounts carry the transaction's index, so no two transactions have the same message (and signature).
// A "no funds" transaction is a SOL transfer from a payer that was never funded.
import {
  BAD_NO_FUNDS,
  type SimWorkload,
  TARGET_BOT,
  TARGET_COLD_TOKEN,
  TARGET_FRESH_ADDRESS,
} from "./workload.ts";

/** Lamports that make a 0-byte system account rent-exempt (a transfer creating one must send at least this). */
export const RENT_EXEMPT_SYSTEM_ACCOUNT_LAMPORTS = 890_880n;
export const TOKEN_DECIMALS = 6;
/** Base fee per signature (every run transaction has one signature). */
export const LAMPORTS_PER_SIGNATURE = 5000n;

export type PlannedInstruction =
  | { op: "transfer"; from: number; to: number; lamports: bigint }
  | { op: "tokenTransfer"; source: number; mint: number; destination: number; owner: number; amount: bigint }
  | { op: "memo"; text: string };

export interface TransactionPlan {
  /** Fee payer and only signer. */
  payer: number;
  computeUnitLimit: number;
  computeUnitPriceMicroLamports: bigint;
  instructions: PlannedInstruction[];
}

/** µlamports per CU so that price × limit ≈ the drawn priority fee (floored; the runtime rounds the fee up). */
export function computeUnitPriceFor(priorityFeeLamports: number, computeUnitLimit: number): bigint {
  return BigInt(Math.floor((priorityFeeLamports * 1_000_000) / computeUnitLimit));
}

/** The priority fee the runtime charges: ceil(price × limit ÷ 10⁶) lamports. */
export function priorityFeeCharged(plan: TransactionPlan): bigint {
  return (plan.computeUnitPriceMicroLamports * BigInt(plan.computeUnitLimit) + 999_999n) / 1_000_000n;
}

export function planTransaction(workload: SimWorkload, tx: number): TransactionPlan {
  const layout = workload.layout;
  const bot = workload.bot[tx];
  const market = workload.market[tx];
  const unique = BigInt(tx + 1);
  const computeUnitLimit = workload.computeUnitLimit[tx];
  const computeUnitPriceMicroLamports = computeUnitPriceFor(
    workload.priorityFeeLamports[tx],
    computeUnitLimit,
  );
  const payer = layout.payer(bot);
  const base = { payer, computeUnitLimit, computeUnitPriceMicroLamports };
  if (workload.bad[tx] === BAD_NO_FUNDS) {
    const broke = layout.broke(bot % layout.brokePayers);
    return {
      ...base,
      payer: broke,
      instructions: [{ op: "transfer", from: broke, to: payer, lamports: unique }],
    };
  }
  const tokenIn = (source: number, mint: number, destination: number): PlannedInstruction => ({
    op: "tokenTransfer",
    source,
    mint,
    destination,
    owner: payer,
    amount: unique,
  });
  switch (workload.kind[tx]) {
    case 0: // swap
      return {
        ...base,
        instructions: [
          tokenIn(layout.tokenA(bot), layout.mintA, layout.vaultA(market)),
          tokenIn(layout.tokenB(bot), layout.mintB, layout.vaultB(market)),
        ],
      };
    case 1: // order
      return {
        ...base,
        instructions: [
          tokenIn(layout.tokenA(bot), layout.mintA, layout.book(market)),
          { op: "memo", text: `order m${market} #${tx}` },
        ],
      };
    case 2: // arbitrage
      return {
        ...base,
        instructions: [
          tokenIn(layout.tokenA(bot), layout.mintA, layout.vaultA(market)),
          tokenIn(layout.tokenB(bot), layout.mintB, layout.vaultB(workload.market2[tx])),
        ],
      };
    case 3: {
      const targetKind = workload.targetKind[tx];
      if (targetKind === TARGET_COLD_TOKEN)
        return {
          ...base,
          instructions: [tokenIn(layout.tokenA(bot), layout.mintA, layout.coldToken(workload.target[tx]))],
        };
      if (targetKind === TARGET_FRESH_ADDRESS)
        return {
          ...base,
          instructions: [
            {
              op: "transfer",
              from: payer,
              to: layout.fresh(tx),
              lamports: RENT_EXEMPT_SYSTEM_ACCOUNT_LAMPORTS + unique,
            },
          ],
        };
      if (targetKind !== TARGET_BOT) throw new Error(`transfer ${tx} has no target`);
      return {
        ...base,
        instructions: [
          { op: "transfer", from: payer, to: layout.payer(workload.target[tx]), lamports: unique },
        ],
      };
    }
    default: // oracle
      return {
        ...base,
        instructions: [
          { op: "transfer", from: payer, to: layout.oracle(market), lamports: unique },
          { op: "memo", text: `px m${market} ${(tx * 7919) % 100_000} #${tx}` },
        ],
      };
  }
}

/** The accounts a plan locks, writable flag alongside (the payer first). Programs are left out. */
export function planLocks(plan: TransactionPlan): { accounts: number[]; writable: boolean[] } {
  const accounts: number[] = [plan.payer];
  const writable: boolean[] = [true];
  const add = (account: number, isWritable: boolean) => {
    const at = accounts.indexOf(account);
    if (at < 0) {
      accounts.push(account);
      writable.push(isWritable);
    } else if (isWritable) writable[at] = true;
  };
  for (const instruction of plan.instructions) {
    if (instruction.op === "transfer") {
      add(instruction.from, true);
      add(instruction.to, true);
    } else if (instruction.op === "tokenTransfer") {
      add(instruction.source, true);
      add(instruction.mint, false);
      add(instruction.destination, true);
      add(instruction.owner, false);
    }
  }
  return { accounts, writable };
}
