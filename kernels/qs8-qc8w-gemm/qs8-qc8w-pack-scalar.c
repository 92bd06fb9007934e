/* Packing of int8 weights into the (nr, kr, kc) blocked layout of qs8-qc8w-gemm.h. */
#include <string.h>
#include "pyedge/qs8-qc8w-gemm.h"

void pyedge_qs8_qc8w_pack(size_t n, size_t k, uint32_t nr, uint32_t kr, uint32_t kc,
                          const int8_t* w, int8_t* out) {
  const size_t kpad = PYEDGE_ROUND_UP(k, kc);
  const size_t nblocks = PYEDGE_DIV_UP(n, nr);
  memset(out, 0, nblocks * nr * kpad);
  for (size_t b = 0; b < nblocks; b++) {
    int8_t* blk = out + b * nr * kpad;
    for (size_t c = 0; c < kpad / kr; c++) {
      for (size_t j = 0; j < nr; j++) {
        const size_t row = b * nr + j;
        if (row >= n) continue;
        for (size_t t = 0; t < kr; t++) {
          const size_t col = c * kr + t;
          if (col < k) blk[(c * nr + j) * kr + t] = w[row * k + col];
        }
      }
    }
  }
}
