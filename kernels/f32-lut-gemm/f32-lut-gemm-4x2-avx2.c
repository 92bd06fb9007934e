/* AVX2 codebook GEMM (8-lane layout): a 16-entry lookup is two vpermps on the table halves
 * blended on index bit 3, then FMA with 8 consecutive k of each row. */
#include <immintrin.h>
#include "pyedge/f32-lut-gemm.h"

PYEDGE_INLINE float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

PYEDGE_INLINE __m256 lookup(__m256i idx, __m256 lo, __m256 hi) {
  const __m256 a = _mm256_permutevar8x32_ps(lo, idx);
  const __m256 b = _mm256_permutevar8x32_ps(hi, idx);
  return _mm256_blendv_ps(a, b, _mm256_castsi256_ps(_mm256_slli_epi32(idx, 28)));
}

PYEDGE_INLINE void tile(const size_t mr, const size_t nc, const size_t bits, size_t k,
                        const float* x, size_t x_stride, const uint8_t* w, size_t wstride,
                        const float* levels, const float* bias, float* out,
                        size_t out_stride) {
  const size_t per = 32 / bits, kb = 8 * per;
  __m256 acc[4][2], tlo[2], thi[2];
  for (size_t c = 0; c < nc; c++) {
    tlo[c] = _mm256_loadu_ps(levels + 16 * c);
    thi[c] = _mm256_loadu_ps(levels + 16 * c + 8);
  }
  for (size_t r = 0; r < mr; r++)
    for (size_t c = 0; c < nc; c++) acc[r][c] = _mm256_setzero_ps();
  for (size_t k0 = 0; k0 < k; k0 += kb) {
    __m256i v[2];
    for (size_t c = 0; c < nc; c++) {
      v[c] = _mm256_loadu_si256((const __m256i*)(w + c * wstride + (k0 / kb) * 32));
      _mm_prefetch((const char*)(w + c * wstride + (k0 / kb) * 32 + 512), _MM_HINT_T0);
    }
    for (size_t kt = k0; kt < PYEDGE_MIN(k, k0 + kb); kt += 8) {
      const size_t left = k - kt;
      __m256 xv[4];
      if (left >= 8) {
        for (size_t r = 0; r < mr; r++) xv[r] = _mm256_loadu_ps(x + r * x_stride + kt);
      } else { /* masked load: lanes past K read nothing and give 0 */
        const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)left), lane);
        for (size_t r = 0; r < mr; r++) xv[r] = _mm256_maskload_ps(x + r * x_stride + kt, mask);
      }
      for (size_t c = 0; c < nc; c++) {
        const __m256 wv = lookup(v[c], tlo[c], thi[c]);
        v[c] = _mm256_srli_epi32(v[c], (int)bits);
        for (size_t r = 0; r < mr; r++) acc[r][c] = _mm256_fmadd_ps(wv, xv[r], acc[r][c]);
      }
    }
  }
  for (size_t r = 0; r < mr; r++)
    for (size_t c = 0; c < nc; c++) {
      const float y = hsum(acc[r][c]);
      out[r * out_stride + c] = bias ? y + bias[c] : y;
    }
}

#define CASE(MR, NC)                                                                         \
  tile(MR, NC, bits, k, x + i * x_stride, x_stride, w + j * wstride, wstride,              \
       levels + 16 * j, bias ? bias + j : NULL, out + i * out_stride + j, out_stride)

void pyedge_f32_lut_gemm_4x2__avx2(size_t m, size_t n, size_t k, size_t bits, const float* x,
                                   size_t x_stride, const uint8_t* w, const float* levels,
                                   const float* bias, float* out, size_t out_stride) {
  const size_t kb = 8 * (32 / bits), wstride = PYEDGE_DIV_UP(k, kb) * 32;
  for (size_t j = 0; j < n;) {
    const size_t nc = PYEDGE_MIN(2, n - j);
    for (size_t i = 0; i < m;) {
      const size_t mr = PYEDGE_MIN(4, m - i);
      switch (mr * 4 + nc) {
        case 4 * 4 + 2: CASE(4, 2); break;
        case 3 * 4 + 2: CASE(3, 2); break;
        case 2 * 4 + 2: CASE(2, 2); break;
        case 1 * 4 + 2: CASE(1, 2); break;
        case 4 * 4 + 1: CASE(4, 1); break;
        case 3 * 4 + 1: CASE(3, 1); break;
        case 2 * 4 + 1: CASE(2, 1); break;
        default: CASE(1, 1);
      }
      i += mr;
    }
    j += nc;
  }
}
