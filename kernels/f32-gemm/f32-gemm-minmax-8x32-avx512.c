/* AVX-512 float32 GEMM, tile 8 rows x 32 channels (broadcast-FMA, fused bias + clamp); a last
 * channel block of at most 16 uses a 16 x 16 tile over the first half of the packed block.
 * Rows past m reuse the last valid row (computed, never stored); channels past n are masked. */
#include <immintrin.h>

#include "pyedge/f32-gemm.h"

enum { NR = 32 };

PYEDGE_INLINE __mmask16 lanes(size_t count) {
  return count >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << count) - 1u);
}

static void tile8x32(size_t m, size_t nn, size_t k, const float* a, size_t a_stride,
                     const float* wb, const float* bias, float* out, size_t out_stride,
                     __m512 vmin, __m512 vmax) {
  enum { MR = 8 };
  const __mmask16 k0 = lanes(nn), k1 = lanes(nn - 16);
  const __m512 b0 = bias ? _mm512_maskz_loadu_ps(k0, bias) : _mm512_setzero_ps();
  const __m512 b1 = bias ? _mm512_maskz_loadu_ps(k1, bias + 16) : _mm512_setzero_ps();
  for (size_t m0 = 0; m0 < m; m0 += MR) {
    const size_t mm = PYEDGE_MIN(MR, m - m0);
    const float* ar[MR];
    for (size_t i = 0; i < MR; i++) ar[i] = a + (m0 + PYEDGE_MIN(i, mm - 1)) * a_stride;
    __m512 acc0[MR], acc1[MR];
#pragma GCC unroll 8
    for (size_t i = 0; i < MR; i++) {
      acc0[i] = b0;
      acc1[i] = b1;
    }
    for (size_t kk = 0; kk < k; kk++) {
      const __m512 w0 = _mm512_loadu_ps(wb + kk * NR);
      const __m512 w1 = _mm512_loadu_ps(wb + kk * NR + 16);
#pragma GCC unroll 8
      for (size_t i = 0; i < MR; i++) {
        const __m512 av = _mm512_set1_ps(ar[i][kk]);
        acc0[i] = _mm512_fmadd_ps(av, w0, acc0[i]);
        acc1[i] = _mm512_fmadd_ps(av, w1, acc1[i]);
      }
    }
    for (size_t i = 0; i < mm; i++) {
      float* o = out + (m0 + i) * out_stride;
      _mm512_mask_storeu_ps(o, k0, _mm512_min_ps(vmax, _mm512_max_ps(vmin, acc0[i])));
      _mm512_mask_storeu_ps(o + 16, k1, _mm512_min_ps(vmax, _mm512_max_ps(vmin, acc1[i])));
    }
  }
}

static void tile16x16(size_t m, size_t nn, size_t k, const float* a, size_t a_stride,
                      const float* wb, const float* bias, float* out, size_t out_stride,
                      __m512 vmin, __m512 vmax) {
  enum { MR = 16 };
  const __mmask16 k0 = lanes(nn);
  const __m512 b0 = bias ? _mm512_maskz_loadu_ps(k0, bias) : _mm512_setzero_ps();
  for (size_t m0 = 0; m0 < m; m0 += MR) {
    const size_t mm = PYEDGE_MIN(MR, m - m0);
    const float* ar[MR];
    for (size_t i = 0; i < MR; i++) ar[i] = a + (m0 + PYEDGE_MIN(i, mm - 1)) * a_stride;
    __m512 acc[MR];
#pragma GCC unroll 16
    for (size_t i = 0; i < MR; i++) acc[i] = b0;
    for (size_t kk = 0; kk < k; kk++) {
      const __m512 wv = _mm512_loadu_ps(wb + kk * NR);
#pragma GCC unroll 16
      for (size_t i = 0; i < MR; i++)
        acc[i] = _mm512_fmadd_ps(_mm512_set1_ps(ar[i][kk]), wv, acc[i]);
    }
    for (size_t i = 0; i < mm; i++)
      _mm512_mask_storeu_ps(out + (m0 + i) * out_stride, k0,
                            _mm512_min_ps(vmax, _mm512_max_ps(vmin, acc[i])));
  }
}

void pyedge_f32_gemm_minmax_8x32__avx512(size_t m, size_t n, size_t k, const float* a,
                                         size_t a_stride, const float* w_packed,
                                         const float* bias, float* out, size_t out_stride,
                                         float min, float max) {
  const __m512 vmin = _mm512_set1_ps(min), vmax = _mm512_set1_ps(max);
  for (size_t n0 = 0; n0 < n; n0 += NR) {
    const size_t nn = PYEDGE_MIN(NR, n - n0);
    const float* b = bias ? bias + n0 : NULL;
    if (nn > 16)
      tile8x32(m, nn, k, a, a_stride, w_packed + n0 * k, b, out + n0, out_stride, vmin, vmax);
    else
      tile16x16(m, nn, k, a, a_stride, w_packed + n0 * k, b, out + n0, out_stride, vmin,
                vmax);
  }
}
