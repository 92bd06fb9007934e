/* Portable C grouped-INT4 GEMM with dynamic int8 activations on the canonical layout. */
#include "pyedge/qc4w-gemm.h"

void pyedge_qd8_f32_qc4w_gemm_1x4__scalar(size_t m, size_t n, size_t k, size_t group,
                                          const int8_t* xq, const int32_t* xsum,
                                          const float* sx, const uint8_t* w,
                                          const void* scale, const float* bias, float* out,
                                          size_t out_stride) {
  (void)xsum;
  const size_t ngroups = k / group;
  const float* s = (const float*)scale;
  for (size_t j = 0; j < n; j++) {
    const uint8_t* wj = w + j * (k / 2);
    const float* sj = s + j * ngroups;
    for (size_t i = 0; i < m; i++) {
      const int8_t* xi = xq + i * k;
      float acc = 0.0f;
      for (size_t g = 0; g < ngroups; g++) {
        int32_t dot = 0;
        for (size_t kk = g * group; kk < (g + 1) * group; kk += 2) {
          const uint8_t b = wj[kk / 2];
          const int32_t lo = (int32_t)(b & 0x0F) - ((b & 0x08) << 1);
          const int32_t hi = (int32_t)(b >> 4) - ((b & 0x80) >> 3);
          dot += (int32_t)xi[kk] * lo + (int32_t)xi[kk + 1] * hi;
        }
        const float prod = (float)dot * sj[g];
        acc = acc + prod;
      }
      const float y = acc * sx[i];
      out[i * out_stride + j] = bias ? y + bias[j] : y;
    }
  }
}
