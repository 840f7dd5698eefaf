// `outrider tx decode`: decodes one wire transaction (base64 or base58, argument or stdin) into JSON with
// its keys, instructions, lookups, compute budget and fee; malformed input prints a JSON error, exit 2.
import { isOutriderError, OutriderError } from "../../errors.ts";
import { base58Decode } from "../../tx/base58.ts";
import { decodeTransaction } from "../../tx/decode.ts";
import { TX_INPUT_INVALID_ENCODING, txErrorName } from "../../tx/errors.ts";
import { PACKET_DATA_SIZE } from "../../tx/limits.ts";
import { parseCommandArgs } from "../args.ts";
import { EXIT_OK, EXIT_USAGE_ERROR, usageError } from "../exit.ts";

export const HELP = `usage: outrider tx decode [--encoding base64|base58] TX|-

Decodes a Solana wire transaction (legacy or v0) and prints it as JSON: signatures, header, account
keys (signer/writable), recent blockhash, instructions, address-table lookups, compute budget and fee.
Applies Agave's sanitize rules; a malformed transaction prints {"error":{code,name,message,offset}}
and exits 2.
  TX                  the transaction, encoded; "-" reads it from stdin
  --encoding ENC      base64 (default) or base58`;

const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;
/** Longest encoded text worth decoding (base64 of one packet, with slack). */
const INPUT_CHARS_MAX = 4 * PACKET_DATA_SIZE;

function inputError(message: string): OutriderError {
  return new OutriderError(TX_INPUT_INVALID_ENCODING, txErrorName(TX_INPUT_INVALID_ENCODING), message, {
    offset: 0,
  });
}

function decodeText(text: string, encoding: string): Uint8Array {
  if (text.length === 0) throw inputError("empty input");
  if (text.length > INPUT_CHARS_MAX) throw inputError(`input longer than ${INPUT_CHARS_MAX} characters`);
  if (encoding === "base58") {
    const bytes = base58Decode(text);
    if (bytes === null) throw inputError("input is not valid base58");
    return bytes;
  }
  if (text.length % 4 !== 0 || !BASE64_PATTERN.test(text)) throw inputError("input is not valid base64");
  return new Uint8Array(Buffer.from(text, "base64"));
}

async function readStdin(): Promise<string> {
  return await Bun.stdin.text();
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { encoding: { type: "string" } }, "tx decode");
  if (values.help) {
    console.log(HELP);
    return EXIT_OK;
  }
  const encoding = (values.encoding as string | undefined) ?? "base64";
  if (encoding !== "base64" && encoding !== "base58") {
    throw usageError(`tx decode: --encoding must be base64 or base58, not '${encoding}'`);
  }
  if (positionals.length !== 1) {
    throw usageError("tx decode: expected exactly one transaction argument (or '-' for stdin)");
  }
  const text = (positionals[0] === "-" ? await readStdin() : positionals[0]).trim();
  try {
    const decoded = decodeTransaction(decodeText(text, encoding));
    console.log(JSON.stringify(decoded, null, 2));
    return EXIT_OK;
  } catch (error) {
    if (!isOutriderError(error)) throw error;
    const offset = typeof error.context.offset === "number" ? error.context.offset : null;
    console.log(
      JSON.stringify(
        { error: { code: error.code, name: error.codeName, message: error.message, offset } },
        null,
        2,
      ),
    );
    return EXIT_USAGE_ERROR;
  }
}
