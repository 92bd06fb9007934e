/* Direct 3x3 stride-2 NHWC convolution for few input channels (network stems, C_in = 1..3):
 * family f32_conv_hwc_3x3s2, no im2col buffer.
 *
 * A call computes output rows [oy0, oy1) of one image: x [ih][iw][cin], y [oh][ow][cout],
 *   y[oy][ox][co] = clamp(bias[co] + sum_{ky, kx, ci} x[2 oy + ky - pt][2 ox + kx - pl][ci]
 *                                                  * w[co][ky][kx][ci], fmin, fmax)
 * with taps outside the image left out (zero padding). Weights are packed in passes of 32
 * output channels, w[pass][ky][kx][ci][32] (zeros past cout), bias[pass * 32] likewise. Sums
 * run in float32 in (ky, kx, ci) order starting from the bias.
 */
#pragma once
#include "pyedge/common.h"

#define PYEDGE_CONV_HWC_PASS 32

typedef void (*pyedge_f32_conv_hwc_fn)(size_t ih, size_t iw, size_t cin, const float* x,
                                       const float* w, const float* bias, size_t cout,
                                       size_t oy0, size_t oy1, size_t ow, size_t pt, size_t pl,
                                       float fmin, float fmax, float* y);

typedef struct {
  const char* name;  /* full kernel name, e.g. f32_conv_hwc_3x3s2_minmax__avx512 */
  int isa;           /* enum pyedge_isa */
  pyedge_f32_conv_hwc_fn fn;
} pyedge_f32_conv_hwc_ukernel;

#define PYEDGE_CONV_HWC_DECLARE(isa)                                                         \
  void pyedge_f32_conv_hwc_3x3s2_minmax__##isa(size_t, size_t, size_t, const float*,         \
                                               const float*, const float*, size_t, size_t,   \
                                               size_t, size_t, size_t, size_t, float, float,  \
                                               float*);

PYEDGE_CONV_HWC_DECLARE(scalar)
PYEDGE_CONV_HWC_DECLARE(avx2)
PYEDGE_CONV_HWC_DECLARE(avx512)
