/* AVX2 grouped-INT4 GEMM, float activations, K8X8 layout: sign-extend nibbles with shifts,
 * convert, scale by the group scale, FMA with 8 consecutive k of each row. */
#include <immintrin.h>
#include "pyedge/qc4w-gemm.h"

PYEDGE_INLINE float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

PYEDGE_INLINE void tile(const size_t mr, const size_t nc, size_t k, size_t group,
                        const float* x, size_t x_stride, const uint8_t* w, size_t wstride,
                        const float* scale, size_t sstride, const float* bias, float* out,
                        size_t out_stride) {
  const int gshift = __builtin_ctzll(group); /* group is a power of two */
  __m256 acc[4][2];
  for (size_t r = 0; r < mr; r++)
    for (size_t c = 0; c < nc; c++) acc[r][c] = _mm256_setzero_ps();
  for (size_t k0 = 0; k0 < k; k0 += 64) {
    __m256i v[2];
    for (size_t c = 0; c < nc; c++) {
      v[c] = _mm256_loadu_si256((const __m256i*)(w + c * wstride + k0 / 2));
      _mm_prefetch((const char*)(w + c * wstride + k0 / 2 + 512), _MM_HINT_T0);
    }
    const size_t tc = PYEDGE_MIN(64, k - k0) / 8;
    for (size_t t = 0; t < tc; t++) {
      const size_t kk = k0 + 8 * t;
      __m256 xv[4];
      for (size_t r = 0; r < mr; r++) xv[r] = _mm256_loadu_ps(x + r * x_stride + kk);
      for (size_t c = 0; c < nc; c++) {
        const __m256i q = _mm256_srai_epi32(_mm256_slli_epi32(v[c], 28), 28);
        v[c] = _mm256_srli_epi32(v[c], 4);
        const __m256 wv = _mm256_mul_ps(_mm256_cvtepi32_ps(q),
                                        _mm256_set1_ps(scale[c * sstride + (kk >> gshift)]));
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
  tile(MR, NC, k, group, x + i * x_stride, x_stride, w + j * wstride, wstride,             \
       scale + j * sstride, sstride, bias ? bias + j : NULL, out + i * out_stride + j,      \
       out_stride)

void pyedge_f32_qc4w_gemm_4x2__avx2(size_t m, size_t n, size_t k, size_t group,
                                    const float* x, size_t x_stride, const uint8_t* w,
                                    const float* scale, const float* bias, float* out,
                                    size_t out_stride) {
  const size_t kpad = PYEDGE_ROUND_UP(k, PYEDGE_MAX(64, group));
  const size_t wstride = kpad / 2, sstride = kpad / group;
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
