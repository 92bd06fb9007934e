/* ARM NEON float32 depthwise convolution rows, 3x3 stride 1 and 2 (dilation 1), NHWC with
 * 4 channels per vector and a scalar channel tail. */
#include <arm_neon.h>
#include "pyedge/f32-dwconv2d.h"

PYEDGE_INLINE void dw3x3_rows(const float* const* rows, size_t nout, const float* w,
                              const float* bias, float* PYEDGE_RESTRICT out,
                              const pyedge_f32_dwconv2d_params* p, const size_t s) {
  const size_t c = p->c, iw = p->iw, c4 = c / 4 * 4;
  const float32x4_t lo = vdupq_n_f32(p->min), hi = vdupq_n_f32(p->max);
  for (size_t r = 0; r < nout; r++) {
    for (size_t ox = 0; ox < p->ow; ox++) {
      float* o = out + (r * p->ow + ox) * c;
      const float* xt[3][3];  /* tap pointers, NULL for columns outside the row */
      for (size_t ky = 0; ky < 3; ky++)
        for (size_t kx = 0; kx < 3; kx++) {
          const ptrdiff_t ix = (ptrdiff_t)(ox * s + kx) - (ptrdiff_t)p->pad_left;
          xt[ky][kx] = (ix < 0 || ix >= (ptrdiff_t)iw) ? NULL
                                                       : rows[r * s + ky] + (size_t)ix * c;
        }
      for (size_t ch = 0; ch < c4; ch += 4) {
        float32x4_t acc = vld1q_f32(bias + ch);
        for (size_t ky = 0; ky < 3; ky++)
          for (size_t kx = 0; kx < 3; kx++)
            if (xt[ky][kx])
              acc = vfmaq_f32(acc, vld1q_f32(xt[ky][kx] + ch),
                              vld1q_f32(w + (ky * 3 + kx) * c + ch));
        vst1q_f32(o + ch, vminq_f32(vmaxq_f32(acc, lo), hi));
      }
      for (size_t ch = c4; ch < c; ch++) {
        float acc = bias[ch];
        for (size_t ky = 0; ky < 3; ky++)
          for (size_t kx = 0; kx < 3; kx++)
            if (xt[ky][kx]) acc += xt[ky][kx][ch] * w[(ky * 3 + kx) * c + ch];
        const float y = acc < p->min ? p->min : acc;
        o[ch] = y > p->max ? p->max : y;
      }
    }
  }
}

void pyedge_f32_dwconv2d_3x3s1__neon(const float* const* rows, size_t nout, const float* w,
                                     const float* bias, float* out,
                                     const pyedge_f32_dwconv2d_params* p) {
  dw3x3_rows(rows, nout, w, bias, out, p, 1);
}

void pyedge_f32_dwconv2d_3x3s2__neon(const float* const* rows, size_t nout, const float* w,
                                     const float* bias, float* out,
                                     const pyedge_f32_dwconv2d_params* p) {
  dw3x3_rows(rows, nout, w, bias, out, p, 2);
}
