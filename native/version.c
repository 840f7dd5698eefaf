/* version.c: reports the ABI version so the TS loader refuses a stale library. */
#include "outrider.h"

int32_t outrider_native_abi_version(void) { return OUTRIDER_NATIVE_ABI_VERSION; }
