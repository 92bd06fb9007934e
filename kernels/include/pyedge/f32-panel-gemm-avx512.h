/* AVX-512 float microkernel over a decoded weight panel, shared by the many-row int4 and
 * codebook GEMMs: out[r, 0:nvalid] (+)= x[r, 0:kc] @ panel[0:kc][0:16 nb] for mr <= 8 rows.
 * `first` starts from zero (else from out), `bias` (or NULL) is added on the last K panel. */
#pragma once
#include <immintrin.h>
#include "pyedge/common.h"

#define PYEDGE_PANEL_KC 256 /* k per decoded panel: 32 channels x 256 k floats = 32 KiB */

PYEDGE_INLINE void pyedge_panel_tile(const size_t mr, const size_t nb, size_t kc,
                                     const float* panel, const float* x, size_t x_stride,
                                     float* out, size_t out_stride, size_t nvalid, int first,
                                     const float* bias) {
  const __mmask16 m0 = (__mmask16)(nvalid >= 16 ? 0xFFFF : (1u << nvalid) - 1);
  const __mmask16 m1 = (__mmask16)(nvalid >= 32 ? 0xFFFF
                                                : nvalid > 16 ? (1u << (nvalid - 16)) - 1 : 0);
  __m512 acc[8][2];
  for (size_t r = 0; r < mr; r++) {
    acc[r][0] = first ? _mm512_setzero_ps() : _mm512_maskz_loadu_ps(m0, out + r * out_stride);
    if (nb == 2)
      acc[r][1] = first ? _mm512_setzero_ps()
                        : _mm512_maskz_loadu_ps(m1, out + r * out_stride + 16);
  }
  for (size_t kk = 0; kk < kc; kk++) {
    const __m512 w0 = _mm512_load_ps(panel + kk * 32);
    const __m512 w1 = nb == 2 ? _mm512_load_ps(panel + kk * 32 + 16) : w0;
    for (size_t r = 0; r < mr; r++) {
      const __m512 xb = _mm512_set1_ps(x[r * x_stride + kk]);
      acc[r][0] = _mm512_fmadd_ps(w0, xb, acc[r][0]);
      if (nb == 2) acc[r][1] = _mm512_fmadd_ps(w1, xb, acc[r][1]);
    }
  }
  for (size_t r = 0; r < mr; r++) {
    __m512 y0 = acc[r][0];
    if (bias) y0 = _mm512_add_ps(y0, _mm512_maskz_loadu_ps(m0, bias));
    _mm512_mask_storeu_ps(out + r * out_stride, m0, y0);
    if (nb == 2) {
      __m512 y1 = acc[r][1];
      if (bias) y1 = _mm512_add_ps(y1, _mm512_maskz_loadu_ps(m1, bias + 16));
      _mm512_mask_storeu_ps(out + r * out_stride + 16, m1, y1);
    }
  }
}

/* All rows of x against one decoded panel, in tiles of 8 rows. */
PYEDGE_INLINE void pyedge_panel_rows(size_t m, size_t nb, size_t kc, const float* panel,
                                     const float* x, size_t x_stride, float* out,
                                     size_t out_stride, size_t nvalid, int first,
                                     const float* bias) {
  for (size_t i = 0; i < m; i += 8) {
    const float* xi = x + i * x_stride;
    float* oi = out + i * out_stride;
#define PYEDGE_PANEL_CASE(MR)                                                                \
  if (nb == 2)                                                                               \
    pyedge_panel_tile(MR, 2, kc, panel, xi, x_stride, oi, out_stride, nvalid, first, bias); \
  else                                                                                       \
    pyedge_panel_tile(MR, 1, kc, panel, xi, x_stride, oi, out_stride, nvalid, first, bias);
    switch (PYEDGE_MIN(8, m - i)) {
      case 8: PYEDGE_PANEL_CASE(8) break;
      case 7: PYEDGE_PANEL_CASE(7) break;
      case 6: PYEDGE_PANEL_CASE(6) break;
      case 5: PYEDGE_PANEL_CASE(5) break;
      case 4: PYEDGE_PANEL_CASE(4) break;
      case 3: PYEDGE_PANEL_CASE(3) break;
      case 2: PYEDGE_PANEL_CASE(2) break;
      default: PYEDGE_PANEL_CASE(1)
    }
#undef PYEDGE_PANEL_CASE
  }
}
