// The forwarder sink: what the bank stage becomes in upstream mode. Each batch the scheduler hands
// over (after Outrider's own verify, dedup and ordering) goes to the upstream node as one JSON-RPC
// batch of sendTransaction calls (base64, skipPreflight: the checks have been made). A transport
// failure is retried a bounded number of times with backoff; what still fails is answered with an
// Agave not_included_reason (bank_not_available when the node cannot be reached), so nothing
// accepted is lost silently. The upstream's own statuses are followed by SignatureTracker.
import { NOT_INCLUDED_REASONS } from "../bank/scheduler-bindings.ts";
import { notIncludedReasonFor, type TransactionErrorJson } from "../bank/transaction-error.ts";
import { UpstreamRpcError } from "./errors.ts";
import type { UpstreamAnswer, UpstreamClient } from "./upstream-client.ts";

export type ForwardOutcome =
  | { forwarded: true; signature: string }
  | { forwarded: false; notIncludedReason: number; err: TransactionErrorJson | null; message: string };

export interface ForwarderOptions {
  client: UpstreamClient;
  /** Further attempts after a transport failure (0 = one attempt only). */
  retriesMax: number;
  /** Delay before the first retry; doubles each time. */
  retryDelayMs: number;
}

/** What the upstream's answer to one sendTransaction means for the pipeline. */
export function forwardOutcomeOf(answer: UpstreamAnswer): ForwardOutcome {
  if (answer.ok) return { forwarded: true, signature: String(answer.result) };
  const error = answer.error;
  if (!(error instanceof UpstreamRpcError)) {
    return {
      forwarded: false,
      notIncludedReason: NOT_INCLUDED_REASONS.BANK_NOT_AVAILABLE,
      err: null,
      message: error.message,
    };
  }
  // Solana: -32003 signature verification failure; -32002 preflight failure with data.err; -32602 bad tx.
  const dataErr = (error.rpcData as { err?: TransactionErrorJson } | null | undefined)?.err ?? null;
  let reason: number = NOT_INCLUDED_REASONS.SANITIZE_FAILURE;
  let err: TransactionErrorJson | null = dataErr;
  if (error.rpcCode === -32003) {
    reason = NOT_INCLUDED_REASONS.SIGNATURE_FAILURE;
    err = "SignatureFailure";
  } else if (dataErr !== null) {
    reason = notIncludedReasonFor(dataErr);
  } else if (/blockhash not found/i.test(error.rpcMessage)) {
    reason = NOT_INCLUDED_REASONS.BLOCKHASH_NOT_FOUND;
    err = "BlockhashNotFound";
  } else if (/already (been )?processed/i.test(error.rpcMessage)) {
    reason = NOT_INCLUDED_REASONS.ALREADY_PROCESSED;
    err = "AlreadyProcessed";
  }
  return { forwarded: false, notIncludedReason: reason, err, message: error.rpcMessage };
}

export class Forwarder {
  batches = 0;
  retries = 0;
  private readonly options: ForwarderOptions;

  constructor(options: ForwarderOptions) {
    this.options = options;
  }

  /** Sends base64 wire transactions as one batch; one outcome per transaction, in order. */
  async forward(base64Transactions: readonly string[]): Promise<ForwardOutcome[]> {
    this.batches++;
    const calls = base64Transactions.map((transaction) => ({
      method: "sendTransaction",
      params: [transaction, { encoding: "base64", skipPreflight: true }],
    }));
    const outcomes: ForwardOutcome[] = new Array(calls.length);
    let todo = calls.map((_, index) => index);
    let delayMs = this.options.retryDelayMs;
    for (let attempt = 0; todo.length > 0; attempt++) {
      const answers = await this.options.client.batch(todo.map((index) => calls[index]));
      const retry: number[] = [];
      for (let k = 0; k < todo.length; k++) {
        const answer = answers[k];
        const transportFailure = !answer.ok && !(answer.error instanceof UpstreamRpcError);
        if (transportFailure && attempt < this.options.retriesMax) retry.push(todo[k]);
        else outcomes[todo[k]] = forwardOutcomeOf(answer);
      }
      todo = retry;
      if (todo.length > 0) {
        this.retries += todo.length;
        await Bun.sleep(delayMs);
        delayMs *= 2;
      }
    }
    return outcomes;
  }
}
