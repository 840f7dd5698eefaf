// Both schedule stages (FIFO and adaptive) relay the bank's ExecutionResponses to ingress the same way:
// each bank_schedule entry becomes one terminal outcome on schedule_ingress (slot, reason, executed
// slot, cost units), the stage sees each response first, and ingress's doorbell rings once per call.

import { tryPush6 } from "../pipeline/ring-io.ts";
import type { Doorbell } from "../ring/doorbell.ts";
import type { SpscRing } from "../ring/spsc-ring.ts";

/** Called for each response before its outcome goes to ingress (which may reuse the slot at once). */
export type BankResponseListener = (slot: number, notIncludedReason: number, costUnits: number) => void;

/** Relays every response available on `fromBank` to `toIngress`; returns how many. Allocates nothing. */
export function relayBankResponses(
  fromBank: SpscRing,
  toIngress: SpscRing,
  ingressDoorbell: Doorbell,
  onResponse: BankResponseListener | undefined,
): number {
  const count = fromBank.available();
  if (count === 0) return 0;
  for (let entry = 0; entry < count; entry++) {
    const slot = fromBank.readWord(entry, 0);
    const reason = fromBank.readWord(entry, 1);
    const costUnits = fromBank.readWord(entry, 2);
    const executedSlot = fromBank.readWord(entry, 5);
    onResponse?.(slot, reason, costUnits);
    if (!tryPush6(toIngress, slot, reason, executedSlot, 0, costUnits, 0)) {
      throw new Error(
        `schedule: ${toIngress.name} full (capacity ${toIngress.capacity}) — a slot was returned twice`,
      );
    }
  }
  fromBank.release(count);
  ingressDoorbell.ring();
  return count;
}
