/* ARM NEON BSR sparse matmul with float32 values for column blocks R x 1 (R = 4, 8, 16):
 * spmm per block row over 4 batch columns at a time, spmm_t (the GEMV path) with the R rows
 * of a block in vector lanes. */
#include <arm_neon.h>
#include "pyedge/f32-spmm-scalar.h"

PYEDGE_INLINE float32x4_t minmax4(float32x4_t v, float32x4_t lo, float32x4_t hi) {
  return vminq_f32(vmaxq_f32(v, lo), hi);
}

PYEDGE_INLINE void spmm_rx1(const size_t R, size_t br0, size_t br1, size_t nb, size_t ldx,
                            const int64_t* indptr, const void* indices, const int idx16,
                            const float* v, const float* x, float* y,
                            const pyedge_f32_minmax_params* p) {
  const float32x4_t lo = vdupq_n_f32(p->fmin), hi = vdupq_n_f32(p->fmax);
  for (size_t br = br0; br < br1; br++) {
    size_t b = 0;
    for (; b + 4 <= nb; b += 4) {
      float32x4_t acc[16];
      for (size_t r = 0; r < R; r++) acc[r] = vdupq_n_f32(0.0f);
      for (int64_t j = indptr[br]; j < indptr[br + 1]; j++) {
        const float32x4_t xv = vld1q_f32(x + pyedge_block_col(indices, idx16, j) * ldx + b);
        const float* vj = v + (size_t)j * R;
        for (size_t r = 0; r < R; r++) acc[r] = vfmaq_n_f32(acc[r], xv, vj[r]);
      }
      for (size_t r = 0; r < R; r++) {
        const size_t row = br * R + r;
        const float32x4_t bias = vdupq_n_f32(p->bias ? p->bias[row] : 0.0f);
        vst1q_f32(y + row * nb + b, minmax4(vaddq_f32(acc[r], bias), lo, hi));
      }
    }
    for (; b < nb; b++)
      for (size_t r = 0; r < R; r++) {
        float acc = 0.0f;
        for (int64_t j = indptr[br]; j < indptr[br + 1]; j++)
          acc += v[(size_t)j * R + r] * x[pyedge_block_col(indices, idx16, j) * ldx + b];
        const size_t row = br * R + r;
        y[row * nb + b] = pyedge_f32_minmax(acc + (p->bias ? p->bias[row] : 0.0f), p);
      }
  }
}

PYEDGE_INLINE void spmm_t_rx1(const size_t R, size_t br0, size_t br1, size_t nb, size_t k,
                              size_t n, const int64_t* indptr, const void* indices,
                              const int idx16, const float* v, const float* x, float* y,
                              const pyedge_f32_minmax_params* p) {
  const float32x4_t lo = vdupq_n_f32(p->fmin), hi = vdupq_n_f32(p->fmax);
  for (size_t b = 0; b < nb; b++) {
    const float* xb = x + b * k;
    for (size_t br = br0; br < br1; br++) {
      float32x4_t acc[4];
      for (size_t q = 0; q < R / 4; q++) acc[q] = vdupq_n_f32(0.0f);
      for (int64_t j = indptr[br]; j < indptr[br + 1]; j++) {
        const float xs = xb[pyedge_block_col(indices, idx16, j)];
        const float* vj = v + (size_t)j * R;
        for (size_t q = 0; q < R / 4; q++) acc[q] = vfmaq_n_f32(acc[q], vld1q_f32(vj + 4 * q), xs);
      }
      for (size_t q = 0; q < R / 4; q++) {
        const size_t row = br * R + 4 * q;
        const float32x4_t bias = p->bias ? vld1q_f32(p->bias + row) : vdupq_n_f32(0.0f);
        vst1q_f32(y + b * n + row, minmax4(vaddq_f32(acc[q], bias), lo, hi));
      }
    }
  }
}

#define DEFINE(R)                                                                             \
  void pyedge_f32_spmm_##R##x1__neon(size_t br0, size_t br1, size_t nb, size_t ldx,           \
                                     const int64_t* indptr, const void* indices, int idx16,   \
                                     const void* values, const float* x, float* y,            \
                                     const pyedge_f32_minmax_params* p) {                     \
    if (idx16)                                                                                \
      spmm_rx1(R, br0, br1, nb, ldx, indptr, indices, 1, values, x, y, p);                    \
    else                                                                                      \
      spmm_rx1(R, br0, br1, nb, ldx, indptr, indices, 0, values, x, y, p);                    \
  }                                                                                           \
  void pyedge_f32_spmm_t_##R##x1__neon(size_t br0, size_t br1, size_t nb, size_t k, size_t n, \
                                       const int64_t* indptr, const void* indices, int idx16, \
                                       const void* values, const float* x, float* y,          \
                                       const pyedge_f32_minmax_params* p) {                   \
    if (idx16)                                                                                \
      spmm_t_rx1(R, br0, br1, nb, k, n, indptr, indices, 1, values, x, y, p);                 \
    else                                                                                      \
      spmm_t_rx1(R, br0, br1, nb, k, n, indptr, indices, 0, values, x, y, p);                 \
  }

DEFINE(4)
DEFINE(8)
DEFINE(16)
