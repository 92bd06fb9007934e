/* ARM NEON 8-bit depthwise convolution rows (any kernel size, stride, dilation): 16 channels
 * in lanes, uint8 x int8 widened to int16 (vmlal_s16), NEON requantization; bit-exact with
 * the portable C kernel. Canonical [kh, kw, c] weights, no scratch. */
#include <arm_neon.h>
#include <string.h>
#include "pyedge/qepilogue-neon.h"
#include "pyedge/qs8-dwconv2d.h"

size_t pyedge_qs8_qc8w_dwconv2d_scratch__neon(const pyedge_qs8_dwconv2d_params* p) {
  (void)p;
  return 0;
}

/* cnt (<= 16) bytes at src, zero filled: never reads past them. */
PYEDGE_INLINE uint8x16_t load_part(const void* src, size_t cnt) {
  if (cnt == 16) return vld1q_u8((const uint8_t*)src);
  uint8_t tmp[16] = {0};
  memcpy(tmp, src, cnt);
  return vld1q_u8(tmp);
}

void pyedge_qs8_qc8w_dwconv2d_minmax__neon(const uint8_t* const* rows, size_t nout,
                                           const int8_t* w, void* out,
                                           const pyedge_qs8_dwconv2d_params* p,
                                           uint8_t* scratch) {
  (void)scratch;
  const size_t c = p->c;
  const uint8x16_t flip = vdupq_n_u8(p->xor_in), zpv = vdupq_n_u8(p->zp);
  for (size_t r = 0; r < nout; r++) {
    for (size_t ox = 0; ox < p->ow; ox++) {
      for (size_t ch = 0; ch < c; ch += 16) {
        const size_t cnt = PYEDGE_MIN(16, c - ch);
        int32x4_t acc[4] = {vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0)};
        for (size_t ky = 0; ky < p->kh; ky++) {
          const uint8_t* row = rows[r * p->sh + ky * p->dh];
          for (size_t kx = 0; kx < p->kw; kx++) {
            const ptrdiff_t ix = (ptrdiff_t)(ox * p->sw + kx * p->dw) - (ptrdiff_t)p->pad_left;
            const uint8x16_t xv = (row == NULL || ix < 0 || ix >= (ptrdiff_t)p->iw)
                                      ? zpv  /* padding reads the zero point */
                                      : veorq_u8(load_part(row + (size_t)ix * c + ch, cnt), flip);
            const int8x16_t wv =
                vreinterpretq_s8_u8(load_part(w + (ky * p->kw + kx) * c + ch, cnt));
            const int16x8_t xlo = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(xv)));
            const int16x8_t xhi = vreinterpretq_s16_u16(vmovl_high_u8(xv));
            const int16x8_t wlo = vmovl_s8(vget_low_s8(wv)), whi = vmovl_high_s8(wv);
            acc[0] = vmlal_s16(acc[0], vget_low_s16(xlo), vget_low_s16(wlo));
            acc[1] = vmlal_high_s16(acc[1], xlo, wlo);
            acc[2] = vmlal_s16(acc[2], vget_low_s16(xhi), vget_low_s16(whi));
            acc[3] = vmlal_high_s16(acc[3], xhi, whi);
          }
        }
        pyedge_qepilogue_neon_16(&p->q, ch, cnt, acc, out, (r * p->ow + ox) * c + ch);
      }
    }
  }
}
