// Transaction template cache: recognises a transaction's shape (src/verify/template-descriptor.ts) and
// keeps, per shape, what depends only on the shape — that it passes every shape-only sanitize rule and
// the compute-budget instruction checks, which instruction carries the CU limit / CU price / heap /
// loaded-data limit, the builtin and precompile counts behind the default CU limit and the fee, the
// value-free part of the cost estimate, and the role of every static key position (the account-lock
// pattern). check() replaces sanitizeTransaction + readComputeBudget after a successful wire parse and
// returns exactly what they would, filling the same ParsedTransaction fields; on a hit it runs only the
// value-dependent rules (duplicate keys, heap frame and loaded-data values). Only shapes that passed are
// cached, matches compare the whole descriptor (never just the id), storage is set-associative (4 ways)
// with CLOCK eviction over preallocated typed arrays, and the hit path allocates nothing.
import {
  ACCOUNT_DATA_COST_PAGE_SIZE_BYTES,
  ED25519_VERIFY_STRICT_COST,
  INSTRUCTION_DATA_BYTES_COST,
  LOADED_ACCOUNTS_DATA_COST_PER_PAGE,
  SECP256K1_VERIFY_COST,
  SECP256R1_VERIFY_COST,
  SIGNATURE_COST,
  WRITE_LOCK_UNITS,
} from "../bank/fee-and-cost.ts";
import { ERROR_DOMAINS } from "../errors.ts";
import {
  CB_REQUEST_HEAP_FRAME,
  CB_SET_COMPUTE_UNIT_LIMIT,
  CB_SET_COMPUTE_UNIT_PRICE,
  CB_SET_LOADED_ACCOUNTS_DATA_SIZE_LIMIT,
  DEFAULT_INSTRUCTION_COMPUTE_UNIT_LIMIT,
  HEAP_FRAME_GRANULARITY_BYTES,
  LAMPORTS_PER_SIGNATURE,
  MAX_BUILTIN_ALLOCATION_COMPUTE_UNIT_LIMIT,
  MAX_COMPUTE_UNIT_LIMIT,
  MAX_HEAP_FRAME_BYTES,
  MAX_LOADED_ACCOUNTS_DATA_SIZE_BYTES,
  MIN_HEAP_FRAME_BYTES,
  priorityFeeLamports,
  readComputeBudget,
  U64_MAX_NUMBER,
} from "../tx/compute-budget.ts";
import {
  TX_COMPUTE_BUDGET_INVALID_HEAP_FRAME,
  TX_COMPUTE_BUDGET_ZERO_LOADED_ACCOUNTS_DATA_SIZE,
  TX_DUPLICATE_ACCOUNT_KEY,
  TX_OK,
} from "../tx/errors.ts";
import { PUBKEY_BYTES } from "../tx/limits.ts";
import type { ParsedTransaction } from "../tx/parsed-transaction.ts";
import {
  COMPUTE_BUDGET_PROGRAM_ID,
  ED25519_PROGRAM_ID,
  isBuiltinProgramKey,
  keyEquals,
  SECP256K1_PROGRAM_ID,
  SECP256R1_PROGRAM_ID,
} from "../tx/program-ids.ts";
import { sanitizeTransaction } from "../tx/sanitize.ts";
import { SetClock, setCountFor } from "./set-clock.ts";
import {
  DESCRIPTOR_UNCACHEABLE,
  DescriptorId,
  TEMPLATE_DESCRIPTOR_BYTES_MAX,
  TEMPLATE_STATIC_KEYS_MAX,
  templateIdBigInt,
  writeDescriptor,
} from "./template-descriptor.ts";
import {
  type LockHint,
  ROLE_INSTRUCTION_ACCOUNT,
  ROLE_PROGRAM,
  ROLE_SIGNER,
  ROLE_WRITABLE,
} from "./template-lock-hint.ts";

/** entriesMax out of range. */
export const TEMPLATE_CACHE_CONFIG_INVALID = ERROR_DOMAINS.verify + 430;

export const TEMPLATE_CACHE_WAYS = 4;
export const TEMPLATE_CACHE_ENTRIES_MIN = TEMPLATE_CACHE_WAYS;
export const TEMPLATE_CACHE_ENTRIES_MAX = 1 << 20;
export const TEMPLATE_CACHE_DEFAULT_ENTRIES = 4096;
/** Per-template fields in the Int32 table. */
const FIELD_ID_HI = 0;
const FIELD_ID_LO = 1;
const FIELD_LIMIT_IX = 2;
const FIELD_PRICE_IX = 3;
const FIELD_HEAP_IX = 4;
const FIELD_LOADED_IX = 5;
const FIELD_DEFAULT_CU_LIMIT = 6;
const FIELD_PRECOMPILE_SIGNATURES = 7;
const FIELD_SHAPE_COST_UNITS = 8;
const FIELD_LOOKUP_WRITABLE = 9;
const FIELD_LOOKUP_READONLY = 10;
const FIELD_DESCRIPTOR_BYTES = 11;
const FIELDS = 12;
/** Memory per entry: descriptor + roles + Int32 fields + hit count + reference bit (+ set hand share). */
export const TEMPLATE_CACHE_BYTES_PER_ENTRY =
  TEMPLATE_DESCRIPTOR_BYTES_MAX + TEMPLATE_STATIC_KEYS_MAX + FIELDS * 4 + 4 + 1 + 1 / TEMPLATE_CACHE_WAYS;

export interface TemplateCacheOptions {
  /** Upper bound on templates held (rounded down to a multiple of 4). */
  entriesMax?: number;
}

export interface TemplateCacheStats {
  entries: number;
  entriesMax: number;
  bytes: number;
  hits: number;
  misses: number;
  /** Misses whose shape was not entered: it failed a rule, or exceeds the descriptor bounds. */
  notCached: number;
  inserts: number;
  evictions: number;
}

function readU32(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0
  );
}

export class TemplateCache {
  readonly entriesMax: number;
  readonly setCount: number;
  private readonly descriptors: Uint8Array;
  private readonly fields: Int32Array;
  private readonly roles: Uint8Array;
  private readonly templateHits: Uint32Array;
  private readonly clock: SetClock;
  private readonly scratch = new Uint8Array(TEMPLATE_DESCRIPTOR_BYTES_MAX);
  private readonly scratchId = new DescriptorId();
  /** First 4 bytes of each static key of the transaction being checked (duplicate-key pre-filter). */
  private readonly keyWords = new Int32Array(TEMPLATE_STATIC_KEYS_MAX);
  hits = 0;
  misses = 0;
  notCached = 0;
  inserts = 0;
  evictions = 0;
  entries = 0;
  /** Template entry of the last check() that passed (hit or newly entered), else -1. */
  lastEntry = -1;
  /** Whether the last check() was a hit. */
  lastHit = false;
  /** Cost-model estimate of the last passing transaction (CU limit in place of executed units). */
  lastCostUnits = 0;

  constructor(options: TemplateCacheOptions = {}) {
    this.setCount = setCountFor(
      "template cache",
      options.entriesMax ?? TEMPLATE_CACHE_DEFAULT_ENTRIES,
      { min: TEMPLATE_CACHE_ENTRIES_MIN, max: TEMPLATE_CACHE_ENTRIES_MAX, ways: TEMPLATE_CACHE_WAYS },
      TEMPLATE_CACHE_CONFIG_INVALID,
      "TEMPLATE_CACHE_CONFIG_INVALID",
    );
    this.entriesMax = this.setCount * TEMPLATE_CACHE_WAYS;
    this.descriptors = new Uint8Array(this.entriesMax * TEMPLATE_DESCRIPTOR_BYTES_MAX);
    this.fields = new Int32Array(this.entriesMax * FIELDS);
    this.roles = new Uint8Array(this.entriesMax * TEMPLATE_STATIC_KEYS_MAX);
    this.templateHits = new Uint32Array(this.entriesMax);
    this.clock = new SetClock(this.setCount, TEMPLATE_CACHE_WAYS);
  }

  get bytesHeld(): number {
    return (
      this.descriptors.byteLength +
      this.fields.byteLength +
      this.roles.byteLength +
      this.templateHits.byteLength +
      this.clock.bytes +
      this.scratch.byteLength +
      this.keyWords.byteLength
    );
  }

  /**
   * Sanitize + compute budget of a transaction that parseTransactionWire accepted (same result code,
   * error offset and ParsedTransaction fields as sanitizeTransaction then readComputeBudget).
   */
  check(parsed: ParsedTransaction): number {
    this.lastEntry = -1;
    this.lastHit = false;
    const length = writeDescriptor(parsed, this.scratch, this.scratchId);
    if (length === DESCRIPTOR_UNCACHEABLE) {
      this.misses++;
      this.notCached++;
      return this.fullCheck(parsed);
    }
    const entry = this.find(length);
    if (entry < 0) {
      this.misses++;
      const code = this.fullCheck(parsed);
      if (code !== TX_OK) {
        this.notCached++;
        return code;
      }
      this.lastEntry = this.enter(parsed, length);
      this.lastCostUnits = this.costUnits(this.lastEntry, parsed);
      return TX_OK;
    }
    this.hits++;
    this.templateHits[entry]++;
    this.clock.touch(entry);
    const code = this.applyTemplate(entry, parsed);
    if (code !== TX_OK) return code;
    this.lastEntry = entry;
    this.lastHit = true;
    this.lastCostUnits = this.costUnits(entry, parsed);
    return TX_OK;
  }

  private fullCheck(parsed: ParsedTransaction): number {
    const code = sanitizeTransaction(parsed);
    if (code !== TX_OK) return code;
    return readComputeBudget(parsed);
  }

  private setBase(): number {
    return ((this.scratchId.idLo >>> 0) % this.setCount) * TEMPLATE_CACHE_WAYS;
  }

  /** Entry whose stored descriptor equals scratch[0..length), or -1. */
  private find(length: number): number {
    const base = this.setBase();
    const fields = this.fields;
    const idHi = this.scratchId.idHi;
    const idLo = this.scratchId.idLo;
    for (let way = 0; way < TEMPLATE_CACHE_WAYS; way++) {
      const entry = base + way;
      const at = entry * FIELDS;
      if (fields[at + FIELD_DESCRIPTOR_BYTES] !== length) continue;
      if (fields[at + FIELD_ID_HI] !== idHi || fields[at + FIELD_ID_LO] !== idLo) continue;
      const stored = entry * TEMPLATE_DESCRIPTOR_BYTES_MAX;
      const descriptors = this.descriptors;
      const scratch = this.scratch;
      let index = 0;
      while (index < length && descriptors[stored + index] === scratch[index]) index++;
      if (index === length) return entry;
    }
    return -1;
  }

  /** The value-dependent rules, in Agave's order, then the compute-budget fields. */
  private applyTemplate(entry: number, parsed: ParsedTransaction): number {
    const bytes = parsed.bytes;
    // Sanitize's last rule: no static key twice (first 4 bytes as a pre-filter, same order as sanitize).
    const keysOffset = parsed.staticKeysOffset;
    const keyCount = parsed.staticKeyCount;
    const words = this.keyWords;
    for (let key = 0; key < keyCount; key++) {
      const offset = keysOffset + key * PUBKEY_BYTES;
      words[key] =
        bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24);
    }
    for (let later = 1; later < keyCount; later++) {
      const laterWord = words[later];
      const laterOffset = keysOffset + later * PUBKEY_BYTES;
      for (let earlier = 0; earlier < later; earlier++) {
        if (words[earlier] !== laterWord) continue;
        const earlierOffset = keysOffset + earlier * PUBKEY_BYTES;
        let index = 4;
        while (index < PUBKEY_BYTES && bytes[earlierOffset + index] === bytes[laterOffset + index]) index++;
        if (index === PUBKEY_BYTES) return fail(parsed, TX_DUPLICATE_ACCOUNT_KEY, laterOffset);
      }
    }
    // Compute budget: which instruction carries which request is part of the template.
    const at = entry * FIELDS;
    const fields = this.fields;
    const limitIx = fields[at + FIELD_LIMIT_IX];
    const priceIx = fields[at + FIELD_PRICE_IX];
    const heapIx = fields[at + FIELD_HEAP_IX];
    const loadedIx = fields[at + FIELD_LOADED_IX];
    const limitRequested = limitIx >= 0 ? readU32(bytes, parsed.ixDataOffset[limitIx] + 1) : -1;
    let priceLo = 0;
    let priceHi = 0;
    if (priceIx >= 0) {
      const dataOffset = parsed.ixDataOffset[priceIx];
      priceLo = readU32(bytes, dataOffset + 1);
      priceHi = readU32(bytes, dataOffset + 5);
    }
    const heapRequested = heapIx >= 0 ? readU32(bytes, parsed.ixDataOffset[heapIx] + 1) : -1;
    if (
      heapRequested >= 0 &&
      (heapRequested < MIN_HEAP_FRAME_BYTES ||
        heapRequested > MAX_HEAP_FRAME_BYTES ||
        heapRequested % HEAP_FRAME_GRANULARITY_BYTES !== 0)
    ) {
      return fail(parsed, TX_COMPUTE_BUDGET_INVALID_HEAP_FRAME, parsed.ixDataOffset[heapIx]);
    }
    const loadedRequested = loadedIx >= 0 ? readU32(bytes, parsed.ixDataOffset[loadedIx] + 1) : -1;
    if (loadedRequested === 0) {
      return fail(parsed, TX_COMPUTE_BUDGET_ZERO_LOADED_ACCOUNTS_DATA_SIZE, parsed.ixDataOffset[loadedIx]);
    }
    parsed.computeUnitLimitRequested = limitRequested;
    parsed.computeUnitPriceRequested = priceIx >= 0;
    parsed.computeUnitPriceLo = priceLo;
    parsed.computeUnitPriceHi = priceHi;
    parsed.heapFrameBytesRequested = heapRequested;
    parsed.loadedAccountsDataSizeLimitRequested = loadedRequested;
    const limit = limitRequested >= 0 ? limitRequested : fields[at + FIELD_DEFAULT_CU_LIMIT];
    parsed.computeUnitLimit = limit < MAX_COMPUTE_UNIT_LIMIT ? limit : MAX_COMPUTE_UNIT_LIMIT;
    parsed.heapFrameBytes = heapRequested >= 0 ? heapRequested : MIN_HEAP_FRAME_BYTES;
    parsed.loadedAccountsDataSizeLimit =
      loadedRequested >= 0 && loadedRequested < MAX_LOADED_ACCOUNTS_DATA_SIZE_BYTES
        ? loadedRequested
        : MAX_LOADED_ACCOUNTS_DATA_SIZE_BYTES;
    const precompileSignatures = fields[at + FIELD_PRECOMPILE_SIGNATURES];
    parsed.precompileSignatureCount = precompileSignatures;
    parsed.feeSignatureCount = parsed.signatureCount + precompileSignatures;
    parsed.baseFeeLamports = parsed.feeSignatureCount * LAMPORTS_PER_SIGNATURE;
    parsed.priorityFeeLamports = priorityFeeLamports(priceHi, priceLo, parsed.computeUnitLimit);
    const total = parsed.baseFeeLamports + parsed.priorityFeeLamports;
    parsed.totalFeeLamports = total > U64_MAX_NUMBER ? U64_MAX_NUMBER : total;
    return TX_OK;
  }

  /** Value-free cost + the transaction's CU limit + the loaded-accounts-data cost. */
  private costUnits(entry: number, parsed: ParsedTransaction): number {
    const pages = Math.ceil(parsed.loadedAccountsDataSizeLimit / ACCOUNT_DATA_COST_PAGE_SIZE_BYTES);
    return (
      this.fields[entry * FIELDS + FIELD_SHAPE_COST_UNITS] +
      parsed.computeUnitLimit +
      pages * LOADED_ACCOUNTS_DATA_COST_PER_PAGE
    );
  }

  /** Derives and stores the template of a transaction that has just passed the full checks. */
  private enter(parsed: ParsedTransaction, length: number): number {
    const base = this.setBase();
    let entry = -1;
    for (let way = 0; way < TEMPLATE_CACHE_WAYS; way++) {
      if (this.fields[(base + way) * FIELDS + FIELD_DESCRIPTOR_BYTES] === 0) {
        entry = base + way;
        break;
      }
    }
    if (entry < 0) {
      entry = this.clock.victim(base);
      this.evictions++;
    } else {
      this.entries++;
    }
    this.inserts++;
    this.descriptors.set(this.scratch.subarray(0, length), entry * TEMPLATE_DESCRIPTOR_BYTES_MAX);
    const at = entry * FIELDS;
    const fields = this.fields;
    const bytes = parsed.bytes;
    let limitIx = -1;
    let priceIx = -1;
    let heapIx = -1;
    let loadedIx = -1;
    let builtinCount = 0;
    let nonBuiltinCount = 0;
    let ed25519Signatures = 0;
    let secp256k1Signatures = 0;
    let secp256r1Signatures = 0;
    let dataBytes = 0;
    const roleBase = entry * TEMPLATE_STATIC_KEYS_MAX;
    const roles = this.roles;
    for (let key = 0; key < parsed.staticKeyCount; key++) {
      roles[roleBase + key] =
        (parsed.isWritable(key) ? ROLE_WRITABLE : 0) | (parsed.isSigner(key) ? ROLE_SIGNER : 0);
    }
    for (let key = parsed.staticKeyCount; key < TEMPLATE_STATIC_KEYS_MAX; key++) roles[roleBase + key] = 0;
    for (let instruction = 0; instruction < parsed.instructionCount; instruction++) {
      const programIdIndex = parsed.ixProgramIdIndex[instruction];
      roles[roleBase + programIdIndex] |= ROLE_PROGRAM;
      const accountsOffset = parsed.ixAccountsOffset[instruction];
      for (let account = 0; account < parsed.ixAccountsCount[instruction]; account++) {
        const index = bytes[accountsOffset + account];
        if (index < parsed.staticKeyCount) roles[roleBase + index] |= ROLE_INSTRUCTION_ACCOUNT;
      }
      const programKeyOffset = parsed.staticKeyOffset(programIdIndex);
      const dataOffset = parsed.ixDataOffset[instruction];
      const dataLength = parsed.ixDataLength[instruction];
      dataBytes += dataLength;
      const firstByte = dataLength > 0 ? bytes[dataOffset] : 0;
      if (!isBuiltinProgramKey(bytes, programKeyOffset)) {
        nonBuiltinCount++;
        if (dataLength > 0 && keyEquals(bytes, programKeyOffset, SECP256R1_PROGRAM_ID))
          secp256r1Signatures += firstByte;
        continue;
      }
      builtinCount++;
      if (keyEquals(bytes, programKeyOffset, ED25519_PROGRAM_ID)) ed25519Signatures += firstByte;
      else if (keyEquals(bytes, programKeyOffset, SECP256K1_PROGRAM_ID)) secp256k1Signatures += firstByte;
      else if (keyEquals(bytes, programKeyOffset, COMPUTE_BUDGET_PROGRAM_ID)) {
        if (firstByte === CB_SET_COMPUTE_UNIT_LIMIT) limitIx = instruction;
        else if (firstByte === CB_SET_COMPUTE_UNIT_PRICE) priceIx = instruction;
        else if (firstByte === CB_REQUEST_HEAP_FRAME) heapIx = instruction;
        else if (firstByte === CB_SET_LOADED_ACCOUNTS_DATA_SIZE_LIMIT) loadedIx = instruction;
      }
    }
    let writableKeys = parsed.lookupWritableTotal;
    for (let key = 0; key < parsed.staticKeyCount; key++) if (parsed.isWritable(key)) writableKeys++;
    fields[at + FIELD_ID_HI] = this.scratchId.idHi;
    fields[at + FIELD_ID_LO] = this.scratchId.idLo;
    fields[at + FIELD_LIMIT_IX] = limitIx;
    fields[at + FIELD_PRICE_IX] = priceIx;
    fields[at + FIELD_HEAP_IX] = heapIx;
    fields[at + FIELD_LOADED_IX] = loadedIx;
    fields[at + FIELD_DEFAULT_CU_LIMIT] =
      builtinCount * MAX_BUILTIN_ALLOCATION_COMPUTE_UNIT_LIMIT +
      nonBuiltinCount * DEFAULT_INSTRUCTION_COMPUTE_UNIT_LIMIT;
    fields[at + FIELD_PRECOMPILE_SIGNATURES] = ed25519Signatures + secp256k1Signatures + secp256r1Signatures;
    fields[at + FIELD_SHAPE_COST_UNITS] =
      parsed.signatureCount * SIGNATURE_COST +
      ed25519Signatures * ED25519_VERIFY_STRICT_COST +
      secp256k1Signatures * SECP256K1_VERIFY_COST +
      secp256r1Signatures * SECP256R1_VERIFY_COST +
      writableKeys * WRITE_LOCK_UNITS +
      Math.floor(dataBytes / INSTRUCTION_DATA_BYTES_COST);
    fields[at + FIELD_LOOKUP_WRITABLE] = parsed.lookupWritableTotal;
    fields[at + FIELD_LOOKUP_READONLY] = parsed.lookupReadonlyTotal;
    fields[at + FIELD_DESCRIPTOR_BYTES] = length;
    this.templateHits[entry] = 0;
    this.clock.reset(entry);
    return entry;
  }

  /**
   * Lock hint of the transaction of the last passing check() (pass the same ParsedTransaction): the
   * static keys' absolute offsets and roles from the template, plus the looked-up account counts (their
   * keys need the tables). Returns false when the last check() did not pass.
   */
  fillLockHint(parsed: ParsedTransaction, hint: LockHint): boolean {
    const entry = this.lastEntry;
    if (entry < 0) {
      hint.keyCount = 0;
      return false;
    }
    const keyCount = parsed.staticKeyCount;
    const roleBase = entry * TEMPLATE_STATIC_KEYS_MAX;
    const keysOffset = parsed.staticKeysOffset;
    for (let key = 0; key < keyCount; key++) {
      hint.keyOffsets[key] = keysOffset + key * PUBKEY_BYTES;
      hint.roles[key] = this.roles[roleBase + key];
    }
    const at = entry * FIELDS;
    hint.keyCount = keyCount;
    hint.lookupWritableCount = this.fields[at + FIELD_LOOKUP_WRITABLE];
    hint.lookupReadonlyCount = this.fields[at + FIELD_LOOKUP_READONLY];
    hint.templateIdHi = this.fields[at + FIELD_ID_HI];
    hint.templateIdLo = this.fields[at + FIELD_ID_LO];
    hint.costUnits = this.lastCostUnits;
    return true;
  }

  /** Template id of the last passing check() as a bigint, or null (allocates: reporting only). */
  lastTemplateId(): bigint | null {
    if (this.lastEntry < 0) return null;
    const at = this.lastEntry * FIELDS;
    return templateIdBigInt(this.fields[at + FIELD_ID_HI], this.fields[at + FIELD_ID_LO]);
  }

  clear(): void {
    this.fields.fill(0);
    this.clock.clear();
    this.entries = 0;
    this.lastEntry = -1;
  }

  stats(): TemplateCacheStats {
    return {
      entries: this.entries,
      entriesMax: this.entriesMax,
      bytes: this.bytesHeld,
      hits: this.hits,
      misses: this.misses,
      notCached: this.notCached,
      inserts: this.inserts,
      evictions: this.evictions,
    };
  }
}

function fail(parsed: ParsedTransaction, code: number, absoluteOffset: number): number {
  parsed.errorCode = code;
  parsed.errorOffset = absoluteOffset - parsed.txOffset;
  return code;
}
