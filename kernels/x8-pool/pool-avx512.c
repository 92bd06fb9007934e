/* Pooling ukernels (pool.h) compiled for avx512; uint8 max pooling with explicit AVX-512BW:
 * 64 channels per register, the max over every tap kept in registers, masked channel tail. */
#include <immintrin.h>

#include "pyedge/pool-impl.h"

PYEDGE_POOL_DEFINE(avx512)

void pyedge_u8_maxpool__avx512(const void* const* taps, size_t n, size_t c, uint32_t count,
                               int32_t* acc, void* out) {
  (void) count;
  (void) acc;
  const uint8_t* const* t = (const uint8_t* const*) taps;
  uint8_t* o = (uint8_t*) out;
  size_t i = 0;
  for (; i + 128 <= c; i += 128) {  /* two independent registers per pass over the taps */
    __m512i v0 = _mm512_loadu_si512(t[0] + i), v1 = _mm512_loadu_si512(t[0] + i + 64);
    for (size_t k = 1; k < n; k++) {
      v0 = _mm512_max_epu8(v0, _mm512_loadu_si512(t[k] + i));
      v1 = _mm512_max_epu8(v1, _mm512_loadu_si512(t[k] + i + 64));
    }
    _mm512_storeu_si512(o + i, v0);
    _mm512_storeu_si512(o + i + 64, v1);
  }
  for (; i < c; i += 64) {  /* at most two more chunks, the last one masked */
    const size_t left = c - i;
    const __mmask64 m = left >= 64 ? ~(__mmask64) 0 : (((__mmask64) 1 << left) - 1);
    __m512i v = _mm512_maskz_loadu_epi8(m, t[0] + i);
    for (size_t k = 1; k < n; k++) v = _mm512_max_epu8(v, _mm512_maskz_loadu_epi8(m, t[k] + i));
    _mm512_mask_storeu_epi8(o + i, m, v);
  }
}
