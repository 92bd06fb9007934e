/* AVX2 8-bit add with two input quantizations (qu8-vadd.h): 32 elements per iteration in
 * four float32 vectors of 8; the tail (< 32) runs the scalar definition. */
#include <immintrin.h>

#include "pyedge/qu8-vadd.h"

static inline __m256 vadd_part(__m256i a, __m256i b, __m256i za, __m256i zb, __m256 ma,
                               __m256 mb, __m256 lo, __m256 hi) {
  const __m256 ya = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(a, za)), ma);
  const __m256 yb = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(b, zb)), mb);
  return _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(ya, yb), lo), hi);
}

void pyedge_qu8_vadd_minmax__avx2(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* out,
                                  const pyedge_qu8_vadd_params* p) {
  const pyedge_qu8_vadd_params q = *p;
  const __m256i fa = _mm256_set1_epi8((char) q.a_flip), fb = _mm256_set1_epi8((char) q.b_flip);
  const __m256i fo = _mm256_set1_epi8((char) q.out_flip);
  const __m256i za = _mm256_set1_epi32(q.a_zero_point), zb = _mm256_set1_epi32(q.b_zero_point);
  const __m256i zo = _mm256_set1_epi32(q.out_zero_point);
  const __m256 ma = _mm256_set1_ps(q.a_mult), mb = _mm256_set1_ps(q.b_mult);
  const __m256 lo = _mm256_set1_ps(q.out_lo), hi = _mm256_set1_ps(q.out_hi);
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i va = _mm256_xor_si256(_mm256_loadu_si256((const __m256i*) (a + i)), fa);
    const __m256i vb = _mm256_xor_si256(_mm256_loadu_si256((const __m256i*) (b + i)), fb);
    const __m128i a_lo = _mm256_castsi256_si128(va), a_hi = _mm256_extracti128_si256(va, 1);
    const __m128i b_lo = _mm256_castsi256_si128(vb), b_hi = _mm256_extracti128_si256(vb, 1);
    /* elements 0-7, 8-15, 16-23, 24-31 widened to int32 */
    const __m256 y0 = vadd_part(_mm256_cvtepu8_epi32(a_lo), _mm256_cvtepu8_epi32(b_lo), za, zb,
                                ma, mb, lo, hi);
    const __m256 y1 = vadd_part(_mm256_cvtepu8_epi32(_mm_srli_si128(a_lo, 8)),
                                _mm256_cvtepu8_epi32(_mm_srli_si128(b_lo, 8)), za, zb, ma, mb,
                                lo, hi);
    const __m256 y2 = vadd_part(_mm256_cvtepu8_epi32(a_hi), _mm256_cvtepu8_epi32(b_hi), za, zb,
                                ma, mb, lo, hi);
    const __m256 y3 = vadd_part(_mm256_cvtepu8_epi32(_mm_srli_si128(a_hi, 8)),
                                _mm256_cvtepu8_epi32(_mm_srli_si128(b_hi, 8)), za, zb, ma, mb,
                                lo, hi);
    /* cvtps rounds half to even (default MXCSR); results lie in [0, 255] */
    const __m256i q0 = _mm256_add_epi32(_mm256_cvtps_epi32(y0), zo);
    const __m256i q1 = _mm256_add_epi32(_mm256_cvtps_epi32(y1), zo);
    const __m256i q2 = _mm256_add_epi32(_mm256_cvtps_epi32(y2), zo);
    const __m256i q3 = _mm256_add_epi32(_mm256_cvtps_epi32(y3), zo);
    /* packs interleave 128-bit lanes: dwords come out as q0a q1a q2a q3a q0b q1b q2b q3b */
    const __m256i bytes = _mm256_packus_epi16(_mm256_packs_epi32(q0, q1),
                                              _mm256_packs_epi32(q2, q3));
    const __m256i v = _mm256_permutevar8x32_epi32(bytes, order);
    _mm256_storeu_si256((__m256i*) (out + i), _mm256_xor_si256(v, fo));
  }
  for (; i < n; i++) out[i] = pyedge_qu8_vadd_one(a[i], b[i], &q);
}
