/* AVX-512 float32 GEMM, tile 16 rows x 16 channels, broadcast-FMA, fused bias + clamp.
 * Rows past m reuse the last valid row (computed, never stored); channels past n are masked. */
#include <immintrin.h>

#include "pyedge/f32-gemm.h"

void pyedge_f32_gemm_minmax_16x16__avx512(size_t m, size_t n, size_t k, const float* a,
                                          size_t a_stride, const float* w_packed,
                                          const float* bias, float* out, size_t out_stride,
                                          float min, float max) {
  enum { MR = 16, NR = 16 };
  const __m512 vmin = _mm512_set1_ps(min), vmax = _mm512_set1_ps(max);
  for (size_t n0 = 0; n0 < n; n0 += NR) {
    const size_t nn = PYEDGE_MIN(NR, n - n0);
    const __mmask16 mask = (__mmask16)((1u << nn) - 1u);
    const float* wb = w_packed + n0 * k;
    const __m512 vb = bias ? _mm512_maskz_loadu_ps(mask, bias + n0) : _mm512_setzero_ps();
    for (size_t m0 = 0; m0 < m; m0 += MR) {
      const size_t mm = PYEDGE_MIN(MR, m - m0);
      const float* ar[MR];
      for (size_t i = 0; i < MR; i++) ar[i] = a + (m0 + PYEDGE_MIN(i, mm - 1)) * a_stride;
      __m512 acc[MR];
#pragma GCC unroll 16
      for (size_t i = 0; i < MR; i++) acc[i] = vb;
      for (size_t kk = 0; kk < k; kk++) {
        const __m512 wv = _mm512_loadu_ps(wb + kk * NR);
#pragma GCC unroll 16
        for (size_t i = 0; i < MR; i++)
          acc[i] = _mm512_fmadd_ps(_mm512_set1_ps(ar[i][kk]), wv, acc[i]);
      }
      for (size_t i = 0; i < mm; i++) {
        const __m512 y = _mm512_min_ps(_mm512_max_ps(acc[i], vmin), vmax);
        _mm512_mask_storeu_ps(out + (m0 + i) * out_stride + n0, mask, y);
      }
    }
  }
}
