// Would k bank Workers over one shared account state pay (issue 6, item 8)? litesvm lives inside one
// Worker; k Workers means k litesvm instances, and every account a batch touches must be moved into the
// instance that runs it and its new value moved back out. This measures, in one run: the cost of
// reading and writing one account through litesvm's @solana/kit API and through its raw-bytes API (what
// a k-Worker design would use), the cost of executing one SOL transfer (signature check off, as the
// pipeline's bank could run it after verify, and on), and from these the break-even: a transfer writes
// two accounts, so k lanes pay only if k × execute > execute + 2 × (read + write) per transfer, with k
// free cores. Usage: bun bench/bank-lanes.bench.ts [--json FILE]
import { address, lamports } from "@solana/kit";
import { Keypair, SystemProgram, Transaction } from "@solana/web3.js";
import { LiteSVM } from "litesvm";
import { Account, LiteSvm } from "litesvm/dist/internal";
import { bench, do_not_optimize, run } from "mitata";
import { writeBenchJson } from "./json-output.ts";

const kitSvm = new LiteSVM();
const rawSvm = new LiteSvm();
const owner = new Uint8Array(32); // the system program
const key = Keypair.generate().publicKey;
const keyBytes = key.toBytes();
const keyAddress = address(key.toBase58());
kitSvm.airdrop(keyAddress, lamports(1_000_000_000n));
rawSvm.setAccount(keyBytes, new Account(1_000_000_000n, new Uint8Array(0), owner, false, 0n));
const kitAccount = kitSvm.getAccount(keyAddress);
if (!kitAccount.exists) throw new Error("bench: account missing");

/** Transfers between two funded payers, pre-signed; `signed` counts how many were used. */
function transferSource(sigverify: boolean) {
  const svm = new LiteSvm();
  svm.setSigverify(sigverify);
  svm.setBlockhashCheck(false);
  const payers = [Keypair.generate(), Keypair.generate()];
  for (const payer of payers)
    svm.setAccount(payer.publicKey.toBytes(), new Account(10n ** 15n, new Uint8Array(0), owner, false, 0n));
  const blockhash = svm.latestBlockhash();
  const wires: Uint8Array[] = [];
  for (let index = 0; index < 20_000; index++) {
    const from = payers[index & 1];
    const transaction = new Transaction({ feePayer: from.publicKey, recentBlockhash: blockhash }).add(
      SystemProgram.transfer({
        fromPubkey: from.publicKey,
        toPubkey: payers[1 - (index & 1)].publicKey,
        lamports: 1 + index,
      }),
    );
    transaction.sign(from);
    wires.push(transaction.serialize());
  }
  let next = 0;
  return () => svm.sendVersionedTransaction(wires[next++ % wires.length]);
}
const executeUnchecked = transferSource(false);
const executeChecked = transferSource(true);

const NAMES = {
  kitGet: "litesvm getAccount (@solana/kit API)",
  kitSet: "litesvm setAccount (@solana/kit API)",
  rawGet: "litesvm getAccount (raw bytes API)",
  rawSet: "litesvm setAccount (raw bytes API)",
  execUnchecked: "execute one SOL transfer, signature check off",
  execChecked: "execute one SOL transfer, signature check on",
};
bench(NAMES.kitGet, () => do_not_optimize(kitSvm.getAccount(keyAddress)));
bench(NAMES.kitSet, () => kitSvm.setAccount(kitAccount));
bench(NAMES.rawGet, () => {
  const account = rawSvm.getAccount(keyBytes);
  do_not_optimize(account?.data());
});
bench(NAMES.rawSet, () =>
  rawSvm.setAccount(keyBytes, new Account(1_000_000_000n, new Uint8Array(0), owner, false, 0n)),
);
bench(NAMES.execUnchecked, () => do_not_optimize(executeUnchecked()));
bench(NAMES.execChecked, () => do_not_optimize(executeChecked()));

const result = await run({ format: "quiet" });
const microseconds = new Map<string, number>();
for (const benchmark of result.benchmarks)
  microseconds.set(benchmark.alias, benchmark.runs[0].stats!.avg / 1000);
const us = (name: string) => microseconds.get(name)!;
/** Moving a transfer's two written accounts in and out of a lane's instance. */
const moveKit = 2 * (us(NAMES.kitGet) + us(NAMES.kitSet));
const moveRaw = 2 * (us(NAMES.rawGet) + us(NAMES.rawSet));
const breakEven = (execute: number, move: number) => 1 + move / execute;
const summary = {
  microsecondsPerCall: Object.fromEntries(microseconds),
  transferAccountsMovedUs: { kitApi: moveKit, rawApi: moveRaw },
  lanesToBreakEven: {
    kitApiSignatureCheckOff: breakEven(us(NAMES.execUnchecked), moveKit),
    rawApiSignatureCheckOff: breakEven(us(NAMES.execUnchecked), moveRaw),
    rawApiSignatureCheckOn: breakEven(us(NAMES.execChecked), moveRaw),
  },
  note: "k lanes need k free cores beside ingress, verify and schedule; this machine has 2 in all",
};
console.log("| operation | µs |");
console.log("|---|---|");
for (const [name, value] of microseconds) console.log(`| ${name} | ${value.toFixed(2)} |`);
console.log(
  `moving a transfer's 2 accounts in and out: kit API ${moveKit.toFixed(1)} µs, raw API ${moveRaw.toFixed(1)} µs`,
);
console.log(
  `lanes (with a core each) to break even: kit API, check off ${summary.lanesToBreakEven.kitApiSignatureCheckOff.toFixed(2)}; ` +
    `raw API, check off ${summary.lanesToBreakEven.rawApiSignatureCheckOff.toFixed(2)}; raw API, check on ${summary.lanesToBreakEven.rawApiSignatureCheckOn.toFixed(2)}`,
);
writeBenchJson(summary);
