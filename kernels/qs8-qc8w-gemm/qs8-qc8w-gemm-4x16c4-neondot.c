/* ARMv8.2 dotprod INT8 GEMM, tile 4x16, kr = 4 (vdotq_laneq_s32), layout (16, 4, 16).
 * SDOT multiplies signed bytes: a is flipped to a - 128 and 128 * wsum[n] is added back,
 * exactly, before the shared NEON epilogue. */
#include <arm_neon.h>
#include <string.h>
#include "pyedge/qs8-qc8w-gemm.h"
#include "pyedge/qepilogue-neon.h"

void pyedge_qs8_qc8w_gemm_minmax_4x16c4__neondot(size_t m, size_t n, size_t k,
                                                 const uint8_t* a, size_t a_stride,
                                                 const int8_t* w_packed,
                                                 const pyedge_qparams* p, void* out,
                                                 size_t out_stride) {
  enum { MR = 4, NR = 16, KC = 16 };
  const size_t kpad = PYEDGE_ROUND_UP(k, KC);
  const size_t kmain = k / KC * KC;
  const uint8x16_t flip = vdupq_n_u8(0x80);
  for (size_t n0 = 0; n0 < n; n0 += NR) {
    const int8_t* wb = w_packed + (n0 / NR) * NR * kpad;
    const size_t nn = PYEDGE_MIN(NR, n - n0);
    int32_t wsum128[NR] = {0};
    for (size_t j = 0; j < nn; j++) wsum128[j] = 128 * p->wsum[n0 + j];
    for (size_t m0 = 0; m0 < m; m0 += MR) {
      const size_t mm = PYEDGE_MIN(MR, m - m0);
      const uint8_t* ar[MR];
      for (size_t i = 0; i < MR; i++) ar[i] = a + (m0 + PYEDGE_MIN(i, mm - 1)) * a_stride;
      int32x4_t acc[MR][4];
      for (size_t q = 0; q < 4; q++) {
        const int32x4_t init = vld1q_s32(wsum128 + 4 * q);
        for (size_t i = 0; i < MR; i++) acc[i][q] = init;
      }
      const int8_t* wk = wb;
      for (size_t k0 = 0; k0 < kpad; k0 += KC) {
        int8x16_t av[MR];
        for (size_t i = 0; i < MR; i++) {
          uint8x16_t raw;
          if (k0 < kmain) {
            raw = vld1q_u8(ar[i] + k0);
          } else {  /* K tail: copy the valid bytes (weights past K are zero) */
            uint8_t tail[KC] = {0};
            memcpy(tail, ar[i] + k0, k - k0);
            raw = vld1q_u8(tail);
          }
          av[i] = vreinterpretq_s8_u8(veorq_u8(raw, flip));
        }
#define PYEDGE_STEP(LANE)                                        \
  {                                                              \
    const int8x16_t w0 = vld1q_s8(wk), w1 = vld1q_s8(wk + 16);   \
    const int8x16_t w2 = vld1q_s8(wk + 32), w3 = vld1q_s8(wk + 48); \
    wk += 64;                                                    \
    for (size_t i = 0; i < MR; i++) {                            \
      acc[i][0] = vdotq_laneq_s32(acc[i][0], w0, av[i], LANE);   \
      acc[i][1] = vdotq_laneq_s32(acc[i][1], w1, av[i], LANE);   \
      acc[i][2] = vdotq_laneq_s32(acc[i][2], w2, av[i], LANE);   \
      acc[i][3] = vdotq_laneq_s32(acc[i][3], w3, av[i], LANE);   \
    }                                                            \
  }
        PYEDGE_STEP(0) PYEDGE_STEP(1) PYEDGE_STEP(2) PYEDGE_STEP(3)
#undef PYEDGE_STEP
      }
      for (size_t i = 0; i < mm; i++)
        pyedge_qepilogue_neon_16(p, n0, nn, acc[i], out, (m0 + i) * out_stride + n0);
    }
  }
}
