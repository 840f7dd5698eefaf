/*
 * ed25519.c: strict ed25519 verification with libsodium, one call per batch.
 * libsodium's crypto_sign_verify_detached rejects non-canonical S, small-order
 * A and R, non-canonical A, and compares R byte for byte: on the 914 CCTV
 * vectors it gives exactly Agave's verify_strict verdicts.
 */
#include <pthread.h>
#include <sodium.h>

#include "outrider.h"

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_init_result = -1;

static void init_sodium(void) { sodium_init_result = sodium_init(); }

static int sodium_ready(void) {
  pthread_once(&sodium_once, init_sodium);
  return sodium_init_result >= 0; /* 0 = initialised now, 1 = already initialised */
}

int32_t outrider_ed25519_verify_batch(const uint8_t *base, const uint32_t *sig_offsets,
                                      const uint32_t *key_offsets, const uint32_t *msg_offsets,
                                      const uint32_t *msg_lengths, uint32_t count, uint8_t *results) {
  if (!sodium_ready()) return -OUTRIDER_ESODIUM_INIT;
  if (count == 0) return 0;
  if (base == NULL || sig_offsets == NULL || key_offsets == NULL || msg_offsets == NULL ||
      msg_lengths == NULL || results == NULL)
    return -22; /* EINVAL */
  int32_t valid_count = 0;
  for (uint32_t i = 0; i < count; i++) {
    int ok = crypto_sign_verify_detached(base + sig_offsets[i], base + msg_offsets[i], msg_lengths[i],
                                         base + key_offsets[i]) == 0;
    results[i] = (uint8_t)ok;
    valid_count += ok;
  }
  return valid_count;
}

int32_t outrider_ed25519_verify_one(const uint8_t *signature, const uint8_t *public_key,
                                    const uint8_t *message, uint32_t message_length) {
  if (!sodium_ready()) return -OUTRIDER_ESODIUM_INIT;
  if (signature == NULL || public_key == NULL || (message == NULL && message_length != 0)) return -22;
  return crypto_sign_verify_detached(signature, message, message_length, public_key) == 0;
}
