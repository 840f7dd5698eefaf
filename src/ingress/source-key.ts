// Source identity for the per-source fair share of the priority buffer (--enable-adaptive-buffering):
// one u32 per sender. UDP: the IPv4 address itself; any other address (IPv6) hashed into 224.0.0.0/4,
// which is multicast and never a unicast source, so it cannot collide with a real IPv4 sender. JSON-RPC:
// the connection id in 240.0.0.0/4 (reserved, never a source address); without a connection id every
// RPC request shares one source. UDP source addresses are only ever used for fairness, never trusted.

const MULTICAST_PREFIX = 0xe0000000;
const RESERVED_PREFIX = 0xf0000000;
const LOW_28_BITS = 0x0fffffff;

/** IPv4 "a.b.c.d" as a u32, or 0 for anything else (no allocation). */
export function ipv4ToU32(address: string): number {
  let value = 0;
  let octet = 0;
  let dots = 0;
  let digits = 0;
  for (let index = 0; index < address.length; index++) {
    const code = address.charCodeAt(index);
    if (code === 46) {
      if (digits === 0 || octet > 255) return 0;
      value = (value << 8) | octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (code >= 48 && code <= 57) {
      octet = octet * 10 + code - 48;
      digits++;
    } else return 0;
  }
  if (dots !== 3 || digits === 0 || octet > 255) return 0;
  return ((value << 8) | octet) >>> 0;
}

/** Fair-share key of a UDP sender. */
export function udpSourceKey(address: string): number {
  const ipv4 = ipv4ToU32(address);
  if (ipv4 !== 0) return ipv4;
  let hash = 0x811c9dc5;
  for (let index = 0; index < address.length; index++)
    hash = Math.imul(hash ^ address.charCodeAt(index), 0x01000193);
  return (MULTICAST_PREFIX | (hash & LOW_28_BITS)) >>> 0;
}

/** Fair-share key of a JSON-RPC connection (0 when the server does not name connections). */
export function rpcSourceKey(connectionId: number): number {
  return (RESERVED_PREFIX | (connectionId & LOW_28_BITS)) >>> 0;
}
