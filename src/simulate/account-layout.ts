// Numbering of every account the simulated market touches, shared by the workload generator (its
// lock sets and statistics) and the load client (which derives each account's key from its number):
// per bot a fee payer and two token accounts (token A, token B); per market two pool vaults, an
// order book (a token-A account) and an oracle (a system account); two mints; a set of cold token
// accounts; unfunded payers (for "no funds" transactions); the funder. Numbers at or above
// `accountsCount` are fresh, never-funded addresses (a transfer to a cold wallet), one per transaction.

export interface AccountLayoutSizes {
  bots: number;
  markets: number;
  coldTokenAccounts: number;
  brokePayers: number;
}

export class AccountLayout {
  readonly bots: number;
  readonly markets: number;
  readonly coldTokenAccounts: number;
  readonly brokePayers: number;
  readonly mintA: number;
  readonly mintB: number;
  readonly funder: number;
  readonly accountsCount: number;

  constructor(sizes: AccountLayoutSizes) {
    this.bots = sizes.bots;
    this.markets = sizes.markets;
    this.coldTokenAccounts = sizes.coldTokenAccounts;
    this.brokePayers = sizes.brokePayers;
    this.mintA = 3 * this.bots + 4 * this.markets;
    this.mintB = this.mintA + 1;
    this.funder = this.mintA + 2 + this.coldTokenAccounts + this.brokePayers;
    this.accountsCount = this.funder + 1;
  }

  payer(bot: number): number {
    return bot;
  }
  tokenA(bot: number): number {
    return this.bots + bot;
  }
  tokenB(bot: number): number {
    return 2 * this.bots + bot;
  }
  vaultA(market: number): number {
    return 3 * this.bots + market;
  }
  vaultB(market: number): number {
    return 3 * this.bots + this.markets + market;
  }
  book(market: number): number {
    return 3 * this.bots + 2 * this.markets + market;
  }
  oracle(market: number): number {
    return 3 * this.bots + 3 * this.markets + market;
  }
  coldToken(index: number): number {
    return this.mintA + 2 + index;
  }
  broke(index: number): number {
    return this.mintA + 2 + this.coldTokenAccounts + index;
  }
  /** A fresh address (a cold wallet receiving SOL), unique to transaction `tx`. */
  fresh(tx: number): number {
    return this.accountsCount + tx;
  }
  isFresh(account: number): boolean {
    return account >= this.accountsCount;
  }
}
