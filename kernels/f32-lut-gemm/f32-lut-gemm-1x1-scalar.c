/* Portable C codebook GEMM on the canonical little-endian index bitstream (reference). */
#include "pyedge/f32-lut-gemm.h"

void pyedge_f32_lut_gemm_1x1__scalar(size_t m, size_t n, size_t k, size_t bits,
                                     const float* x, size_t x_stride, const uint8_t* w,
                                     const float* levels, const float* bias, float* out,
                                     size_t out_stride) {
  const size_t wstride = (k * bits + 7) / 8;
  const uint32_t mask = (1u << bits) - 1;
  for (size_t j = 0; j < n; j++) {
    const uint8_t* row = w + j * wstride;
    const float* lev = levels + 16 * j;
    for (size_t i = 0; i < m; i++) {
      const float* xi = x + i * x_stride;
      float acc = 0.0f;
      for (size_t kk = 0; kk < k; kk++) {
        const size_t bit = kk * bits, byte = bit / 8, shift = bit % 8;
        uint32_t v = row[byte];
        if (shift + bits > 8) v |= (uint32_t)row[byte + 1] << 8;
        acc += xi[kk] * lev[(v >> shift) & mask];
      }
      out[i * out_stride + j] = bias ? acc + bias[j] : acc;
    }
  }
}
