/* Float32 NHWC depthwise convolution: ``nout`` consecutive output rows per ukernel call,
 * channels in SIMD lanes.
 *
 * A call computes out[r, ox, ch] for r < nout, ox < ow, ch < c:
 *   out[r, ox, ch] = clamp(bias[ch]
 *       + sum_{ky,kx} rows[r * sh + ky * dh][ix * c + ch] * w[(ky * kw + kx) * c + ch])
 *   with ix = ox * sw - pad_left + kx * dw; taps with ix outside [0, iw) contribute nothing.
 * rows[j] points at input row (first row of the call) + j (iw * c floats each); the driver
 * points rows above/below the image at a zero row of iw * c floats. Weights are the canonical
 * [kh, kw, c] array, bias is [c]. Specialised ukernels require their own (kh, kw, sh, sw) and
 * dilation 1; the generic one reads the geometry from the params.
 * Preconditions: c, ow >= 1; every ox has at least one in-range tap or is a pure pad pixel.
 */
#pragma once
#include "pyedge/common.h"

typedef struct {
  size_t kh, kw, sh, sw, dh, dw;
  size_t iw, c, ow, pad_left;
  float min, max;
} pyedge_f32_dwconv2d_params;

typedef void (*pyedge_f32_dwconv2d_fn)(const float* const* rows, size_t nout, const float* w,
                                       const float* bias, float* out,
                                       const pyedge_f32_dwconv2d_params* p);

typedef struct {
  const char* name;  /* full kernel name, e.g. f32_dwconv2d_3x3s1__avx512 */
  const char* family;
  int isa;           /* enum pyedge_isa */
  uint32_t kh, kw, sh, sw;  /* 0 = any (generic ukernel) */
  pyedge_f32_dwconv2d_fn fn;
} pyedge_f32_dwconv2d_ukernel;

/* Interior output columns [*lo, *hi): every tap of those columns reads inside the row. */
PYEDGE_INLINE void pyedge_dwconv2d_interior(const pyedge_f32_dwconv2d_params* p, size_t* lo,
                                            size_t* hi) {
  const size_t span = (p->kw - 1) * p->dw;
  size_t l = PYEDGE_DIV_UP(p->pad_left, p->sw);
  size_t h = 0;
  if (p->iw + p->pad_left >= span + 1) h = (p->iw + p->pad_left - span - 1) / p->sw + 1;
  if (h > p->ow) h = p->ow;
  if (l > h) l = h;
  *lo = l;
  *hi = h;
}

#define PYEDGE_F32_DWCONV2D_DECLARE(isa)                                                     \
  void pyedge_f32_dwconv2d_3x3s1__##isa(const float* const*, size_t, const float*,           \
                                        const float*, float*, const pyedge_f32_dwconv2d_params*);          \
  void pyedge_f32_dwconv2d_3x3s2__##isa(const float* const*, size_t, const float*,           \
                                        const float*, float*, const pyedge_f32_dwconv2d_params*);          \
  void pyedge_f32_dwconv2d_5x5s1__##isa(const float* const*, size_t, const float*,           \
                                        const float*, float*, const pyedge_f32_dwconv2d_params*);          \
  void pyedge_f32_dwconv2d_5x5s2__##isa(const float* const*, size_t, const float*,           \
                                        const float*, float*, const pyedge_f32_dwconv2d_params*);          \
  void pyedge_f32_dwconv2d_generic__##isa(const float* const*, size_t, const float*,         \
                                          const float*, float*, const pyedge_f32_dwconv2d_params*);

PYEDGE_F32_DWCONV2D_DECLARE(scalar)
PYEDGE_F32_DWCONV2D_DECLARE(avx2)
PYEDGE_F32_DWCONV2D_DECLARE(avx512)
PYEDGE_F32_DWCONV2D_DECLARE(neon)
