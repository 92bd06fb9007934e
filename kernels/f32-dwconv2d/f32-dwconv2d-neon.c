/* ARM NEON float32 depthwise convolution rows (3x3/5x5 s1/s2 and generic), NHWC with 4
 * channels per vector (two vectors at a time) and a scalar channel tail. */
#include <arm_neon.h>
#include "pyedge/f32-dwconv2d.h"

PYEDGE_INLINE void dw_rows(const float* const* rows, size_t nout, const float* w,
                           const float* bias, float* PYEDGE_RESTRICT out,
                           const pyedge_f32_dwconv2d_params* p, const size_t kh,
                           const size_t kw, const size_t sh, const size_t sw, const size_t dh,
                           const size_t dw) {
  const size_t c = p->c, iw = p->iw, c8 = c / 8 * 8, c4 = c / 4 * 4;
  const float32x4_t lo = vdupq_n_f32(p->min), hi = vdupq_n_f32(p->max);
  for (size_t r = 0; r < nout; r++) {
    for (size_t ox = 0; ox < p->ow; ox++) {
      float* o = out + (r * p->ow + ox) * c;
      /* columns kx0 .. kx1 - 1 of the window lie inside the row */
      const ptrdiff_t x0 = (ptrdiff_t)(ox * sw) - (ptrdiff_t)p->pad_left;
      size_t kx0 = 0, kx1 = kw;
      while (kx0 < kw && x0 + (ptrdiff_t)(kx0 * dw) < 0) kx0++;
      while (kx1 > kx0 && x0 + (ptrdiff_t)((kx1 - 1) * dw) >= (ptrdiff_t)iw) kx1--;
      size_t ch = 0;
      for (; ch < c8; ch += 8) {
        float32x4_t a0 = vld1q_f32(bias + ch), a1 = vld1q_f32(bias + ch + 4);
        for (size_t ky = 0; ky < kh; ky++) {
          const float* row = rows[r * sh + ky * dh];
          for (size_t kx = kx0; kx < kx1; kx++) {
            const float* x = row + (size_t)(x0 + (ptrdiff_t)(kx * dw)) * c + ch;
            const float* wt = w + (ky * kw + kx) * c + ch;
            a0 = vfmaq_f32(a0, vld1q_f32(x), vld1q_f32(wt));
            a1 = vfmaq_f32(a1, vld1q_f32(x + 4), vld1q_f32(wt + 4));
          }
        }
        vst1q_f32(o + ch, vminq_f32(vmaxq_f32(a0, lo), hi));
        vst1q_f32(o + ch + 4, vminq_f32(vmaxq_f32(a1, lo), hi));
      }
      for (; ch < c4; ch += 4) {
        float32x4_t a0 = vld1q_f32(bias + ch);
        for (size_t ky = 0; ky < kh; ky++) {
          const float* row = rows[r * sh + ky * dh];
          for (size_t kx = kx0; kx < kx1; kx++)
            a0 = vfmaq_f32(a0, vld1q_f32(row + (size_t)(x0 + (ptrdiff_t)(kx * dw)) * c + ch),
                           vld1q_f32(w + (ky * kw + kx) * c + ch));
        }
        vst1q_f32(o + ch, vminq_f32(vmaxq_f32(a0, lo), hi));
      }
      for (; ch < c; ch++) {
        float acc = bias[ch];
        for (size_t ky = 0; ky < kh; ky++)
          for (size_t kx = kx0; kx < kx1; kx++)
            acc += rows[r * sh + ky * dh][(size_t)(x0 + (ptrdiff_t)(kx * dw)) * c + ch] *
                   w[(ky * kw + kx) * c + ch];
        const float y = acc < p->min ? p->min : acc;
        o[ch] = y > p->max ? p->max : y;
      }
    }
  }
}

#define DEFINE(NAME, KH, KW, S)                                                       \
  void pyedge_f32_dwconv2d_##NAME##__neon(const float* const* rows, size_t nout,      \
                                          const float* w, const float* bias,          \
                                          float* out,                                 \
                                          const pyedge_f32_dwconv2d_params* p) {      \
    dw_rows(rows, nout, w, bias, out, p, KH, KW, S, S, 1, 1);                         \
  }

DEFINE(3x3s1, 3, 3, 1)
DEFINE(3x3s2, 3, 3, 2)
DEFINE(5x5s1, 5, 5, 1)
DEFINE(5x5s2, 5, 5, 2)

void pyedge_f32_dwconv2d_generic__neon(const float* const* rows, size_t nout, const float* w,
                                       const float* bias, float* out,
                                       const pyedge_f32_dwconv2d_params* p) {
  dw_rows(rows, nout, w, bias, out, p, p->kh, p->kw, p->sh, p->sw, p->dh, p->dw);
}
