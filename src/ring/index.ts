// Public surface of src/ring: SPSC rings, doorbells, pollers, the shared packet pool and its allocator.
export * from "./clock.ts";
export * from "./doorbell.ts";
export * from "./errors.ts";
export * from "./packet-pool.ts";
export * from "./poller.ts";
export * from "./slot-allocator.ts";
export * from "./spsc-ring.ts";
