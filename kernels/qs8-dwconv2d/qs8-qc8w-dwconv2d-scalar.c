/* Portable C 8-bit depthwise convolution rows: int32 accumulation, scalar requantization. */
#include "pyedge/qs8-dwconv2d.h"

size_t pyedge_qs8_qc8w_dwconv2d_scratch__scalar(const pyedge_qs8_dwconv2d_params* p) {
  (void)p;
  return 0;
}

void pyedge_qs8_qc8w_dwconv2d_minmax__scalar(const uint8_t* const* rows, size_t nout,
                                             const int8_t* w, void* out,
                                             const pyedge_qs8_dwconv2d_params* p,
                                             uint8_t* scratch) {
  (void)scratch;
  const size_t c = p->c;
  for (size_t r = 0; r < nout; r++) {
    for (size_t ox = 0; ox < p->ow; ox++) {
      for (size_t ch = 0; ch < c; ch++) {
        int32_t acc = 0;  /* sum of u(x) * w with padded taps reading zp */
        for (size_t ky = 0; ky < p->kh; ky++) {
          const uint8_t* row = rows[r * p->sh + ky * p->dh];
          for (size_t kx = 0; kx < p->kw; kx++) {
            const ptrdiff_t ix = (ptrdiff_t)(ox * p->sw + kx * p->dw) - (ptrdiff_t)p->pad_left;
            const int32_t xv = (row == NULL || ix < 0 || ix >= (ptrdiff_t)p->iw)
                                   ? (int32_t)p->zp
                                   : (int32_t)(uint8_t)(row[(size_t)ix * c + ch] ^ p->xor_in);
            acc += xv * (int32_t)w[(ky * p->kw + kx) * c + ch];
          }
        }
        pyedge_qepilogue_scalar(&p->q, ch, acc, out, (r * p->ow + ox) * c + ch);
      }
    }
  }
}
