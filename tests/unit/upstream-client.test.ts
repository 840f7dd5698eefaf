// The upstream mode's clients against a real Solana JSON-RPC face (LocalNode: the embedded bank behind
// Outrider's own RPC server and PubSub, on loopback): JSON-RPC batches with per-call errors, exact u64
// values, timeouts and non-JSON answers as error values, getMultipleAccounts loads, subscriptions that
// notify and a reset when the node goes away; and how the node's answers to sendTransaction map onto
// Agave's not_included_reason codes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { NOT_INCLUDED_REASONS } from "../../src/bank/scheduler-bindings.ts";
import { isOutriderError } from "../../src/errors.ts";
import type { LocalNode } from "../../src/server/local-node.ts";
import { UpstreamAccountLoader } from "../../src/upstream/account-loader.ts";
import { UPSTREAM_ERRORS, UpstreamRpcError } from "../../src/upstream/errors.ts";
import { forwardOutcomeOf } from "../../src/upstream/forwarder.ts";
import {
  defaultPubsubUrl,
  parseJsonExact,
  stringifyExact,
  UpstreamClient,
} from "../../src/upstream/upstream-client.ts";
import { UpstreamPubsub } from "../../src/upstream/upstream-pubsub.ts";
import { startTestNode } from "../helpers/local-node.ts";

let node: LocalNode;
beforeAll(async () => {
  node = await startTestNode({ slotMs: 40 });
});
afterAll(async () => {
  await node?.stop();
});

describe("exact JSON and URLs", () => {
  test("u64 values survive a round trip exactly (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn }),
        fc.double({ noNaN: true }),
        (value, float) => {
          const parsed = parseJsonExact(
            stringifyExact({ value, float: Number.isFinite(float) ? float : 0 }),
          ) as {
            value: bigint | number;
            float: number;
          };
          expect(BigInt(parsed.value)).toBe(value);
        },
      ),
    );
    expect(parseJsonExact('{"rentEpoch":18446744073709551615}')).toEqual({
      rentEpoch: 18446744073709551615n,
    });
  });

  test("the PubSub URL is the next port, as Solana clients derive it", () => {
    expect(defaultPubsubUrl("http://127.0.0.1:8899")).toBe("ws://127.0.0.1:8900/");
    expect(defaultPubsubUrl("https://rpc.example.com")).toBe("wss://rpc.example.com/");
    expect(() => new UpstreamClient({ url: "ftp://x", requestTimeoutMs: 100 })).toThrow("http(s)");
  });
});

describe("UpstreamClient and the account loader", () => {
  test("a batch answers each call on its own: results, and the node's errors as values", async () => {
    const client = new UpstreamClient({ url: node.httpUrl, requestTimeoutMs: 2000 });
    const answers = await client.batch([
      { method: "getSlot", params: [{ commitment: "processed" }] },
      { method: "getNothing" },
      { method: "getGenesisHash" },
    ]);
    expect(answers[0].ok && typeof answers[0].result).toBe("number");
    expect(!answers[1].ok && answers[1].error instanceof UpstreamRpcError && answers[1].error.rpcCode).toBe(
      -32601,
    );
    expect(answers[2].ok && answers[2].result).toBe(node.bank.genesisHash);
  });

  test("no answer in time and a non-JSON answer are error values, not crashes", async () => {
    const silent = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () => new Promise<Response>(() => {}),
    });
    const garbage = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("<html>") });
    try {
      const slow = new UpstreamClient({ url: `http://127.0.0.1:${silent.port}`, requestTimeoutMs: 100 });
      const [late] = await slow.batch([{ method: "getSlot" }]);
      expect(!late.ok && isOutriderError(late.error, UPSTREAM_ERRORS.UPSTREAM_UNREACHABLE)).toBe(true);
      const bad = new UpstreamClient({ url: `http://127.0.0.1:${garbage.port}`, requestTimeoutMs: 1000 });
      await expect(bad.call("getSlot")).rejects.toMatchObject({
        code: UPSTREAM_ERRORS.UPSTREAM_BAD_RESPONSE,
      });
    } finally {
      silent.stop(true);
      garbage.stop(true);
    }
  });

  test("getMultipleAccounts loads (more than 100 in one batch), with exact lamports and rentEpoch", async () => {
    const address = "8jTRA5a3yhqbjFZ4vs8uEKmZ2KYLfZoPj7YFkR9a1tAw";
    await node.backend.requestAirdrop(address, 123_456_789n);
    const loader = new UpstreamAccountLoader(
      new UpstreamClient({ url: node.httpUrl, requestTimeoutMs: 2000 }),
    );
    const addresses = [address, ...Array.from({ length: 150 }, () => "11111111111111111111111111111111")];
    const loaded = await loader.load(addresses, "processed");
    expect(loaded.accounts.length).toBe(151);
    expect(loaded.accounts[0]?.lamports).toBe(123_456_789n);
    expect(loaded.accounts[0]?.owner).toBe("11111111111111111111111111111111");
    expect(typeof loaded.accounts[0]?.rentEpoch).toBe("bigint");
    expect(loaded.slot).toBeGreaterThan(0);
  });
});

describe("UpstreamPubsub", () => {
  test("subscriptions confirm, then notify; an account change arrives with its slot", async () => {
    const pubsub = new UpstreamPubsub({ url: node.wsUrl, subscriptionsMax: 16, requestTimeoutMs: 2000 });
    try {
      await pubsub.whenConnected();
      const slots: number[] = [];
      await pubsub.subscribe("slot", [], (result) => slots.push((result as { slot: number }).slot));
      const address = "4nTZ1s5a7hdgp51RRjGTJ2DiftnGiZSvHrKkGHWYqf4b";
      const changed = new Promise<{ slot: number; lamports: number }>((resolve) => {
        void pubsub.subscribe(
          "account",
          [address, { encoding: "base64", commitment: "processed" }],
          (result) => {
            const { context, value } = result as { context: { slot: number }; value: { lamports: number } };
            resolve({ slot: context.slot, lamports: value.lamports });
          },
        );
      });
      await Bun.sleep(20);
      await node.backend.requestAirdrop(address, 1_000_000n);
      const change = await changed;
      expect(change.lamports).toBe(1_000_000);
      expect(change.slot).toBeGreaterThan(0);
      while (slots.length < 2) await Bun.sleep(20);
      expect(slots[1]).toBeGreaterThan(slots[0]);
      expect(pubsub.activeCount).toBe(2);
    } finally {
      pubsub.close();
    }
  });

  test("the bound on subscriptions is a refusal, and a lost connection resets every subscription", async () => {
    const other = await startTestNode({ slotMs: 40 });
    const pubsub = new UpstreamPubsub({ url: other.wsUrl, subscriptionsMax: 1, requestTimeoutMs: 2000 });
    try {
      await pubsub.whenConnected();
      await pubsub.subscribe("slot", [], () => {});
      await expect(pubsub.subscribe("slot", [], () => {})).rejects.toMatchObject({
        code: UPSTREAM_ERRORS.UPSTREAM_LIMIT,
      });
      const reset = new Promise<void>((resolve) => pubsub.onReset(resolve));
      await other.stop();
      await reset;
      expect(pubsub.activeCount).toBe(0);
      expect(pubsub.isConnected).toBe(false);
    } finally {
      pubsub.close();
    }
  });
});

describe("forwarder answers", () => {
  test("the node's answer to sendTransaction maps to Agave's not_included_reason", () => {
    expect(forwardOutcomeOf({ ok: true, result: "sig" })).toEqual({ forwarded: true, signature: "sig" });
    const rpc = (code: number, message: string, data?: unknown) => ({
      ok: false as const,
      error: new UpstreamRpcError(code, message, data, "sendTransaction"),
    });
    expect(forwardOutcomeOf(rpc(-32003, "Transaction signature verification failure"))).toMatchObject({
      forwarded: false,
      notIncludedReason: NOT_INCLUDED_REASONS.SIGNATURE_FAILURE,
      err: "SignatureFailure",
    });
    expect(
      forwardOutcomeOf(rpc(-32002, "Transaction simulation failed", { err: "InsufficientFundsForFee" })),
    ).toMatchObject({ notIncludedReason: NOT_INCLUDED_REASONS.INSUFFICIENT_FUNDS_FOR_FEE });
    expect(forwardOutcomeOf(rpc(-32002, "Blockhash not found"))).toMatchObject({
      notIncludedReason: NOT_INCLUDED_REASONS.BLOCKHASH_NOT_FOUND,
    });
    const unreachable = forwardOutcomeOf({ ok: false, error: new Error("ECONNREFUSED") });
    expect(unreachable).toMatchObject({
      forwarded: false,
      notIncludedReason: NOT_INCLUDED_REASONS.BANK_NOT_AVAILABLE,
    });
  });
});
