/* Portable C float32 GEMM, tile 4x4, fused bias + clamp. */
#include "pyedge/f32-gemm.h"

void pyedge_f32_gemm_minmax_4x4__scalar(size_t m, size_t n, size_t k, const float* a,
                                        size_t a_stride, const float* w_packed,
                                        const float* bias, float* out, size_t out_stride,
                                        float min, float max) {
  enum { MR = 4, NR = 4 };
  for (size_t n0 = 0; n0 < n; n0 += NR) {
    const float* wb = w_packed + n0 * k;
    const size_t nn = PYEDGE_MIN(NR, n - n0);
    for (size_t m0 = 0; m0 < m; m0 += MR) {
      const size_t mm = PYEDGE_MIN(MR, m - m0);
      float acc[MR][NR];
      for (size_t i = 0; i < MR; i++)
        for (size_t j = 0; j < NR; j++) acc[i][j] = bias && j < nn ? bias[n0 + j] : 0.0f;
      for (size_t kk = 0; kk < k; kk++) {
        const float* wk = wb + kk * NR;
        for (size_t i = 0; i < mm; i++) {
          const float av = a[(m0 + i) * a_stride + kk];
          for (size_t j = 0; j < NR; j++) acc[i][j] += av * wk[j];
        }
      }
      for (size_t i = 0; i < mm; i++) {
        for (size_t j = 0; j < nn; j++) {
          const float y = acc[i][j] < min ? min : acc[i][j];
          out[(m0 + i) * out_stride + n0 + j] = y > max ? max : y;
        }
      }
    }
  }
}
