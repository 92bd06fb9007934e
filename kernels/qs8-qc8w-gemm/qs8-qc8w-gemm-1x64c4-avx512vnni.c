/* AVX-512 VNNI INT8 GEMV / small-M ukernel: one row x 4 blocks of 16 channels (4 weight streams). */
#include "qs8-qc8w-gemm-avx512vnni-tile.h"

void pyedge_qs8_qc8w_gemm_minmax_1x64c4__avx512vnni(size_t m, size_t n, size_t k,
                                                    const uint8_t* a, size_t a_stride,
                                                    const int8_t* w, const pyedge_qparams* p,
                                                    void* out, size_t out_stride) {
  const size_t bstride = PYEDGE_VNNI_NR * PYEDGE_ROUND_UP(k, PYEDGE_VNNI_KC);
  const size_t nblocks = PYEDGE_DIV_UP(n, PYEDGE_VNNI_NR);
  const pyedge_qepi_avx512 e = pyedge_qepi_avx512_init(p);
  size_t b = 0;
  for (; b + 4 <= nblocks; b += 4)
    pyedge_vnni_group(1, 4, m, n, k, b, a, a_stride, w, bstride, p, &e, out, out_stride);
  switch (nblocks - b) {
    case 3: pyedge_vnni_group(1, 3, m, n, k, b, a, a_stride, w, bstride, p, &e, out, out_stride);
            break;
    case 2: pyedge_vnni_group(1, 2, m, n, k, b, a, a_stride, w, bstride, p, &e, out, out_stride);
            break;
    case 1: pyedge_vnni_group(1, 1, m, n, k, b, a, a_stride, w, bstride, p, &e, out, out_stride);
            break;
    default: break;
  }
}
