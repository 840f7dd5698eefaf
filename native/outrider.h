/*
 * outrider.h: the C ABI of liboutrider.so, the native helpers that Outrider
 * loads with bun:ffi (src/native/library.ts mirrors every declaration here).
 *
 * Conventions: every function is safe to call from any thread (a Bun Worker is
 * a thread); errors are returned as negative errno values (or the negative
 * OUTRIDER_E* codes below), never by aborting; nothing here calls back into JS.
 * Bump OUTRIDER_NATIVE_ABI_VERSION whenever a signature or a layout changes.
 */
#ifndef OUTRIDER_H
#define OUTRIDER_H

#include <stdint.h>

#define OUTRIDER_NATIVE_ABI_VERSION 1

/* Error codes beyond errno (returned negated). */
#define OUTRIDER_EHWLOC_INIT 10001
#define OUTRIDER_EHWLOC_LOAD 10002
#define OUTRIDER_ESODIUM_INIT 10003

/* version.c */
int32_t outrider_native_abi_version(void);

/* affinity.c: the calling thread only (a Worker pins itself). */
int32_t outrider_pin_current_thread(int32_t cpu);
int32_t outrider_current_thread_cpus(int32_t *cpus_out, uint32_t capacity);
int32_t outrider_current_cpu(void);
int32_t outrider_current_thread_id(void);

/* ioprio.c: the calling thread's I/O priority (class 0-3, level 0-7). */
int32_t outrider_set_io_priority(int32_t io_class, int32_t level);
int32_t outrider_get_io_priority(void);

/*
 * topology.c: the machine topology from hwloc as a flat array of int64.
 * Layout version 1 (indices into out[]):
 *   0 layout version (1)        1 packages      2 cores       3 PUs       4 NUMA nodes
 *   5 L1d bytes   6 L1d count   7 L2 bytes      8 L2 count    9 L3 bytes  10 L3 count
 *   11 PU record count          12 PU record width (5)
 *   13.. one record per PU, in hwloc logical order:
 *        PU OS index (the CPU number for affinity), core logical index,
 *        package logical index, NUMA node OS index, L3 logical index
 *        (-1 where the object does not exist).
 * Cache sizes are those of the first cache object of that level (0 if none).
 * Returns the number of int64 the full layout needs; writes only when it fits
 * in capacity. Negative on error.
 */
#define OUTRIDER_TOPOLOGY_HEADER_LEN 13
#define OUTRIDER_TOPOLOGY_PU_RECORD_LEN 5
int32_t outrider_topology_read(int64_t *out, uint32_t capacity);

/*
 * ed25519.c: libsodium crypto_sign_verify_detached, which gives the verdicts of
 * Agave's verify_strict. All offsets index one buffer (e.g. a shared packet
 * pool); the caller guarantees every range lies inside it. results[i] is 1
 * when signature i verifies, else 0. Returns the number that verified, or a
 * negative error.
 */
int32_t outrider_ed25519_verify_batch(const uint8_t *base, const uint32_t *sig_offsets,
                                      const uint32_t *key_offsets, const uint32_t *msg_offsets,
                                      const uint32_t *msg_lengths, uint32_t count, uint8_t *results);
int32_t outrider_ed25519_verify_one(const uint8_t *signature, const uint8_t *public_key,
                                    const uint8_t *message, uint32_t message_length);

/* ffi_probe.c: trivial functions that measure the cost of a bun:ffi call. */
int32_t outrider_ffi_noop(void);
uint32_t outrider_ffi_noop_ptr(const uint8_t *bytes, const uint32_t *words, uint32_t count);

#endif
