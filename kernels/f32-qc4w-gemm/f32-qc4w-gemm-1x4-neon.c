/* ARM NEON grouped-INT4 GEMM with float activations on the canonical layout: nibbles widened
 * to float in registers, float32 accumulation (tolerance F32_LOWBIT, like every f32 path). */
#include "pyedge/qc4w-neon.h"

/* 16 int8 values -> 4 float32x4 (in order). */
PYEDGE_INLINE void widen16(int8x16_t v, float32x4_t f[4]) {
  const int16x8_t lo = vmovl_s8(vget_low_s8(v)), hi = vmovl_s8(vget_high_s8(v));
  f[0] = vcvtq_f32_s32(vmovl_s16(vget_low_s16(lo)));
  f[1] = vcvtq_f32_s32(vmovl_s16(vget_high_s16(lo)));
  f[2] = vcvtq_f32_s32(vmovl_s16(vget_low_s16(hi)));
  f[3] = vcvtq_f32_s32(vmovl_s16(vget_high_s16(hi)));
}

void pyedge_f32_qc4w_gemm_1x4__neon(size_t m, size_t n, size_t k, size_t group, const float* x,
                                    size_t x_stride, const uint8_t* w, const float* scale,
                                    const float* bias, float* out, size_t out_stride) {
  const size_t ngroups = k / group, wstride = k / 2;
  for (size_t j = 0; j < n; j++) {
    const uint8_t* wj = w + j * wstride;
    const float* sj = scale + j * ngroups;
    for (size_t i = 0; i < m; i++) {
      const float* xi = x + i * x_stride;
      float32x4_t acc = vdupq_n_f32(0.0f);
      for (size_t g = 0; g < ngroups; g++) {
        float32x4_t part = vdupq_n_f32(0.0f);
        for (size_t kk = g * group; kk < (g + 1) * group; kk += 32) {
          int8x16_t even, odd;
          pyedge_qc4w_unpack_neon(wj + kk / 2, &even, &odd);
          float32x4_t fe[4], fo[4];
          widen16(even, fe);
          widen16(odd, fo);
          for (size_t t = 0; t < 4; t++) {
            const float32x4x2_t xv = vld2q_f32(xi + kk + 8 * t);  /* even / odd k */
            part = vfmaq_f32(part, xv.val[0], fe[t]);
            part = vfmaq_f32(part, xv.val[1], fo[t]);
          }
        }
        acc = vfmaq_n_f32(acc, part, sj[g]);
      }
      const float y = vaddvq_f32(acc);
      out[i * out_stride + j] = bias ? y + bias[j] : y;
    }
  }
}
