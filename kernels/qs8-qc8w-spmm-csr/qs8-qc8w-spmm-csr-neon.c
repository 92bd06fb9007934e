/* ARM NEON integer CSR sparse matmul (uint8 x int8 -> int32 -> qgemm epilogue in NEON):
 * spmm vectorised over 16 batch columns (vmlal_n_s16), spmm_t over 8 stored weights with
 * lane gathers of x (vmlal_s16). Bit-exact with the portable C kernel. */
#include <arm_neon.h>
#include <string.h>
#include "pyedge/qepilogue-neon.h"
#include "pyedge/qs8-qc8w-spmm.h"

void pyedge_qs8_qc8w_spmm_1x1__neon(size_t br0, size_t br1, size_t nb, size_t ldx,
                                    const int64_t* indptr, const void* indices, int idx16,
                                    const int8_t* values, const uint8_t* x, void* y,
                                    const pyedge_qparams* p) {
  for (size_t n = br0; n < br1; n++) {
    for (size_t b = 0; b < nb; b += 16) {
      const size_t cnt = PYEDGE_MIN(16, nb - b);
      int32x4_t acc[4] = {vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0)};
      for (int64_t j = indptr[n]; j < indptr[n + 1]; j++) {
        const uint8_t* xr = x + pyedge_block_col(indices, idx16, j) * ldx + b;
        uint8x16_t xv;
        if (cnt == 16) {
          xv = vld1q_u8(xr);
        } else {  /* last columns: never read past the row */
          uint8_t tail[16] = {0};
          memcpy(tail, xr, cnt);
          xv = vld1q_u8(tail);
        }
        const int16_t w = values[j];
        const int16x8_t lo = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(xv)));
        const int16x8_t hi = vreinterpretq_s16_u16(vmovl_high_u8(xv));
        acc[0] = vmlal_n_s16(acc[0], vget_low_s16(lo), w);
        acc[1] = vmlal_high_n_s16(acc[1], lo, w);
        acc[2] = vmlal_n_s16(acc[2], vget_low_s16(hi), w);
        acc[3] = vmlal_high_n_s16(acc[3], hi, w);
      }
      pyedge_qepilogue_neon_bcast(p, n, acc, y, n * nb + b, cnt);
    }
  }
}

void pyedge_qs8_qc8w_spmm_t_1x1__neon(size_t br0, size_t br1, size_t nb, size_t k, size_t n,
                                      const int64_t* indptr, const void* indices, int idx16,
                                      const int8_t* values, const uint8_t* x, void* y,
                                      const pyedge_qparams* p) {
  (void)k;
  for (size_t b = 0; b < nb; b++) {
    const uint8_t* xb = x + b * k;
    for (size_t r = br0; r < br1; r++) {
      int32x4_t acc = vdupq_n_s32(0);
      int64_t j = indptr[r];
      for (; j + 8 <= indptr[r + 1]; j += 8) {
        uint16x8_t g = vdupq_n_u16(0);
        g = vsetq_lane_u16(xb[pyedge_block_col(indices, idx16, j)], g, 0);
        g = vsetq_lane_u16(xb[pyedge_block_col(indices, idx16, j + 1)], g, 1);
        g = vsetq_lane_u16(xb[pyedge_block_col(indices, idx16, j + 2)], g, 2);
        g = vsetq_lane_u16(xb[pyedge_block_col(indices, idx16, j + 3)], g, 3);
        g = vsetq_lane_u16(xb[pyedge_block_col(indices, idx16, j + 4)], g, 4);
        g = vsetq_lane_u16(xb[pyedge_block_col(indices, idx16, j + 5)], g, 5);
        g = vsetq_lane_u16(xb[pyedge_block_col(indices, idx16, j + 6)], g, 6);
        g = vsetq_lane_u16(xb[pyedge_block_col(indices, idx16, j + 7)], g, 7);
        const int16x8_t w = vmovl_s8(vld1_s8(values + j));
        const int16x8_t xs = vreinterpretq_s16_u16(g);
        acc = vmlal_s16(acc, vget_low_s16(w), vget_low_s16(xs));
        acc = vmlal_high_s16(acc, w, xs);
      }
      int32_t s = vaddvq_s32(acc);
      for (; j < indptr[r + 1]; j++)
        s += (int32_t)values[j] * (int32_t)xb[pyedge_block_col(indices, idx16, j)];
      pyedge_qepilogue_scalar(p, r, s, y, b * n + r);
    }
  }
}
