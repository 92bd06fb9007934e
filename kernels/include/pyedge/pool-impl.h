/* Pooling ukernel bodies (see pool.h), plain loops over channels that each ISA file compiles
 * with its own flags (the channel loops vectorise to that ISA's vector width). */
#pragma once
#include <math.h>

#include "pyedge/pool.h"

static inline void pyedge_pool_f32_max(const void* const* taps, size_t n, size_t c,
                                       float* restrict o) {
  const float* restrict x0 = (const float*) taps[0];
  for (size_t i = 0; i < c; i++) o[i] = x0[i];
  size_t t = 1;
  for (; t + 1 < n; t += 2) {  /* two taps per pass over the output */
    const float* restrict a = (const float*) taps[t];
    const float* restrict b = (const float*) taps[t + 1];
    for (size_t i = 0; i < c; i++) {
      const float m = a[i] > b[i] ? a[i] : b[i];
      o[i] = m > o[i] ? m : o[i];
    }
  }
  if (t < n) {
    const float* restrict a = (const float*) taps[t];
    for (size_t i = 0; i < c; i++) o[i] = a[i] > o[i] ? a[i] : o[i];
  }
}

static inline void pyedge_pool_f32_avg(const void* const* taps, size_t n, size_t c,
                                       uint32_t count, float* restrict o) {
  const float* restrict x0 = (const float*) taps[0];
  for (size_t i = 0; i < c; i++) o[i] = x0[i];
  size_t t = 1;
  for (; t + 1 < n; t += 2) {
    const float* restrict a = (const float*) taps[t];
    const float* restrict b = (const float*) taps[t + 1];
    for (size_t i = 0; i < c; i++) o[i] += a[i] + b[i];
  }
  if (t < n) {
    const float* restrict a = (const float*) taps[t];
    for (size_t i = 0; i < c; i++) o[i] += a[i];
  }
  const float d = (float) count;
  for (size_t i = 0; i < c; i++) o[i] = o[i] / d;
}

static inline void pyedge_pool_u8_max(const void* const* taps, size_t n, size_t c,
                                      uint8_t* restrict o) {
  const uint8_t* restrict x0 = (const uint8_t*) taps[0];
  for (size_t i = 0; i < c; i++) o[i] = x0[i];
  size_t t = 1;
  for (; t + 1 < n; t += 2) {
    const uint8_t* restrict a = (const uint8_t*) taps[t];
    const uint8_t* restrict b = (const uint8_t*) taps[t + 1];
    for (size_t i = 0; i < c; i++) {
      const uint8_t m = a[i] > b[i] ? a[i] : b[i];
      const uint8_t v = o[i];
      o[i] = m > v ? m : v;
    }
  }
  if (t < n) {
    const uint8_t* restrict a = (const uint8_t*) taps[t];
    for (size_t i = 0; i < c; i++) {
      const uint8_t v = o[i];
      o[i] = a[i] > v ? a[i] : v;
    }
  }
}

static inline void pyedge_pool_u8_avg(const void* const* taps, size_t n, size_t c,
                                      uint32_t count, int32_t* restrict acc,
                                      uint8_t* restrict o) {
  const uint8_t* restrict x0 = (const uint8_t*) taps[0];
  for (size_t i = 0; i < c; i++) acc[i] = x0[i];
  size_t t = 1;
  for (; t + 1 < n; t += 2) {
    const uint8_t* restrict a = (const uint8_t*) taps[t];
    const uint8_t* restrict b = (const uint8_t*) taps[t + 1];
    for (size_t i = 0; i < c; i++) acc[i] += (int32_t) a[i] + (int32_t) b[i];
  }
  if (t < n) {
    const uint8_t* restrict a = (const uint8_t*) taps[t];
    for (size_t i = 0; i < c; i++) acc[i] += a[i];
  }
  if (count < 32768) {  /* sums < 2**24: exact in float32, one correctly rounded division */
    const float d = (float) count;
    for (size_t i = 0; i < c; i++) o[i] = (uint8_t) lrintf((float) acc[i] / d);
  } else {
    const int64_t d = count;
    for (size_t i = 0; i < c; i++) {
      const int64_t s = acc[i];
      int64_t q = s / d;
      const int64_t r2 = 2 * (s - q * d);
      q += r2 > d || (r2 == d && (q & 1));
      o[i] = (uint8_t) q;
    }
  }
}

/* The portable uint8 max pooling ukernel; SIMD files write their own (register accumulation
 * over all taps, masked or narrower channel tails). */
#define PYEDGE_POOL_DEFINE_U8_MAX(isa)                                                       \
  void pyedge_u8_maxpool__##isa(const void* const* taps, size_t n, size_t c, uint32_t count,  \
                                int32_t* acc, void* out) {                                   \
    (void) count;                                                                            \
    (void) acc;                                                                              \
    pyedge_pool_u8_max(taps, n, c, (uint8_t*) out);                                          \
  }

/* f32 max, f32 average and uint8 average ukernels of one ISA. */
#define PYEDGE_POOL_DEFINE(isa)                                                              \
  void pyedge_f32_maxpool__##isa(const void* const* taps, size_t n, size_t c, uint32_t count, \
                                 int32_t* acc, void* out) {                                  \
    (void) count;                                                                            \
    (void) acc;                                                                              \
    pyedge_pool_f32_max(taps, n, c, (float*) out);                                           \
  }                                                                                          \
  void pyedge_f32_avgpool__##isa(const void* const* taps, size_t n, size_t c, uint32_t count, \
                                 int32_t* acc, void* out) {                                  \
    (void) acc;                                                                              \
    pyedge_pool_f32_avg(taps, n, c, count, (float*) out);                                    \
  }                                                                                          \
  void pyedge_u8_avgpool__##isa(const void* const* taps, size_t n, size_t c, uint32_t count,  \
                                int32_t* acc, void* out) {                                   \
    pyedge_pool_u8_avg(taps, n, c, count, acc, (uint8_t*) out);                              \
  }
