/* ARM NEON INT8 GEMM, tile 4x16, kr = 1 (vmlal_lane_s16 on widened uint8 x int8), layout
 * (16, 1, 8); requantization in NEON, bit-exact with pyedge_qepilogue_scalar. */
#include <arm_neon.h>
#include <string.h>
#include "pyedge/qs8-qc8w-gemm.h"
#include "pyedge/qepilogue-neon.h"

void pyedge_qs8_qc8w_gemm_minmax_4x16__neon(size_t m, size_t n, size_t k, const uint8_t* a,
                                            size_t a_stride, const int8_t* w_packed,
                                            const pyedge_qparams* p, void* out,
                                            size_t out_stride) {
  enum { MR = 4, NR = 16, KC = 8 };
  const size_t kpad = PYEDGE_ROUND_UP(k, KC);
  const size_t kmain = k / KC * KC;
  for (size_t n0 = 0; n0 < n; n0 += NR) {
    const int8_t* wb = w_packed + (n0 / NR) * NR * kpad;
    const size_t nn = PYEDGE_MIN(NR, n - n0);
    for (size_t m0 = 0; m0 < m; m0 += MR) {
      const size_t mm = PYEDGE_MIN(MR, m - m0);
      const uint8_t* ar[MR];
      for (size_t i = 0; i < MR; i++) ar[i] = a + (m0 + PYEDGE_MIN(i, mm - 1)) * a_stride;
      int32x4_t acc[MR][4];
      for (size_t i = 0; i < MR; i++)
        for (size_t q = 0; q < 4; q++) acc[i][q] = vdupq_n_s32(0);
      const int8_t* wk = wb;
      for (size_t k0 = 0; k0 < kpad; k0 += KC) {
        int16x8_t av[MR];
        if (k0 < kmain) {
          for (size_t i = 0; i < MR; i++)
            av[i] = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(ar[i] + k0)));
        } else {  /* K tail: copy the valid bytes (weights past K are zero) */
          for (size_t i = 0; i < MR; i++) {
            uint8_t tail[KC] = {0};
            memcpy(tail, ar[i] + k0, k - k0);
            av[i] = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(tail)));
          }
        }
#define PYEDGE_STEP(LANE, HALF)                                                        \
  {                                                                                    \
    const int8x16_t w8 = vld1q_s8(wk);                                                 \
    wk += NR;                                                                          \
    const int16x8_t wlo = vmovl_s8(vget_low_s8(w8)), whi = vmovl_s8(vget_high_s8(w8)); \
    for (size_t i = 0; i < MR; i++) {                                                  \
      const int16x4_t ah = HALF(av[i]);                                                \
      acc[i][0] = vmlal_lane_s16(acc[i][0], vget_low_s16(wlo), ah, LANE);              \
      acc[i][1] = vmlal_lane_s16(acc[i][1], vget_high_s16(wlo), ah, LANE);             \
      acc[i][2] = vmlal_lane_s16(acc[i][2], vget_low_s16(whi), ah, LANE);              \
      acc[i][3] = vmlal_lane_s16(acc[i][3], vget_high_s16(whi), ah, LANE);             \
    }                                                                                  \
  }
        PYEDGE_STEP(0, vget_low_s16) PYEDGE_STEP(1, vget_low_s16)
        PYEDGE_STEP(2, vget_low_s16) PYEDGE_STEP(3, vget_low_s16)
        PYEDGE_STEP(0, vget_high_s16) PYEDGE_STEP(1, vget_high_s16)
        PYEDGE_STEP(2, vget_high_s16) PYEDGE_STEP(3, vget_high_s16)
#undef PYEDGE_STEP
      }
      for (size_t i = 0; i < mm; i++)
        pyedge_qepilogue_neon_16(p, n0, nn, acc[i], out, (m0 + i) * out_stride + n0);
    }
  }
}
