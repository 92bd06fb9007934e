/* ARM NEON CSR sparse matmul with float32 values: spmm vectorised over 16 / 4 batch columns,
 * spmm_t (and the GEMV it serves) over 4 stored weights with lane gathers of x. */
#include <arm_neon.h>
#include "pyedge/f32-spmm-scalar.h"

PYEDGE_INLINE float32x4_t minmax4(float32x4_t v, float32x4_t lo, float32x4_t hi) {
  return vminq_f32(vmaxq_f32(v, lo), hi);
}

void pyedge_f32_spmm_1x1__neon(size_t br0, size_t br1, size_t nb, size_t ldx,
                               const int64_t* indptr, const void* indices, int idx16,
                               const void* values, const float* x, float* y,
                               const pyedge_f32_minmax_params* p) {
  const float* v = (const float*)values;
  const float32x4_t lo = vdupq_n_f32(p->fmin), hi = vdupq_n_f32(p->fmax);
  for (size_t n = br0; n < br1; n++) {
    const float32x4_t bias = vdupq_n_f32(p->bias ? p->bias[n] : 0.0f);
    float* yr = y + n * nb;
    size_t b = 0;
    for (; b + 16 <= nb; b += 16) {
      float32x4_t a0 = bias, a1 = bias, a2 = bias, a3 = bias;
      for (int64_t j = indptr[n]; j < indptr[n + 1]; j++) {
        const float* xr = x + pyedge_block_col(indices, idx16, j) * ldx + b;
        const float w = v[j];
        a0 = vfmaq_n_f32(a0, vld1q_f32(xr), w);
        a1 = vfmaq_n_f32(a1, vld1q_f32(xr + 4), w);
        a2 = vfmaq_n_f32(a2, vld1q_f32(xr + 8), w);
        a3 = vfmaq_n_f32(a3, vld1q_f32(xr + 12), w);
      }
      vst1q_f32(yr + b, minmax4(a0, lo, hi));
      vst1q_f32(yr + b + 4, minmax4(a1, lo, hi));
      vst1q_f32(yr + b + 8, minmax4(a2, lo, hi));
      vst1q_f32(yr + b + 12, minmax4(a3, lo, hi));
    }
    for (; b + 4 <= nb; b += 4) {
      float32x4_t a0 = bias;
      for (int64_t j = indptr[n]; j < indptr[n + 1]; j++)
        a0 = vfmaq_n_f32(a0, vld1q_f32(x + pyedge_block_col(indices, idx16, j) * ldx + b), v[j]);
      vst1q_f32(yr + b, minmax4(a0, lo, hi));
    }
    for (; b < nb; b++) {
      float acc = 0.0f;
      for (int64_t j = indptr[n]; j < indptr[n + 1]; j++)
        acc += v[j] * x[pyedge_block_col(indices, idx16, j) * ldx + b];
      yr[b] = pyedge_f32_minmax(acc + (p->bias ? p->bias[n] : 0.0f), p);
    }
  }
}

void pyedge_f32_spmm_t_1x1__neon(size_t br0, size_t br1, size_t nb, size_t k, size_t n,
                                 const int64_t* indptr, const void* indices, int idx16,
                                 const void* values, const float* x, float* y,
                                 const pyedge_f32_minmax_params* p) {
  const float* v = (const float*)values;
  for (size_t b = 0; b < nb; b++) {
    const float* xb = x + b * k;
    for (size_t r = br0; r < br1; r++) {
      float32x4_t acc = vdupq_n_f32(0.0f);
      int64_t j = indptr[r];
      for (; j + 4 <= indptr[r + 1]; j += 4) {
        float32x4_t g = vdupq_n_f32(0.0f);
        g = vld1q_lane_f32(xb + pyedge_block_col(indices, idx16, j), g, 0);
        g = vld1q_lane_f32(xb + pyedge_block_col(indices, idx16, j + 1), g, 1);
        g = vld1q_lane_f32(xb + pyedge_block_col(indices, idx16, j + 2), g, 2);
        g = vld1q_lane_f32(xb + pyedge_block_col(indices, idx16, j + 3), g, 3);
        acc = vfmaq_f32(acc, vld1q_f32(v + j), g);
      }
      float s = vaddvq_f32(acc);
      for (; j < indptr[r + 1]; j++) s += v[j] * xb[pyedge_block_col(indices, idx16, j)];
      y[b * n + r] = pyedge_f32_minmax(s + (p->bias ? p->bias[r] : 0.0f), p);
    }
  }
}
