/* Portable C INT8 GEMM: tile 4x4, kr = 1. The reference every SIMD ukernel is tested against. */
#include "pyedge/qs8-qc8w-gemm.h"

void pyedge_qs8_qc8w_gemm_minmax_4x4__scalar(size_t m, size_t n, size_t k, const uint8_t* a,
                                             size_t a_stride, const int8_t* w_packed,
                                             const pyedge_qparams* p, void* out,
                                             size_t out_stride) {
  enum { MR = 4, NR = 4 };
  for (size_t n0 = 0; n0 < n; n0 += NR) {
    const int8_t* wb = w_packed + (n0 / NR) * NR * k;  /* kc = 1 -> kpad = k */
    const size_t nn = PYEDGE_MIN(NR, n - n0);
    for (size_t m0 = 0; m0 < m; m0 += MR) {
      const size_t mm = PYEDGE_MIN(MR, m - m0);
      int32_t acc[MR][NR] = {{0}};
      for (size_t kk = 0; kk < k; kk++) {
        const int8_t* wk = wb + kk * NR;
        for (size_t i = 0; i < mm; i++) {
          const int32_t av = a[(m0 + i) * a_stride + kk];
          for (size_t j = 0; j < NR; j++) acc[i][j] += av * (int32_t)wk[j];
        }
      }
      for (size_t i = 0; i < mm; i++)
        for (size_t j = 0; j < nn; j++)
          pyedge_qepilogue_scalar(p, n0 + j, acc[i][j], out, (m0 + i) * out_stride + n0 + j);
    }
  }
}
