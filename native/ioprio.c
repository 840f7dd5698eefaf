/*
 * ioprio.c: sets and reads the calling thread's I/O scheduling priority with
 * the ioprio_set/ioprio_get syscalls (IOPRIO_WHO_PROCESS with who = 0 means
 * the calling thread). Classes: 0 none, 1 realtime, 2 best-effort, 3 idle;
 * levels 0 (highest) to 7.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "outrider.h"

#define IOPRIO_WHO_PROCESS_ID 1
#define IOPRIO_CLASS_SHIFT_BITS 13

int32_t outrider_set_io_priority(int32_t io_class, int32_t level) {
  if (io_class < 0 || io_class > 3 || level < 0 || level > 7) return -EINVAL;
  long value = ((long)io_class << IOPRIO_CLASS_SHIFT_BITS) | level;
  long rc = syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS_ID, 0, value);
  return rc == 0 ? 0 : -errno;
}

/* Returns the raw ioprio value (class << 13 | data), or -errno. */
int32_t outrider_get_io_priority(void) {
  long rc = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS_ID, 0);
  return rc >= 0 ? (int32_t)rc : -errno;
}
