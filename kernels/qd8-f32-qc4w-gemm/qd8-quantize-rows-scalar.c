/* Dynamic per-row int8 quantization of float activations for the qd8 GEMM (portable C). */
#include <math.h>
#include "pyedge/qc4w-gemm.h"

void pyedge_qd8_quantize_rows(size_t m, size_t k, size_t group, const float* x,
                              size_t x_stride, int8_t* xq, int32_t* xsum, float* sx) {
  const float magic = 12582912.0f; /* 1.5 * 2**23: (v + magic) - magic rounds half to even */
  const size_t ngroups = k / group;
  for (size_t i = 0; i < m; i++) {
    const float* xi = x + i * x_stride;
    int8_t* qi = xq + i * k;
    float amax = 0.0f;
    for (size_t kk = 0; kk < k; kk++) {
      const float a = fabsf(xi[kk]);
      amax = a > amax ? a : amax;
    }
    const float inv = amax > 0.0f ? 127.0f / amax : 0.0f;
    sx[i] = amax / 127.0f;
    for (size_t kk = 0; kk < k; kk++) {
      float v = xi[kk] * inv;
      v = (v + magic) - magic;
      v = v < -127.0f ? -127.0f : v;
      v = v > 127.0f ? 127.0f : v;
      qi[kk] = (int8_t)v;
    }
    for (size_t g = 0; g < ngroups; g++) {
      int32_t s = 0;
      for (size_t kk = g * group; kk < (g + 1) * group; kk++) s += qi[kk];
      xsum[i * ngroups + g] = s;
    }
  }
}
