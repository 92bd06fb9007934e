/* AVX-512 grouped-INT4 GEMM for many rows, float activations, K8C16 layout: decode 32
 * channels x 256 k into a float panel once (vpermps + group-scale multiply, exact), then an
 * 8x32 FMA microkernel streams every row over it. */
#include <immintrin.h>
#include "pyedge/f32-panel-gemm-avx512.h"
#include "pyedge/qc4w-gemm.h"

void pyedge_f32_qc4w_gemm_8x32__avx512(size_t m, size_t n, size_t k, size_t group,
                                       const float* x, size_t x_stride, const uint8_t* w,
                                       const float* scale, const float* bias, float* out,
                                       size_t out_stride) {
  const __m512 base = _mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1);
  const size_t ngroups = k / group;
  const int gshift = __builtin_ctzll(group); /* group is a power of two */
  float panel[PYEDGE_PANEL_KC * 32] __attribute__((aligned(64)));
  for (size_t j0 = 0; j0 < n; j0 += 32) {
    const size_t nvalid = PYEDGE_MIN(32, n - j0), nb = nvalid > 16 ? 2 : 1;
    for (size_t k0 = 0; k0 < k; k0 += PYEDGE_PANEL_KC) {
      const size_t kc = PYEDGE_MIN(PYEDGE_PANEL_KC, k - k0);
      for (size_t b = 0; b < nb; b++) {
        const size_t blk = j0 / 16 + b;
        const uint8_t* wb = w + blk * 8 * k;
        const float* sb = scale + blk * 16 * ngroups;
        for (size_t c = 0; c < kc / 8; c++) {
          const size_t kk = k0 + 8 * c;
          __m512i v = _mm512_loadu_si512((const void*)(wb + kk * 8));
          const __m512 s = _mm512_loadu_ps(sb + 16 * (kk >> gshift));
          for (size_t t = 0; t < 8; t++) {
            const __m512 q = _mm512_permutexvar_ps(v, base);
            v = _mm512_srli_epi32(v, 4);
            _mm512_store_ps(panel + (8 * c + t) * 32 + 16 * b, _mm512_mul_ps(q, s));
          }
        }
      }
      pyedge_panel_rows(m, nb, kc, panel, x + k0, x_stride, out + j0, out_stride, nvalid,
                        k0 == 0, k0 + kc >= k && bias ? bias + j0 : NULL);
    }
  }
}
