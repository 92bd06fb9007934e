/* AVX-512 float32 depthwise convolution: 16 channels per vector, taps in registers.
 * Channel blocks are the outer loop so each block's input lines are fetched once and reused
 * from L1 by the next output rows. */
#include <immintrin.h>

#include "pyedge/f32-dwconv2d.h"

/* A tile of 2 x tc output pixels (rows rr, rr + sh; columns ox .. ox + tc - 1) of a full
 * channel block with constant geometry: each input vector of the window is loaded once and
 * feeds every output that uses it (3x3 s1: 16 loads for 36 FMAs at tc = 2, 24 for 72 at 4).
 * Every output sums its taps in (ky, kx) order, like the single-pixel paths. */
PYEDGE_INLINE void tile2xn(const float* const* rr, float* PYEDGE_RESTRICT o, size_t c,
                           size_t ow, size_t off, const __m512* wv, __m512 vb, __m512 vmin,
                           __m512 vmax, const size_t kh, const size_t kw, const size_t sh,
                           const size_t sw, const size_t tc) {
  __m512 acc[2][4] = {{vb, vb, vb, vb}, {vb, vb, vb, vb}};
#pragma GCC unroll 8
  for (size_t iy = 0; iy < sh + kh; iy++) {
    const float* row = rr[iy] + off;  /* first tap column of the tile, this channel block */
#pragma GCC unroll 16
    for (size_t ix = 0; ix < (tc - 1) * sw + kw; ix++) {
      const __m512 x = _mm512_loadu_ps(row + ix * c);
#pragma GCC unroll 2
      for (size_t dr = 0; dr < 2; dr++) {
#pragma GCC unroll 4
        for (size_t dc = 0; dc < tc; dc++) {
          const ptrdiff_t ky = (ptrdiff_t)iy - (ptrdiff_t)(dr * sh);
          const ptrdiff_t kx = (ptrdiff_t)ix - (ptrdiff_t)(dc * sw);
          if (ky >= 0 && ky < (ptrdiff_t)kh && kx >= 0 && kx < (ptrdiff_t)kw)
            acc[dr][dc] = _mm512_fmadd_ps(x, wv[ky * kw + kx], acc[dr][dc]);
        }
      }
    }
  }
#pragma GCC unroll 2
  for (size_t dr = 0; dr < 2; dr++) {
#pragma GCC unroll 4
    for (size_t dc = 0; dc < tc; dc++)
      _mm512_storeu_ps(o + dr * ow * c + dc * c,
                       _mm512_min_ps(vmax, _mm512_max_ps(vmin, acc[dr][dc])));
  }
}

/* One channel block of ``nout`` output rows; ``full`` blocks use plain loads (foldable into
 * FMA), the tail block masked ones. With constant kh/kw the taps stay in registers. */
PYEDGE_INLINE void block(const float* const* rows, size_t nout, const float* w,
                         const float* bias, float* PYEDGE_RESTRICT out,
                         const pyedge_f32_dwconv2d_params* p, size_t c0, __mmask16 m,
                         const int full, const int fixed, const size_t kh, const size_t kw,
                         const size_t sh, const size_t sw, const size_t dh, const size_t dw,
                         size_t lo, size_t hi) {
  const size_t c = p->c, ow = p->ow;
  const ptrdiff_t iw = (ptrdiff_t)p->iw, pl = (ptrdiff_t)p->pad_left;
  const __m512 vmin = _mm512_set1_ps(p->min), vmax = _mm512_set1_ps(p->max);
  const __m512 vb = _mm512_maskz_loadu_ps(m, bias + c0);
  __m512 wv[25];
  if (fixed) {
#pragma GCC unroll 25
    for (size_t t = 0; t < kh * kw; t++) wv[t] = _mm512_maskz_loadu_ps(m, w + t * c + c0);
  }
  size_t r = 0;
  if (full && fixed) {  /* pairs of rows: 2x2 tiles in the interior, single pixels around */
    for (; r + 2 <= nout; r += 2) {
      const float* const* rr = rows + r * sh;
      float* o = out + r * ow * c + c0;
      for (size_t e = 0; e < 2; e++) {
        for (size_t d = 0; d < 2; d++) {
          const size_t a = e ? hi : 0, b = e ? ow : lo;
          for (size_t ox = a; ox < b; ox++) {
            __m512 acc = vb;
#pragma GCC unroll 5
            for (size_t ky = 0; ky < kh; ky++) {
#pragma GCC unroll 5
              for (size_t kx = 0; kx < kw; kx++) {
                const ptrdiff_t ix = (ptrdiff_t)(ox * sw + kx * dw) - pl;
                if (ix < 0 || ix >= iw) continue;
                acc = _mm512_fmadd_ps(_mm512_loadu_ps(rr[d * sh + ky] + (size_t)ix * c + c0),
                                      wv[ky * kw + kx], acc);
              }
            }
            _mm512_storeu_ps(o + d * ow * c + ox * c,
                             _mm512_min_ps(vmax, _mm512_max_ps(vmin, acc)));
          }
        }
      }
      size_t ox = lo;
      if (kh * kw <= 9) {  /* 8 accumulators + the taps fit in the 32 registers */
        for (; ox + 4 <= hi; ox += 4)
          tile2xn(rr, o + ox * c, c, ow, (ox * sw - (size_t)pl) * c + c0, wv, vb, vmin, vmax,
                  kh, kw, sh, sw, 4);
      }
      for (; ox + 2 <= hi; ox += 2)
        tile2xn(rr, o + ox * c, c, ow, (ox * sw - (size_t)pl) * c + c0, wv, vb, vmin, vmax, kh,
                kw, sh, sw, 2);
      for (; ox < hi; ox++) {
        for (size_t d = 0; d < 2; d++) {
          __m512 acc = vb;
#pragma GCC unroll 5
          for (size_t ky = 0; ky < kh; ky++) {
#pragma GCC unroll 5
            for (size_t kx = 0; kx < kw; kx++)
              acc = _mm512_fmadd_ps(
                  _mm512_loadu_ps(rr[d * sh + ky] + (ox * sw - (size_t)pl + kx) * c + c0),
                  wv[ky * kw + kx], acc);
          }
          _mm512_storeu_ps(o + d * ow * c + ox * c,
                           _mm512_min_ps(vmax, _mm512_max_ps(vmin, acc)));
        }
      }
    }
  }
  for (; r < nout; r++) {
    const float* const* rr = rows + r * sh;
    float* o = out + r * ow * c + c0;
    /* border columns: skip taps outside the row */
    for (size_t e = 0; e < 2; e++) {
      const size_t a = e ? hi : 0, b = e ? ow : lo;
      for (size_t ox = a; ox < b; ox++) {
        __m512 acc = vb;
#pragma GCC unroll 5
        for (size_t ky = 0; ky < kh; ky++) {
#pragma GCC unroll 5
          for (size_t kx = 0; kx < kw; kx++) {
            const ptrdiff_t ix = (ptrdiff_t)(ox * sw + kx * dw) - pl;
            if (ix < 0 || ix >= iw) continue;
            const __m512 x = _mm512_maskz_loadu_ps(m, rr[ky * dh] + (size_t)ix * c + c0);
            const __m512 wt = fixed ? wv[ky * kw + kx]
                                    : _mm512_maskz_loadu_ps(m, w + (ky * kw + kx) * c + c0);
            acc = _mm512_fmadd_ps(x, wt, acc);
          }
        }
        _mm512_mask_storeu_ps(o + ox * c, m, _mm512_min_ps(vmax, _mm512_max_ps(vmin, acc)));
      }
    }
    for (size_t ox = lo; ox < hi; ox++) {
      const size_t ix0 = ox * sw - (size_t)pl;
      /* one chain, taps in (ky, kx) order: the same sums as tile2x2 and the border path, so
       * results do not depend on how rows are grouped into calls (thread count) */
      __m512 y = vb;
#pragma GCC unroll 5
      for (size_t ky = 0; ky < kh; ky++) {
        const float* row = rr[ky * dh] + ix0 * c + c0;
#pragma GCC unroll 5
        for (size_t kx = 0; kx < kw; kx++) {
          const float* xp = row + kx * dw * c;
          const __m512 x = full ? _mm512_loadu_ps(xp) : _mm512_maskz_loadu_ps(m, xp);
          const __m512 wt = fixed ? wv[ky * kw + kx]
                                  : _mm512_maskz_loadu_ps(m, w + (ky * kw + kx) * c + c0);
          y = _mm512_fmadd_ps(x, wt, y);
        }
      }
      y = _mm512_min_ps(vmax, _mm512_max_ps(vmin, y));
      if (full)
        _mm512_storeu_ps(o + ox * c, y);
      else
        _mm512_mask_storeu_ps(o + ox * c, m, y);
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
  for (; c0 + 16 <= p->c; c0 += 16)
    block(rows, nout, w, bias, out, p, c0, 0xFFFF, 1, fixed, kh, kw, sh, sw, dh, dw, lo, hi);
  if (c0 < p->c) {
    const __mmask16 m = (__mmask16)((1u << (p->c - c0)) - 1u);
    block(rows, nout, w, bias, out, p, c0, m, 0, fixed, kh, kw, sh, sw, dh, dw, lo, hi);
  }
}

#define DEFINE(NAME, KH, KW, S)                                                         \
  void pyedge_f32_dwconv2d_##NAME##__avx512(const float* const* rows, size_t nout,      \
                                            const float* w, const float* bias,          \
                                            float* out,                                 \
                                            const pyedge_f32_dwconv2d_params* p) {      \
    dw_rows(rows, nout, w, bias, out, p, 1, KH, KW, S, S, 1, 1);                        \
  }

DEFINE(3x3s1, 3, 3, 1)
DEFINE(3x3s2, 3, 3, 2)
DEFINE(5x5s1, 5, 5, 1)
DEFINE(5x5s2, 5, 5, 2)

void pyedge_f32_dwconv2d_generic__avx512(const float* const* rows, size_t nout,
                                         const float* w, const float* bias, float* out,
                                         const pyedge_f32_dwconv2d_params* p) {
  dw_rows(rows, nout, w, bias, out, p, 0, p->kh, p->kw, p->sh, p->sw, p->dh, p->dw);
}
