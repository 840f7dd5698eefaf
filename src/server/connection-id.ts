// The id of the TCP connection an HTTP request came on: its peer's address and port (unique among
// open connections to one listener), hashed to 28 bits (FNV-1a over the address's characters, then the
// port). Given to sendTransaction so that, with --enable-adaptive-buffering, each JSON-RPC connection
// gets its own fair share of the priority buffer (src/ingress/source-key.ts maps it to a source key).
// It is only ever used for fairness; nothing is trusted on it. No allocation.

export const CONNECTION_ID_BITS = 28;
const LOW_28_BITS = 0x0fffffff;

/** Connection id of a peer (address as Bun reports it, port). */
export function connectionId(address: string, port: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < address.length; index++)
    hash = Math.imul(hash ^ address.charCodeAt(index), 0x01000193);
  hash = Math.imul(hash ^ (port & 0xff), 0x01000193);
  hash = Math.imul(hash ^ (port >>> 8), 0x01000193);
  return (hash ^ (hash >>> CONNECTION_ID_BITS)) & LOW_28_BITS;
}
