/* AVX2 float32 depthwise convolution: 8 channels per vector, taps in registers.
 * Channel blocks are the outer loop so each block's input lines are fetched once and reused
 * from L1 by the next output rows. */
#include <immintrin.h>

#include "pyedge/f32-dwconv2d.h"

/* One channel block of ``nout`` output rows; ``full`` blocks use plain loads (foldable into
 * FMA), the tail block masked ones. With constant kh/kw the taps stay in registers. */
PYEDGE_INLINE void block(const float* const* rows, size_t nout, const float* w,
                         const float* bias, float* PYEDGE_RESTRICT out,
                         const pyedge_f32_dwconv2d_params* p, size_t c0, __m256i m,
                         const int full, const int fixed, const size_t kh, const size_t kw,
                         const size_t sh, const size_t sw, const size_t dh, const size_t dw,
                         size_t lo, size_t hi) {
  const size_t c = p->c, ow = p->ow;
  const ptrdiff_t iw = (ptrdiff_t)p->iw, pl = (ptrdiff_t)p->pad_left;
  const __m256 vmin = _mm256_set1_ps(p->min), vmax = _mm256_set1_ps(p->max);
  const __m256 vb = _mm256_maskload_ps(bias + c0, m);
  __m256 wv[25];
  if (fixed) {
#pragma GCC unroll 25
    for (size_t t = 0; t < kh * kw; t++) wv[t] = _mm256_maskload_ps(w + t * c + c0, m);
  }
  for (size_t r = 0; r < nout; r++) {
    const float* const* rr = rows + r * sh;
    float* o = out + r * ow * c + c0;
    /* border columns: skip taps outside the row */
    for (size_t e = 0; e < 2; e++) {
      const size_t a = e ? hi : 0, b = e ? ow : lo;
      for (size_t ox = a; ox < b; ox++) {
        __m256 acc = vb;
#pragma GCC unroll 5
        for (size_t ky = 0; ky < kh; ky++) {
#pragma GCC unroll 5
          for (size_t kx = 0; kx < kw; kx++) {
            const ptrdiff_t ix = (ptrdiff_t)(ox * sw + kx * dw) - pl;
            if (ix < 0 || ix >= iw) continue;
            const __m256 x = _mm256_maskload_ps(rr[ky * dh] + (size_t)ix * c + c0, m);
            const __m256 wt = fixed ? wv[ky * kw + kx]
                                    : _mm256_maskload_ps(w + (ky * kw + kx) * c + c0, m);
            acc = _mm256_fmadd_ps(x, wt, acc);
          }
        }
        _mm256_maskstore_ps(o + ox * c, m, _mm256_min_ps(_mm256_max_ps(acc, vmin), vmax));
      }
    }
    for (size_t ox = lo; ox < hi; ox++) {
      const size_t ix0 = ox * sw - (size_t)pl;
      __m256 acc[5];
#pragma GCC unroll 5
      for (size_t ky = 0; ky < 5; ky++) acc[ky] = _mm256_setzero_ps();
      acc[0] = vb;
#pragma GCC unroll 5
      for (size_t ky = 0; ky < kh; ky++) {
        const float* row = rr[ky * dh] + ix0 * c + c0;
        const size_t a = fixed ? ky : 0;
#pragma GCC unroll 5
        for (size_t kx = 0; kx < kw; kx++) {
          const float* xp = row + kx * dw * c;
          const __m256 x = full ? _mm256_loadu_ps(xp) : _mm256_maskload_ps(xp, m);
          const __m256 wt = fixed ? wv[ky * kw + kx]
                                  : _mm256_maskload_ps(w + (ky * kw + kx) * c + c0, m);
          acc[a] = _mm256_fmadd_ps(x, wt, acc[a]);
        }
      }
      __m256 y = acc[0];
      if (fixed) {
#pragma GCC unroll 5
        for (size_t ky = 1; ky < kh; ky++) y = _mm256_add_ps(y, acc[ky]);
      }
      y = _mm256_min_ps(_mm256_max_ps(y, vmin), vmax);
      if (full)
        _mm256_storeu_ps(o + ox * c, y);
      else
        _mm256_maskstore_ps(o + ox * c, m, y);
    }
  }
}

PYEDGE_INLINE void dw_rows(const float* const* rows, size_t nout, const float* w,
                           const float* bias, float* out, const pyedge_f32_dwconv2d_params* p,
                           const int fixed, const size_t kh, const size_t kw, const size_t sh,
                           const size_t sw, const size_t dh, const size_t dw) {
  size_t lo, hi;
  pyedge_dwconv2d_interior(p, &lo, &hi);
  size_t c0 = 0;
  for (; c0 + 8 <= p->c; c0 += 8)
    block(rows, nout, w, bias, out, p, c0, _mm256_set1_epi32(-1), 1, fixed, kh, kw, sh, sw, dh, dw, lo, hi);
  if (c0 < p->c) {
    const __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(p->c - c0)),
                                         _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    block(rows, nout, w, bias, out, p, c0, m, 0, fixed, kh, kw, sh, sw, dh, dw, lo, hi);
  }
}

#define DEFINE(NAME, KH, KW, S)                                                         \
  void pyedge_f32_dwconv2d_##NAME##__avx2(const float* const* rows, size_t nout,      \
                                            const float* w, const float* bias,          \
                                            float* out,                                 \
                                            const pyedge_f32_dwconv2d_params* p) {      \
    dw_rows(rows, nout, w, bias, out, p, 1, KH, KW, S, S, 1, 1);                        \
  }

DEFINE(3x3s1, 3, 3, 1)
DEFINE(3x3s2, 3, 3, 2)
DEFINE(5x5s1, 5, 5, 1)
DEFINE(5x5s2, 5, 5, 2)

void pyedge_f32_dwconv2d_generic__avx2(const float* const* rows, size_t nout,
                                         const float* w, const float* bias, float* out,
                                         const pyedge_f32_dwconv2d_params* p) {
  dw_rows(rows, nout, w, bias, out, p, 0, p->kh, p->kw, p->sh, p->sw, p->dh, p->dw);
}
