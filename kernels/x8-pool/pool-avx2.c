/* Pooling ukernels (pool.h) compiled for avx2; uint8 max pooling with explicit AVX2: 32
 * channels per register, the max over every tap kept in registers, 16-wide and scalar tails. */
#include <immintrin.h>

#include "pyedge/pool-impl.h"

PYEDGE_POOL_DEFINE(avx2)

void pyedge_u8_maxpool__avx2(const void* const* taps, size_t n, size_t c, uint32_t count,
                             int32_t* acc, void* out) {
  (void) count;
  (void) acc;
  const uint8_t* const* t = (const uint8_t* const*) taps;
  uint8_t* o = (uint8_t*) out;
  size_t i = 0;
  for (; i + 64 <= c; i += 64) {  /* two independent registers per pass over the taps */
    __m256i v0 = _mm256_loadu_si256((const __m256i*) (t[0] + i));
    __m256i v1 = _mm256_loadu_si256((const __m256i*) (t[0] + i + 32));
    for (size_t k = 1; k < n; k++) {
      v0 = _mm256_max_epu8(v0, _mm256_loadu_si256((const __m256i*) (t[k] + i)));
      v1 = _mm256_max_epu8(v1, _mm256_loadu_si256((const __m256i*) (t[k] + i + 32)));
    }
    _mm256_storeu_si256((__m256i*) (o + i), v0);
    _mm256_storeu_si256((__m256i*) (o + i + 32), v1);
  }
  for (; i + 32 <= c; i += 32) {
    __m256i v = _mm256_loadu_si256((const __m256i*) (t[0] + i));
    for (size_t k = 1; k < n; k++)
      v = _mm256_max_epu8(v, _mm256_loadu_si256((const __m256i*) (t[k] + i)));
    _mm256_storeu_si256((__m256i*) (o + i), v);
  }
  for (; i + 16 <= c; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i*) (t[0] + i));
    for (size_t k = 1; k < n; k++)
      v = _mm_max_epu8(v, _mm_loadu_si128((const __m128i*) (t[k] + i)));
    _mm_storeu_si128((__m128i*) (o + i), v);
  }
  for (; i < c; i++) {
    uint8_t v = t[0][i];
    for (size_t k = 1; k < n; k++) v = t[k][i] > v ? t[k][i] : v;
    o[i] = v;
  }
}
