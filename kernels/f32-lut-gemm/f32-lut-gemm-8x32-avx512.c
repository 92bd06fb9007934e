/* AVX-512 codebook GEMM for many rows (any index width, stored as nibbles in the K8C16 layout):
 * decode 32 channels x 256 k into a float panel with gathers from the per-channel tables,
 * then an 8x32 FMA microkernel streams every row over it. */
#include <immintrin.h>
#include "pyedge/f32-lut-gemm.h"
#include "pyedge/f32-panel-gemm-avx512.h"

void pyedge_f32_lut_gemm_8x32__avx512(size_t m, size_t n, size_t k, size_t bits,
                                      const float* x, size_t x_stride, const uint8_t* w,
                                      const float* levels, const float* bias, float* out,
                                      size_t out_stride) {
  (void)bits;
  const size_t kpad = PYEDGE_ROUND_UP(k, 8);
  const __m512i lane16 = _mm512_mullo_epi32(
      _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
      _mm512_set1_epi32(16));
  const __m512i mask4 = _mm512_set1_epi32(15);
  float panel[PYEDGE_PANEL_KC * 32] __attribute__((aligned(64)));
  for (size_t j0 = 0; j0 < n; j0 += 32) {
    const size_t nvalid = PYEDGE_MIN(32, n - j0), nb = nvalid > 16 ? 2 : 1;
    for (size_t k0 = 0; k0 < k; k0 += PYEDGE_PANEL_KC) {
      const size_t kc = PYEDGE_MIN(PYEDGE_PANEL_KC, k - k0);
      for (size_t b = 0; b < nb; b++) {
        const size_t blk = j0 / 16 + b;
        const uint8_t* wb = w + blk * 8 * kpad;
        const float* tab = levels + blk * 256;
        for (size_t c = 0; c < PYEDGE_DIV_UP(kc, 8); c++) {
          __m512i v = _mm512_loadu_si512((const void*)(wb + (k0 + 8 * c) * 8));
          for (size_t t = 0; t < 8; t++) {
            const __m512i idx = _mm512_add_epi32(lane16, _mm512_and_si512(v, mask4));
            v = _mm512_srli_epi32(v, 4);
            _mm512_store_ps(panel + (8 * c + t) * 32 + 16 * b,
                            _mm512_i32gather_ps(idx, tab, 4));
          }
        }
      }
      pyedge_panel_rows(m, nb, kc, panel, x + k0, x_stride, out + j0, out_stride, nvalid,
                        k0 == 0, k0 + kc >= k && bias ? bias + j0 : NULL);
    }
  }
}
