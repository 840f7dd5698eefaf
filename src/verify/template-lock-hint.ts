// LockHint: the accounts a transaction will lock, predicted from its template without re-deriving them —
// the absolute offsets of its static keys in the parsed buffer and each key's role bits, plus how many
// accounts its address-table lookups add (writable / readonly; their keys need the tables). A reusable,
// preallocated value the scheduler and the account cache read. Writable means writable by the message
// header, a superset of what Agave finally locks (it also demotes reserved keys and, without the
// upgradeable loader, invoked programs): a hint may over-lock, never under-lock.
import { TEMPLATE_STATIC_KEYS_MAX } from "./template-descriptor.ts";

/** The header makes the key writable. */
export const ROLE_WRITABLE = 1;
/** The key signs (one of the first numRequiredSignatures). */
export const ROLE_SIGNER = 2;
/** Some instruction invokes the key as its program. */
export const ROLE_PROGRAM = 4;
/** Some instruction passes the key as an account. */
export const ROLE_INSTRUCTION_ACCOUNT = 8;

export class LockHint {
  keyCount = 0;
  /** Absolute offset of static key i in the parsed buffer. */
  readonly keyOffsets = new Int32Array(TEMPLATE_STATIC_KEYS_MAX);
  /** ROLE_* bits of static key i. */
  readonly roles = new Uint8Array(TEMPLATE_STATIC_KEYS_MAX);
  lookupWritableCount = 0;
  lookupReadonlyCount = 0;
  templateIdHi = 0;
  templateIdLo = 0;
  /** Cost-model estimate (CU limit in place of executed units). */
  costUnits = 0;

  isWritable(key: number): boolean {
    return (this.roles[key] & ROLE_WRITABLE) !== 0;
  }
}
