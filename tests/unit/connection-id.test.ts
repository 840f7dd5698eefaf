// The JSON-RPC connection id (src/server/connection-id.ts) that gives each connection its own fair
// share under --enable-adaptive-buffering: 28 bits, the same for the same peer, different across the
// ports of one address (the connections of one client), and mapped by rpcSourceKey into 240.0.0.0/4,
// which is reserved (class E): no UDP sender has an address there, so the keys never meet.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { rpcSourceKey, udpSourceKey } from "../../src/ingress/source-key.ts";
import { connectionId } from "../../src/server/connection-id.ts";

const unicastV4 = fc.ipV4().filter((address) => Number(address.split(".")[0]) < 240);

describe("connectionId", () => {
  test("28 bits, deterministic, and an RPC source key apart from every UDP one (property)", () => {
    fc.assert(
      fc.property(fc.oneof(unicastV4, fc.ipV6()), fc.integer({ min: 0, max: 65_535 }), (address, port) => {
        const id = connectionId(address, port);
        expect(id).toBe(connectionId(address, port));
        expect(id >>> 28).toBe(0);
        const key = rpcSourceKey(id);
        expect(key >>> 28).toBe(0xf);
        expect(udpSourceKey(address) >>> 28).not.toBe(0xf);
      }),
      { numRuns: 500 },
    );
  });

  test("the connections of one client (one address, every port) get distinct ids", () => {
    for (const address of ["127.0.0.1", "::1", "10.1.2.3"]) {
      const ids = new Set<number>();
      for (let port = 1; port <= 65_535; port++) ids.add(connectionId(address, port));
      expect(ids.size).toBeGreaterThan(65_535 * 0.999);
    }
  });
});
