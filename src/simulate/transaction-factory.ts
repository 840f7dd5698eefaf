// Turns plans into signed wire transactions for the load client: the run's transactions (from
// transaction-plan.ts, with the compute-budget instructions first and the bad variants: a corrupted
// signature, or an unknown blockhash) and the setup transactions that build the market before a run
// (mints, funded bots and oracles, token accounts for bots, pools, books and cold holders).
import type { AccountLayout } from "./account-layout.ts";
import type { SimKeys } from "./keys.ts";
import type { TransactionPlan } from "./transaction-plan.ts";
import { TOKEN_DECIMALS } from "./transaction-plan.ts";
import {
  compileLegacyMessage,
  type Instruction,
  keyHex,
  MINT_ACCOUNT_BYTES,
  memo,
  setComputeUnitLimit,
  setComputeUnitPrice,
  signSingle,
  signTransaction,
  systemCreateAccount,
  systemTransfer,
  TOKEN_ACCOUNT_BYTES,
  TOKEN_PROGRAM_ID,
  tokenInitializeAccount3,
  tokenInitializeMint2,
  tokenMintTo,
  tokenTransferChecked,
} from "./wire-builder.ts";
import { BAD_SIGNATURE } from "./workload.ts";

/** Lamports each bot's fee payer starts with. */
export const BOT_FUNDING_LAMPORTS = 10_000_000_000n;
/** Lamports each oracle account starts with (rent-exempt for 0 bytes, with margin). */
export const ORACLE_FUNDING_LAMPORTS = 10_000_000n;
/** Token units minted into each bot token account. */
export const BOT_TOKEN_UNITS = 1_000_000_000_000_000n;

export interface RentLamports {
  mint: bigint;
  tokenAccount: bigint;
}

export class TransactionFactory {
  constructor(
    private readonly keys: SimKeys,
    private readonly layout: AccountLayout,
  ) {}

  /** A run transaction. `bad` = BAD_SIGNATURE corrupts the signature after signing. */
  build(plan: TransactionPlan, blockhash: Uint8Array, bad: number): Uint8Array {
    const address = (account: number) => this.keys.address(account);
    const instructions: Instruction[] = [
      setComputeUnitLimit(plan.computeUnitLimit),
      setComputeUnitPrice(plan.computeUnitPriceMicroLamports),
    ];
    for (const planned of plan.instructions) {
      if (planned.op === "transfer")
        instructions.push(systemTransfer(address(planned.from), address(planned.to), planned.lamports));
      else if (planned.op === "tokenTransfer")
        instructions.push(
          tokenTransferChecked(
            address(planned.source),
            address(planned.mint),
            address(planned.destination),
            address(planned.owner),
            planned.amount,
            TOKEN_DECIMALS,
          ),
        );
      else instructions.push(memo(planned.text));
    }
    const payer = this.keys.keypair(plan.payer);
    const wire = signSingle(compileLegacyMessage(payer.publicKey, instructions, blockhash), payer.privateKey);
    if (bad === BAD_SIGNATURE) wire[1 + 17] ^= 0x5a;
    return wire;
  }

  private signAll(instructions: Instruction[], blockhash: Uint8Array, signerAccounts: number[]): Uint8Array {
    const funder = this.keys.keypair(this.layout.funder);
    const privateKeys = new Map([[keyHex(funder.publicKey), funder.privateKey]]);
    for (const account of signerAccounts) {
      const keypair = this.keys.keypair(account);
      privateKeys.set(keyHex(keypair.publicKey), keypair.privateKey);
    }
    return signTransaction(compileLegacyMessage(funder.publicKey, instructions, blockhash), privateKeys);
  }

  private createTokenAccount(
    account: number,
    mint: number,
    owner: number,
    rent: RentLamports,
    mintUnits: bigint,
  ): Instruction[] {
    const funder = this.keys.address(this.layout.funder);
    const created = this.keys.address(account);
    const out = [
      systemCreateAccount(funder, created, rent.tokenAccount, TOKEN_ACCOUNT_BYTES, TOKEN_PROGRAM_ID),
      tokenInitializeAccount3(created, this.keys.address(mint), this.keys.address(owner)),
    ];
    if (mintUnits > 0n) out.push(tokenMintTo(this.keys.address(mint), created, funder, mintUnits));
    return out;
  }

  /**
   * Setup in two phases (the second needs the first's mints): [0] mints, bot and oracle funding;
   * [1] token accounts (bots' with their balances; pool vaults, books and cold accounts owned by the funder).
   */
  setupTransactions(blockhash: Uint8Array, rent: RentLamports): Uint8Array[][] {
    const layout = this.layout;
    const funder = this.keys.address(layout.funder);
    const phase1: Uint8Array[] = [];
    for (const mint of [layout.mintA, layout.mintB]) {
      const mintKey = this.keys.address(mint);
      phase1.push(
        this.signAll(
          [
            systemCreateAccount(funder, mintKey, rent.mint, MINT_ACCOUNT_BYTES, TOKEN_PROGRAM_ID),
            tokenInitializeMint2(mintKey, TOKEN_DECIMALS, funder),
          ],
          blockhash,
          [mint],
        ),
      );
    }
    const fundings: Instruction[] = [];
    for (let bot = 0; bot < layout.bots; bot++)
      fundings.push(systemTransfer(funder, this.keys.address(layout.payer(bot)), BOT_FUNDING_LAMPORTS));
    for (let market = 0; market < layout.markets; market++)
      fundings.push(
        systemTransfer(funder, this.keys.address(layout.oracle(market)), ORACLE_FUNDING_LAMPORTS),
      );
    const TRANSFERS_PER_TRANSACTION = 20;
    for (let at = 0; at < fundings.length; at += TRANSFERS_PER_TRANSACTION)
      phase1.push(this.signAll(fundings.slice(at, at + TRANSFERS_PER_TRANSACTION), blockhash, []));

    const phase2: Uint8Array[] = [];
    for (let bot = 0; bot < layout.bots; bot++) {
      const owner = layout.payer(bot);
      phase2.push(
        this.signAll(
          [
            ...this.createTokenAccount(layout.tokenA(bot), layout.mintA, owner, rent, BOT_TOKEN_UNITS),
            ...this.createTokenAccount(layout.tokenB(bot), layout.mintB, owner, rent, BOT_TOKEN_UNITS),
          ],
          blockhash,
          [layout.tokenA(bot), layout.tokenB(bot)],
        ),
      );
    }
    const funderOwned: [number, number][] = [];
    for (let market = 0; market < layout.markets; market++)
      funderOwned.push(
        [layout.vaultA(market), layout.mintA],
        [layout.vaultB(market), layout.mintB],
        [layout.book(market), layout.mintA],
      );
    for (let cold = 0; cold < layout.coldTokenAccounts; cold++)
      funderOwned.push([layout.coldToken(cold), layout.mintA]);
    const ACCOUNTS_PER_TRANSACTION = 4;
    for (let at = 0; at < funderOwned.length; at += ACCOUNTS_PER_TRANSACTION) {
      const group = funderOwned.slice(at, at + ACCOUNTS_PER_TRANSACTION);
      phase2.push(
        this.signAll(
          group.flatMap(([account, mint]) => this.createTokenAccount(account, mint, layout.funder, rent, 0n)),
          blockhash,
          group.map(([account]) => account),
        ),
      );
    }
    return [phase1, phase2];
  }

  /** Lamports the funder needs for the whole setup. */
  setupLamports(rent: RentLamports): bigint {
    const layout = this.layout;
    const tokenAccounts = BigInt(2 * layout.bots + 3 * layout.markets + layout.coldTokenAccounts);
    return (
      2n * rent.mint +
      tokenAccounts * rent.tokenAccount +
      BigInt(layout.bots) * BOT_FUNDING_LAMPORTS +
      BigInt(layout.markets) * ORACLE_FUNDING_LAMPORTS +
      1_000_000_000n
    );
  }
}
