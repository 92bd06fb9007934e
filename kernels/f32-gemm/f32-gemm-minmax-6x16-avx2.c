/* AVX2 float32 GEMM, tile 6 rows x 16 channels, broadcast-FMA, fused bias + clamp.
 * Rows past m reuse the last valid row (computed, never stored); channels past n are masked. */
#include <immintrin.h>

#include "pyedge/f32-gemm.h"

void pyedge_f32_gemm_minmax_6x16__avx2(size_t m, size_t n, size_t k, const float* a,
                                       size_t a_stride, const float* w_packed,
                                       const float* bias, float* out, size_t out_stride,
                                       float min, float max) {
  enum { MR = 6, NR = 16 };
  const __m256 vmin = _mm256_set1_ps(min), vmax = _mm256_set1_ps(max);
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (size_t n0 = 0; n0 < n; n0 += NR) {
    const size_t nn = PYEDGE_MIN(NR, n - n0);
    const __m256i m0v = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)nn), lane);
    const __m256i m1v = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)nn - 8), lane);
    const float* wb = w_packed + n0 * k;
    const __m256 b0 = bias ? _mm256_maskload_ps(bias + n0, m0v) : _mm256_setzero_ps();
    const __m256 b1 = bias ? _mm256_maskload_ps(bias + n0 + 8, m1v) : _mm256_setzero_ps();
    for (size_t r0 = 0; r0 < m; r0 += MR) {
      const size_t mm = PYEDGE_MIN(MR, m - r0);
      const float* ar[MR];
      for (size_t i = 0; i < MR; i++) ar[i] = a + (r0 + PYEDGE_MIN(i, mm - 1)) * a_stride;
      __m256 acc0[MR], acc1[MR];
#pragma GCC unroll 6
      for (size_t i = 0; i < MR; i++) {
        acc0[i] = b0;
        acc1[i] = b1;
      }
      for (size_t kk = 0; kk < k; kk++) {
        const __m256 w0 = _mm256_loadu_ps(wb + kk * NR);
        const __m256 w1 = _mm256_loadu_ps(wb + kk * NR + 8);
#pragma GCC unroll 6
        for (size_t i = 0; i < MR; i++) {
          const __m256 av = _mm256_broadcast_ss(ar[i] + kk);
          acc0[i] = _mm256_fmadd_ps(av, w0, acc0[i]);
          acc1[i] = _mm256_fmadd_ps(av, w1, acc1[i]);
        }
      }
      for (size_t i = 0; i < mm; i++) {
        float* o = out + (r0 + i) * out_stride + n0;
        _mm256_maskstore_ps(o, m0v, _mm256_min_ps(vmax, _mm256_max_ps(vmin, acc0[i])));
        _mm256_maskstore_ps(o + 8, m1v, _mm256_min_ps(vmax, _mm256_max_ps(vmin, acc1[i])));
      }
    }
  }
}
