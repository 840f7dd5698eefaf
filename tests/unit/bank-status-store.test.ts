// StatusStore: getSignatureStatuses semantics, history search, bounds, events.
import { describe, expect, test } from "bun:test";
import { type StatusEvent, StatusStore } from "../../src/bank/status-store.ts";

const chainAt = (slot: number) => ({ slot, confirmedSlot: slot - 1, finalizedSlot: Math.max(0, slot - 33) });

describe("StatusStore", () => {
  test("confirmations and confirmationStatus by slot; null once finalized", () => {
    const store = new StatusStore({ recentSlots: 151, historySlots: 100 });
    store.recordExecuted("sigA", 10, null);
    expect(store.getStatuses(["sigA"], false, chainAt(10))[0]).toEqual({
      slot: 10,
      confirmations: 0,
      err: null,
      status: { Ok: null },
      confirmationStatus: "processed",
    });
    expect(store.getStatuses(["sigA"], false, chainAt(12))[0]?.confirmationStatus).toBe("confirmed");
    expect(store.getStatuses(["sigA"], false, chainAt(12))[0]?.confirmations).toBe(2);
    const finalized = store.getStatuses(["sigA"], false, chainAt(43))[0];
    expect(finalized?.confirmationStatus).toBe("finalized");
    expect(finalized?.confirmations).toBeNull();
  });

  test("old records only with searchTransactionHistory, then pruned", () => {
    const store = new StatusStore({ recentSlots: 151, historySlots: 100 });
    store.recordExecuted("sigB", 5, { InstructionError: [0, { Custom: 1 }] });
    expect(store.getStatuses(["sigB"], false, chainAt(200))[0]).toBeNull();
    expect(store.getStatuses(["sigB"], true, chainAt(200))[0]?.err).toEqual({
      InstructionError: [0, { Custom: 1 }],
    });
    store.prune(5 + 151 + 100 + 1);
    expect(store.getStatuses(["sigB"], true, chainAt(300))[0]).toBeNull();
  });

  test("dropped records read as a failed status with their reason, never replace an executed one; entries are capped", () => {
    const events: StatusEvent[] = [];
    const store = new StatusStore({ entriesMax: 3 });
    store.onEvent((event) => events.push(event));
    store.recordExecuted("sigC", 1, null);
    store.recordDropped("sigC", 2, 71, "BlockhashNotFound");
    expect(store.get("sigC")?.kind).toBe("executed");
    store.recordDropped("sigD", 2, 71, "BlockhashNotFound");
    expect(store.get("sigD")?.notIncludedReason).toBe(71);
    const dropped = store.getStatuses(["sigD"], true, chainAt(3))[0];
    expect(dropped?.err).toBe("BlockhashNotFound");
    expect(dropped?.status).toEqual({ Err: "BlockhashNotFound" });
    expect(dropped?.outriderDropped).toEqual({ reason: "blockhash_not_found", code: 71 });
    store.recordDropped("sigX", 2, 202, null);
    expect(store.getStatuses(["sigX"], true, chainAt(3))[0]?.outriderDropped?.reason).toBe("bad_signature");
    for (const signature of ["e", "f", "g"]) store.recordExecuted(signature, 3, null);
    expect(store.size).toBe(3);
    expect(events.map((event) => event.type)).toEqual([
      "executed",
      "dropped",
      "dropped",
      "executed",
      "executed",
      "executed",
    ]);
  });

  test("a duplicate copy is never recorded: the first copy's outcome stands", () => {
    const store = new StatusStore({});
    store.recordDropped("sigE", 2, 202, null); // bad_signature
    store.recordDropped("sigE", 3, 203, null); // a resubmitted copy stopped by dedup
    store.recordDropped("sigE", 3, 70, "AlreadyProcessed");
    expect(store.get("sigE")?.notIncludedReason).toBe(202);
    // While the first copy is in flight, a duplicate leaves the signature unknown (no "dropped")…
    store.recordDropped("sigF", 2, 203, null);
    expect(store.get("sigF")).toBeNull();
    // …until the first copy's own outcome arrives.
    store.recordDropped("sigF", 3, 66, "AccountNotFound");
    expect(store.get("sigF")?.notIncludedReason).toBe(66);
    store.recordExecuted("sigF", 4, null);
    expect(store.get("sigF")?.kind).toBe("executed");
  });
});
