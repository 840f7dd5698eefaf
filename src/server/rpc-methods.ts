// The HTTP JSON-RPC methods: read params the way Solana's RPC does, call the RpcBackend, and shape the
// results exactly as Solana returns them ({context:{slot, apiVersion}, value} where Solana wraps).

import type { SimulationOutcome } from "../bank/embedded-bank.ts";
import { transactionErrorText } from "../bank/transaction-error.ts";
import { PACKET_DATA_SIZE_BYTES } from "../bank/wire-view.ts";
import { isOutriderError } from "../errors.ts";
import { accountEncodingOf, dataSliceOf, encodeAccount } from "./account-encoding.ts";
import {
  internalError,
  invalidParams,
  JsonRpcError,
  methodNotFound,
  RPC_NODE_UNHEALTHY,
  RPC_SEND_TRANSACTION_PREFLIGHT_FAILURE,
  RPC_TRANSACTION_SIGNATURE_VERIFICATION_FAILURE,
} from "./json-rpc.ts";
import type { RpcBackend } from "./rpc-backend.ts";
import {
  commitmentOf,
  configObject,
  decodeBinary,
  optionalBoolean,
  optionalNonNegativeInteger,
  paramsArray,
  requirePubkey,
  requireSignature,
  requireString,
  transactionEncodingOf,
} from "./rpc-params.ts";

export const MAX_MULTIPLE_ACCOUNTS = 100;
export const MAX_SIGNATURE_STATUSES = 256;
export const MAX_LAMPORTS_U64 = 0xffff_ffff_ffff_ffffn;

/** What the server knows of the request beyond its body. */
export interface RequestContext {
  /** The HTTP connection it came on (connection-id.ts); absent when unknown. */
  connectionId?: number;
}

type Handler = (
  params: unknown[],
  backend: RpcBackend,
  apiVersion: string,
  context: RequestContext,
) => Promise<unknown>;

const NO_CONTEXT: RequestContext = {};

const withContext = (slot: number, apiVersion: string, value: unknown) => ({
  context: { apiVersion, slot },
  value,
});

export function simulationJson(simulation: SimulationOutcome) {
  return {
    err: simulation.err,
    logs: simulation.logs,
    accounts: null,
    unitsConsumed: simulation.unitsConsumed,
    returnData:
      simulation.returnData === null
        ? null
        : {
            programId: simulation.returnData.programId,
            data: [Buffer.from(simulation.returnData.data).toString("base64"), "base64"],
          },
    innerInstructions: null,
    replacementBlockhash: simulation.replacementBlockhash,
    fee: simulation.feeLamports,
  };
}

function readTransaction(params: unknown[], method: string) {
  const text = requireString(params, 0, "transaction");
  const config = configObject(params, 1);
  const encoding = transactionEncodingOf(config);
  return { bytes: decodeBinary(text, encoding, PACKET_DATA_SIZE_BYTES, "transaction"), config, method };
}

const handlers: Record<string, Handler> = {
  async getHealth(_params, backend) {
    const health = await backend.getHealth();
    if (health === "ok") return "ok";
    throw new JsonRpcError(
      RPC_NODE_UNHEALTHY,
      health === "behind" ? "Node is behind" : "Node is unhealthy",
      {},
    );
  },
  async getVersion(_params, backend) {
    const version = await backend.getVersion();
    return { "solana-core": version.solanaCore, "feature-set": version.featureSet };
  },
  async getSlot(params, backend) {
    return backend.getSlot(commitmentOf(configObject(params, 0)));
  },
  async getBlockHeight(params, backend) {
    return backend.getBlockHeight(commitmentOf(configObject(params, 0)));
  },
  async getEpochInfo(params, backend) {
    return backend.getEpochInfo(commitmentOf(configObject(params, 0)));
  },
  async getGenesisHash(_params, backend) {
    return backend.getGenesisHash();
  },
  async getLatestBlockhash(params, backend, apiVersion) {
    const latest = await backend.getLatestBlockhash(commitmentOf(configObject(params, 0)));
    return withContext(latest.slot, apiVersion, {
      blockhash: latest.blockhash,
      lastValidBlockHeight: latest.lastValidBlockHeight,
    });
  },
  async isBlockhashValid(params, backend, apiVersion) {
    const blockhash = requirePubkey(params, 0, "blockhash");
    const answer = await backend.isBlockhashValid(blockhash, commitmentOf(configObject(params, 1)));
    return withContext(answer.slot, apiVersion, answer.valid);
  },
  async getFeeForMessage(params, backend, apiVersion) {
    const messageBytes = decodeBinary(
      requireString(params, 0, "message"),
      "base64",
      PACKET_DATA_SIZE_BYTES,
      "message",
    );
    const answer = await backend.getFeeForMessage(messageBytes, commitmentOf(configObject(params, 1)));
    return withContext(answer.slot, apiVersion, answer.feeLamports);
  },
  async getMinimumBalanceForRentExemption(params, backend) {
    const dataLength = params[0];
    if (typeof dataLength !== "number" || !Number.isSafeInteger(dataLength) || dataLength < 0) {
      throw invalidParams("Invalid params: parameter 0 (dataLength) must be a non-negative integer");
    }
    return backend.getMinimumBalanceForRentExemption(dataLength, commitmentOf(configObject(params, 1)));
  },
  async getBalance(params, backend, apiVersion) {
    const address = requirePubkey(params, 0, "pubkey");
    const answer = await backend.getAccounts([address], commitmentOf(configObject(params, 1)));
    return withContext(answer.slot, apiVersion, answer.accounts[0]?.lamports ?? 0);
  },
  async getAccountInfo(params, backend, apiVersion) {
    const address = requirePubkey(params, 0, "pubkey");
    const config = configObject(params, 1);
    const encoding = accountEncodingOf(config);
    const slice = dataSliceOf(config);
    const answer = await backend.getAccounts([address], commitmentOf(config));
    const account = answer.accounts[0];
    return withContext(answer.slot, apiVersion, account ? encodeAccount(account, encoding, slice) : null);
  },
  async getMultipleAccounts(params, backend, apiVersion) {
    const list = params[0];
    if (!Array.isArray(list)) throw invalidParams("Invalid params: parameter 0 (pubkeys) must be an array");
    if (list.length > MAX_MULTIPLE_ACCOUNTS) {
      throw invalidParams(`Too many inputs provided; max ${MAX_MULTIPLE_ACCOUNTS}`);
    }
    const addresses = list.map((_, index) => requirePubkey(list, index, `pubkeys[${index}]`));
    const config = configObject(params, 1);
    const encoding = accountEncodingOf(config);
    const slice = dataSliceOf(config);
    const answer = await backend.getAccounts(addresses, commitmentOf(config));
    return withContext(
      answer.slot,
      apiVersion,
      answer.accounts.map((account) => (account ? encodeAccount(account, encoding, slice) : null)),
    );
  },
  async sendTransaction(params, backend, _apiVersion, context) {
    const { bytes, config } = readTransaction(params, "sendTransaction");
    const outcome = await backend.sendTransaction(bytes, {
      skipPreflight: optionalBoolean(config, "skipPreflight", false),
      preflightCommitment: commitmentOf(config, "preflightCommitment"),
      maxRetries: optionalNonNegativeInteger(config, "maxRetries"),
      connectionId: context.connectionId,
    });
    if (outcome.accepted) return outcome.signature;
    const rejection = outcome.rejection;
    if (rejection.kind === "invalidTransaction")
      throw invalidParams(`invalid transaction: ${rejection.message}`);
    if (rejection.kind === "signatureVerificationFailure") {
      throw new JsonRpcError(
        RPC_TRANSACTION_SIGNATURE_VERIFICATION_FAILURE,
        "Transaction signature verification failure",
      );
    }
    const simulation = rejection.simulation;
    throw new JsonRpcError(
      RPC_SEND_TRANSACTION_PREFLIGHT_FAILURE,
      `Transaction simulation failed: ${transactionErrorText(simulation.err!)}`,
      simulationJson(simulation),
    );
  },
  async simulateTransaction(params, backend, apiVersion) {
    const { bytes, config } = readTransaction(params, "simulateTransaction");
    const sigVerify = optionalBoolean(config, "sigVerify", false);
    const replaceRecentBlockhash = optionalBoolean(config, "replaceRecentBlockhash", false);
    if (sigVerify && replaceRecentBlockhash) {
      throw invalidParams("sigVerify may not be used with replaceRecentBlockhash");
    }
    let simulation: SimulationOutcome;
    try {
      simulation = await backend.simulateTransaction(bytes, {
        sigVerify,
        replaceRecentBlockhash,
        commitment: commitmentOf(config),
      });
    } catch (error) {
      if (isOutriderError(error)) throw invalidParams(`invalid transaction: ${error.message}`);
      throw error;
    }
    return withContext(simulation.slot, apiVersion, simulationJson(simulation));
  },
  async getSignatureStatuses(params, backend, apiVersion) {
    const list = params[0];
    if (!Array.isArray(list))
      throw invalidParams("Invalid params: parameter 0 (signatures) must be an array");
    if (list.length > MAX_SIGNATURE_STATUSES) {
      throw invalidParams(`Too many inputs provided; max ${MAX_SIGNATURE_STATUSES}`);
    }
    const signatures = list.map((value, index) => requireSignature(value, `signatures[${index}]`));
    const search = optionalBoolean(configObject(params, 1), "searchTransactionHistory", false);
    const answer = await backend.getSignatureStatuses(signatures, search);
    return withContext(answer.slot, apiVersion, answer.statuses);
  },
  async requestAirdrop(params, backend) {
    const address = requirePubkey(params, 0, "pubkey");
    const lamports = params[1];
    if (typeof lamports !== "number" && typeof lamports !== "bigint") {
      throw invalidParams("Invalid params: parameter 1 (lamports) must be an integer");
    }
    const amount = BigInt(lamports);
    if (amount <= 0n || amount > MAX_LAMPORTS_U64) {
      throw invalidParams("Invalid params: parameter 1 (lamports) must be a positive u64");
    }
    commitmentOf(configObject(params, 2));
    try {
      return await backend.requestAirdrop(address, amount);
    } catch (error) {
      if (isOutriderError(error)) throw internalError(error.message);
      throw error;
    }
  },
};

export const HTTP_METHOD_NAMES = Object.keys(handlers);

export async function callMethod(
  method: string,
  rawParams: unknown,
  backend: RpcBackend,
  apiVersion: string,
  context: RequestContext = NO_CONTEXT,
): Promise<unknown> {
  if (backend.upstreamRouting !== undefined && backend.passThrough !== undefined) {
    const routing = await backend.upstreamRouting();
    if (routing !== null && !routing.localMethods.includes(method)) {
      const answer = await backend.passThrough(method, rawParams);
      if ("error" in answer)
        throw new JsonRpcError(answer.error.code, answer.error.message, answer.error.data);
      return answer.result;
    }
  }
  const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
  if (handler === undefined) throw methodNotFound();
  return handler(paramsArray(method, rawParams), backend, apiVersion, context);
}
