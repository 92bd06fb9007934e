/* Body of the direct stem convolution (f32-conv-hwc.h): plain loops that each ISA file
 * compiles with its own flags; the 32-channel accumulator loops vectorise to that ISA's
 * registers (2 x zmm, 4 x ymm) and stay in registers across the 27 taps. The body is
 * instantiated per input channel count (1, 2, 3) so the channel loop unrolls. SIMD files
 * define PYEDGE_CONV_HWC_MADD as fmaf (one rounding; a float kernel, tolerance F32_CONV). */
#pragma once
#include <math.h>

#include "pyedge/f32-conv-hwc.h"

#ifndef PYEDGE_CONV_HWC_MADD
#define PYEDGE_CONV_HWC_MADD(a, b, c) ((a) * (b) + (c))
#endif

PYEDGE_INLINE void pyedge_conv_hwc_rows(size_t ih, size_t iw, const size_t cin, const float* x,
                                        const float* w, const float* bias, size_t cout,
                                        size_t oy0, size_t oy1, size_t ow, size_t pt,
                                        size_t pl, float fmin, float fmax, float* y) {
  const size_t npass = PYEDGE_DIV_UP(cout, PYEDGE_CONV_HWC_PASS);
  for (size_t oy = oy0; oy < oy1; oy++) {
    for (size_t ox = 0; ox < ow; ox++) {
      float* yp = y + (oy * ow + ox) * cout;
      for (size_t p = 0; p < npass; p++) {
        float acc[PYEDGE_CONV_HWC_PASS];
        const float* wp = w + p * 9 * cin * PYEDGE_CONV_HWC_PASS;
        for (size_t j = 0; j < PYEDGE_CONV_HWC_PASS; j++)
          acc[j] = bias[p * PYEDGE_CONV_HWC_PASS + j];
        for (size_t ky = 0; ky < 3; ky++) {
          const ptrdiff_t iy = (ptrdiff_t) (2 * oy + ky) - (ptrdiff_t) pt;
          if (iy < 0 || iy >= (ptrdiff_t) ih) continue;
          for (size_t kx = 0; kx < 3; kx++) {
            const ptrdiff_t ix = (ptrdiff_t) (2 * ox + kx) - (ptrdiff_t) pl;
            if (ix < 0 || ix >= (ptrdiff_t) iw) continue;
            const float* xp = x + ((size_t) iy * iw + (size_t) ix) * cin;
            const float* wt = wp + (ky * 3 + kx) * cin * PYEDGE_CONV_HWC_PASS;
            for (size_t ci = 0; ci < cin; ci++) {
              const float v = xp[ci];
              for (size_t j = 0; j < PYEDGE_CONV_HWC_PASS; j++)
                acc[j] = PYEDGE_CONV_HWC_MADD(v, wt[ci * PYEDGE_CONV_HWC_PASS + j], acc[j]);
            }
          }
        }
        const size_t nc = PYEDGE_MIN(PYEDGE_CONV_HWC_PASS, cout - p * PYEDGE_CONV_HWC_PASS);
        for (size_t j = 0; j < nc; j++) {
          const float v = acc[j] < fmin ? fmin : acc[j];
          yp[p * PYEDGE_CONV_HWC_PASS + j] = v > fmax ? fmax : v;
        }
      }
    }
  }
}

#define PYEDGE_CONV_HWC_DEFINE(isa)                                                          \
  void pyedge_f32_conv_hwc_3x3s2_minmax__##isa(                                              \
      size_t ih, size_t iw, size_t cin, const float* x, const float* w, const float* bias,   \
      size_t cout, size_t oy0, size_t oy1, size_t ow, size_t pt, size_t pl, float fmin,      \
      float fmax, float* y) {                                                                \
    if (cin == 3)                                                                            \
      pyedge_conv_hwc_rows(ih, iw, 3, x, w, bias, cout, oy0, oy1, ow, pt, pl, fmin, fmax, y); \
    else if (cin == 2)                                                                       \
      pyedge_conv_hwc_rows(ih, iw, 2, x, w, bias, cout, oy0, oy1, ow, pt, pl, fmin, fmax, y); \
    else                                                                                     \
      pyedge_conv_hwc_rows(ih, iw, 1, x, w, bias, cout, oy0, oy1, ow, pt, pl, fmin, fmax, y); \
  }
