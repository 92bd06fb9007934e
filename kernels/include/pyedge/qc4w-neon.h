/* NEON bodies of the grouped-INT4 GEMM on the canonical layout (32 k per 16 weight bytes),
 * shared by the -neon.c and -neondot.c ukernels (USE_DOT is a compile-time constant). */
#pragma once
#include <arm_neon.h>
#include "pyedge/qc4w-gemm.h"

/* Signed int4 values of 16 canonical bytes: *even = q[2j] (low nibbles), *odd = q[2j + 1]. */
PYEDGE_INLINE void pyedge_qc4w_unpack_neon(const uint8_t* w, int8x16_t* even, int8x16_t* odd) {
  const int8x16_t b = vreinterpretq_s8_u8(vld1q_u8(w));
  *even = vshrq_n_s8(vshlq_n_s8(b, 4), 4);  /* arithmetic shifts sign-extend the nibble */
  *odd = vshrq_n_s8(b, 4);
}

/* Exact int32 dot product of 16 int8 pairs: SDOT, or vmull_s8 + vpadalq_s16 (fits int16). */
PYEDGE_INLINE int32x4_t pyedge_dot16_neon(int32x4_t acc, int8x16_t a, int8x16_t b,
                                          const int use_dot) {
#if defined(__ARM_FEATURE_DOTPROD)
  if (use_dot) return vdotq_s32(acc, a, b);
#endif
  (void)use_dot;
  acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(a), vget_low_s8(b)));
  return vpadalq_s16(acc, vmull_high_s8(a, b));
}

/* pyedge_qd8_f32_qc4w_gemm_fn on the canonical layout, 4 channels per pass over a row. */
PYEDGE_INLINE void pyedge_qd8_qc4w_neon_body(size_t m, size_t n, size_t k, size_t group,
                                             const int8_t* xq, const float* sx,
                                             const uint8_t* w, const float* s,
                                             const float* bias, float* out,
                                             size_t out_stride, const int use_dot) {
  enum { NR = 4 };
  const size_t ngroups = k / group, wstride = k / 2;
  for (size_t i = 0; i < m; i++) {
    const int8_t* xi = xq + i * k;
    for (size_t j0 = 0; j0 < n; j0 += NR) {
      const size_t nn = PYEDGE_MIN(NR, n - j0);
      float acc[NR] = {0.0f, 0.0f, 0.0f, 0.0f};
      for (size_t g = 0; g < ngroups; g++) {
        int32x4_t dot[NR];
        for (size_t j = 0; j < NR; j++) dot[j] = vdupq_n_s32(0);
        for (size_t kk = g * group; kk < (g + 1) * group; kk += 32) {
          const int8x16x2_t x = vld2q_s8(xi + kk);  /* val[0]: even k, val[1]: odd k */
          for (size_t j = 0; j < nn; j++) {
            int8x16_t even, odd;
            pyedge_qc4w_unpack_neon(w + (j0 + j) * wstride + kk / 2, &even, &odd);
            dot[j] = pyedge_dot16_neon(dot[j], x.val[0], even, use_dot);
            dot[j] = pyedge_dot16_neon(dot[j], x.val[1], odd, use_dot);
          }
        }
        for (size_t j = 0; j < nn; j++) {  /* multiply, then add: no FMA (-ffp-contract=off) */
          const float prod = (float)vaddvq_s32(dot[j]) * s[(j0 + j) * ngroups + g];
          acc[j] = acc[j] + prod;
        }
      }
      for (size_t j = 0; j < nn; j++) {
        const float y = acc[j] * sx[i];
        out[i * out_stride + j0 + j] = bias ? y + bias[j0 + j] : y;
      }
    }
  }
}
