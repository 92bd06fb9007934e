/* AVX-512 8-bit add with two input quantizations (qu8-vadd.h): 64 elements per iteration in
 * four float32 vectors of 16; the tail uses masked byte loads and stores. */
#include <immintrin.h>

#include "pyedge/qu8-vadd.h"

static inline __m128i vadd_part(__m128i a, __m128i b, __m512i za, __m512i zb, __m512 ma,
                                __m512 mb, __m512 lo, __m512 hi, __m512i zo) {
  const __m512 ya = _mm512_mul_ps(
      _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_cvtepu8_epi32(a), za)), ma);
  const __m512 yb = _mm512_mul_ps(
      _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_cvtepu8_epi32(b), zb)), mb);
  const __m512 y = _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(ya, yb), lo), hi);
  /* cvtps rounds half to even (default MXCSR); results lie in [0, 255] */
  return _mm512_cvtepi32_epi8(_mm512_add_epi32(_mm512_cvtps_epi32(y), zo));
}

void pyedge_qu8_vadd_minmax__avx512(size_t n, const uint8_t* a, const uint8_t* b,
                                    uint8_t* out, const pyedge_qu8_vadd_params* p) {
  const pyedge_qu8_vadd_params q = *p;
  const __m512i fa = _mm512_set1_epi8((char) q.a_flip), fb = _mm512_set1_epi8((char) q.b_flip);
  const __m512i fo = _mm512_set1_epi8((char) q.out_flip);
  const __m512i za = _mm512_set1_epi32(q.a_zero_point), zb = _mm512_set1_epi32(q.b_zero_point);
  const __m512i zo = _mm512_set1_epi32(q.out_zero_point);
  const __m512 ma = _mm512_set1_ps(q.a_mult), mb = _mm512_set1_ps(q.b_mult);
  const __m512 lo = _mm512_set1_ps(q.out_lo), hi = _mm512_set1_ps(q.out_hi);
  for (size_t i = 0; i < n; i += 64) {
    const size_t left = n - i;
    const __mmask64 m = left >= 64 ? ~(__mmask64) 0 : (((__mmask64) 1 << left) - 1);
    const __m512i va = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, a + i), fa);
    const __m512i vb = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, b + i), fb);
    const __m128i r0 = vadd_part(_mm512_extracti32x4_epi32(va, 0),
                                 _mm512_extracti32x4_epi32(vb, 0), za, zb, ma, mb, lo, hi, zo);
    const __m128i r1 = vadd_part(_mm512_extracti32x4_epi32(va, 1),
                                 _mm512_extracti32x4_epi32(vb, 1), za, zb, ma, mb, lo, hi, zo);
    const __m128i r2 = vadd_part(_mm512_extracti32x4_epi32(va, 2),
                                 _mm512_extracti32x4_epi32(vb, 2), za, zb, ma, mb, lo, hi, zo);
    const __m128i r3 = vadd_part(_mm512_extracti32x4_epi32(va, 3),
                                 _mm512_extracti32x4_epi32(vb, 3), za, zb, ma, mb, lo, hi, zo);
    __m512i v = _mm512_castsi128_si512(r0);
    v = _mm512_inserti32x4(v, r1, 1);
    v = _mm512_inserti32x4(v, r2, 2);
    v = _mm512_inserti32x4(v, r3, 3);
    _mm512_mask_storeu_epi8(out + i, m, _mm512_xor_si512(v, fo));
  }
}
