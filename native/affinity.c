/*
 * affinity.c: pins the calling thread to one CPU and reads back the calling
 * thread's CPU mask. Uses pthread_*affinity_np on pthread_self(), so inside a
 * Bun Worker only that Worker's thread moves.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "outrider.h"

int32_t outrider_pin_current_thread(int32_t cpu) {
  if (cpu < 0 || cpu >= CPU_SETSIZE) return -EINVAL;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET((size_t)cpu, &set);
  int rc = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
  return rc == 0 ? 0 : -rc;
}

/* Writes up to capacity CPU numbers of the calling thread's mask; returns how many are set. */
int32_t outrider_current_thread_cpus(int32_t *cpus_out, uint32_t capacity) {
  cpu_set_t set;
  CPU_ZERO(&set);
  int rc = pthread_getaffinity_np(pthread_self(), sizeof(set), &set);
  if (rc != 0) return -rc;
  int32_t count = 0;
  for (int32_t cpu = 0; cpu < CPU_SETSIZE; cpu++) {
    if (!CPU_ISSET((size_t)cpu, &set)) continue;
    if (cpus_out != NULL && (uint32_t)count < capacity) cpus_out[count] = cpu;
    count++;
  }
  return count;
}

int32_t outrider_current_cpu(void) {
  int cpu = sched_getcpu();
  return cpu >= 0 ? cpu : -errno;
}

int32_t outrider_current_thread_id(void) { return (int32_t)syscall(SYS_gettid); }
