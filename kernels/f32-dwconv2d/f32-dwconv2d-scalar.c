/* Portable C float32 depthwise convolution rows (3x3/5x5 s1/s2 and generic), NHWC. */
#include "pyedge/f32-dwconv2d.h"

PYEDGE_INLINE void dw_rows(const float* const* rows, size_t nout, const float* w,
                           const float* bias, float* PYEDGE_RESTRICT out,
                           const pyedge_f32_dwconv2d_params* p, const size_t kh,
                           const size_t kw, const size_t sh, const size_t sw, const size_t dh,
                           const size_t dw) {
  const size_t c = p->c, iw = p->iw;
  for (size_t r = 0; r < nout; r++) {
    for (size_t ox = 0; ox < p->ow; ox++) {
      float* o = out + (r * p->ow + ox) * c;
      for (size_t ch = 0; ch < c; ch++) o[ch] = bias[ch];
      for (size_t ky = 0; ky < kh; ky++) {
        for (size_t kx = 0; kx < kw; kx++) {
          const ptrdiff_t ix = (ptrdiff_t)(ox * sw + kx * dw) - (ptrdiff_t)p->pad_left;
          if (ix < 0 || ix >= (ptrdiff_t)iw) continue;
          const float* x = rows[r * sh + ky * dh] + (size_t)ix * c;
          const float* wt = w + (ky * kw + kx) * c;
          for (size_t ch = 0; ch < c; ch++) o[ch] += x[ch] * wt[ch];
        }
      }
      for (size_t ch = 0; ch < c; ch++) {
        const float y = o[ch] < p->min ? p->min : o[ch];
        o[ch] = y > p->max ? p->max : y;
      }
    }
  }
}

#define DEFINE(NAME, KH, KW, S)                                                         \
  void pyedge_f32_dwconv2d_##NAME##__scalar(const float* const* rows, size_t nout,      \
                                            const float* w, const float* bias,          \
                                            float* out,                                 \
                                            const pyedge_f32_dwconv2d_params* p) {      \
    dw_rows(rows, nout, w, bias, out, p, KH, KW, S, S, 1, 1);                           \
  }

DEFINE(3x3s1, 3, 3, 1)
DEFINE(3x3s2, 3, 3, 2)
DEFINE(5x5s1, 5, 5, 1)
DEFINE(5x5s2, 5, 5, 2)

void pyedge_f32_dwconv2d_generic__scalar(const float* const* rows, size_t nout,
                                         const float* w, const float* bias, float* out,
                                         const pyedge_f32_dwconv2d_params* p) {
  dw_rows(rows, nout, w, bias, out, p, p->kh, p->kw, p->sh, p->sw, p->dh, p->dw);
}
