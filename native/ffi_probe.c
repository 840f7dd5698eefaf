/* ffi_probe.c: trivial exports used by bench/ffi.bench.ts to measure bun:ffi call overhead. */
#include "outrider.h"

int32_t outrider_ffi_noop(void) { return 0; }

uint32_t outrider_ffi_noop_ptr(const uint8_t *bytes, const uint32_t *words, uint32_t count) {
  if (bytes == 0 || words == 0 || count == 0) return count;
  return (uint32_t)bytes[0] + words[0] + count;
}
