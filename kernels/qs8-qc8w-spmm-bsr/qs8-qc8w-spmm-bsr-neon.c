/* ARM NEON integer BSR sparse matmul for column blocks R x 1 (R = 4, 8, 16): spmm runs each
 * block row's R rows over 16 batch columns (vmlal_n_s16), spmm_t (the GEMV path) keeps the R
 * rows of a block in lanes; NEON requantization, bit-exact with the portable C kernel. */
#include <arm_neon.h>
#include <string.h>
#include "pyedge/qepilogue-neon.h"
#include "pyedge/qs8-qc8w-spmm.h"

PYEDGE_INLINE void spmm_rx1(const size_t R, size_t br0, size_t br1, size_t nb, size_t ldx,
                            const int64_t* indptr, const void* indices, const int idx16,
                            const int8_t* values, const uint8_t* x, void* y,
                            const pyedge_qparams* p) {
  for (size_t br = br0; br < br1; br++)
    for (size_t r = 0; r < R; r++) {
      const size_t row = br * R + r;
      for (size_t b = 0; b < nb; b += 16) {
        const size_t cnt = PYEDGE_MIN(16, nb - b);
        int32x4_t acc[4] = {vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0)};
        for (int64_t j = indptr[br]; j < indptr[br + 1]; j++) {
          const uint8_t* xr = x + pyedge_block_col(indices, idx16, j) * ldx + b;
          uint8x16_t xv;
          if (cnt == 16) {
            xv = vld1q_u8(xr);
          } else {  /* last columns: never read past the row */
            uint8_t tail[16] = {0};
            memcpy(tail, xr, cnt);
            xv = vld1q_u8(tail);
          }
          const int16_t w = values[(size_t)j * R + r];
          const int16x8_t lo = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(xv)));
          const int16x8_t hi = vreinterpretq_s16_u16(vmovl_high_u8(xv));
          acc[0] = vmlal_n_s16(acc[0], vget_low_s16(lo), w);
          acc[1] = vmlal_high_n_s16(acc[1], lo, w);
          acc[2] = vmlal_n_s16(acc[2], vget_low_s16(hi), w);
          acc[3] = vmlal_high_n_s16(acc[3], hi, w);
        }
        pyedge_qepilogue_neon_bcast(p, row, acc, y, row * nb + b, cnt);
      }
    }
}

PYEDGE_INLINE void spmm_t_rx1(const size_t R, size_t br0, size_t br1, size_t nb, size_t k,
                              size_t n, const int64_t* indptr, const void* indices,
                              const int idx16, const int8_t* values, const uint8_t* x, void* y,
                              const pyedge_qparams* p) {
  for (size_t b = 0; b < nb; b++) {
    const uint8_t* xb = x + b * k;
    for (size_t br = br0; br < br1; br++) {
      int32x4_t acc[4] = {vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0)};
      for (int64_t j = indptr[br]; j < indptr[br + 1]; j++) {
        const int16_t xs = xb[pyedge_block_col(indices, idx16, j)];
        const int8_t* vj = values + (size_t)j * R;
        if (R == 16) {
          const int8x16_t w = vld1q_s8(vj);
          const int16x8_t wlo = vmovl_s8(vget_low_s8(w)), whi = vmovl_high_s8(w);
          acc[0] = vmlal_n_s16(acc[0], vget_low_s16(wlo), xs);
          acc[1] = vmlal_high_n_s16(acc[1], wlo, xs);
          acc[2] = vmlal_n_s16(acc[2], vget_low_s16(whi), xs);
          acc[3] = vmlal_high_n_s16(acc[3], whi, xs);
        } else if (R == 8) {
          const int16x8_t w = vmovl_s8(vld1_s8(vj));
          acc[0] = vmlal_n_s16(acc[0], vget_low_s16(w), xs);
          acc[1] = vmlal_high_n_s16(acc[1], w, xs);
        } else {  /* R == 4: exactly 4 bytes (never read past the values) */
          int32_t four;
          memcpy(&four, vj, 4);
          const int16x8_t w = vmovl_s8(vreinterpret_s8_s32(vdup_n_s32(four)));
          acc[0] = vmlal_n_s16(acc[0], vget_low_s16(w), xs);
        }
      }
      pyedge_qepilogue_neon_16(p, br * R, R, acc, y, b * n + br * R);
    }
  }
}

#define DEFINE(R)                                                                              \
  void pyedge_qs8_qc8w_spmm_##R##x1__neon(size_t br0, size_t br1, size_t nb, size_t ldx,       \
                                          const int64_t* indptr, const void* indices,          \
                                          int idx16, const int8_t* values, const uint8_t* x,   \
                                          void* y, const pyedge_qparams* p) {                  \
    if (idx16)                                                                                 \
      spmm_rx1(R, br0, br1, nb, ldx, indptr, indices, 1, values, x, y, p);                     \
    else                                                                                       \
      spmm_rx1(R, br0, br1, nb, ldx, indptr, indices, 0, values, x, y, p);                     \
  }                                                                                            \
  void pyedge_qs8_qc8w_spmm_t_##R##x1__neon(size_t br0, size_t br1, size_t nb, size_t k,       \
                                            size_t n, const int64_t* indptr,                   \
                                            const void* indices, int idx16,                    \
                                            const int8_t* values, const uint8_t* x, void* y,   \
                                            const pyedge_qparams* p) {                         \
    if (idx16)                                                                                 \
      spmm_t_rx1(R, br0, br1, nb, k, n, indptr, indices, 1, values, x, y, p);                  \
    else                                                                                       \
      spmm_t_rx1(R, br0, br1, nb, k, n, indptr, indices, 0, values, x, y, p);                  \
  }

DEFINE(4)
DEFINE(8)
DEFINE(16)
