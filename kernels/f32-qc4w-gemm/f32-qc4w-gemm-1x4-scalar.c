/* Portable C grouped-INT4 GEMM with float activations on the canonical layout (reference). */
#include "pyedge/qc4w-gemm.h"

void pyedge_f32_qc4w_gemm_1x4__scalar(size_t m, size_t n, size_t k, size_t group,
                                      const float* x, size_t x_stride, const uint8_t* w,
                                      const float* scale, const float* bias, float* out,
                                      size_t out_stride) {
  const size_t ngroups = k / group;
  for (size_t j = 0; j < n; j++) {
    const uint8_t* wj = w + j * (k / 2);
    const float* sj = scale + j * ngroups;
    for (size_t i = 0; i < m; i++) {
      const float* xi = x + i * x_stride;
      float acc = 0.0f;
      for (size_t g = 0; g < ngroups; g++) {
        float part = 0.0f;
        for (size_t kk = g * group; kk < (g + 1) * group; kk += 2) {
          const uint8_t b = wj[kk / 2];
          const int lo = (int)(b & 0x0F) - ((b & 0x08) << 1);
          const int hi = (int)(b >> 4) - ((b & 0x80) >> 3);
          part += xi[kk] * (float)lo;
          part += xi[kk + 1] * (float)hi;
        }
        acc += part * sj[g];
      }
      out[i * out_stride + j] = bias ? acc + bias[j] : acc;
    }
  }
}
