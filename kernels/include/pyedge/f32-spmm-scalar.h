/* Portable C bodies of the float32 sparse matmul for any block shape (R x C constants). */
#pragma once
#include "pyedge/f32-spmm.h"

PYEDGE_INLINE float pyedge_f32_minmax(float v, const pyedge_f32_minmax_params* p) {
  v = v < p->fmin ? p->fmin : v;
  return v > p->fmax ? p->fmax : v;
}

/* y rows of block rows [br0, br1) accumulate in place (y is the caller's output). */
PYEDGE_INLINE void pyedge_f32_spmm_scalar_body(const size_t R, const size_t C, const int Q8,
                                               size_t br0,
                                               size_t br1, size_t nb, size_t ldx,
                                               const int64_t* indptr,
                                               const void* indices, int idx16,
                                               const void* values, const float* x, float* y,
                                               const pyedge_f32_minmax_params* p) {
  for (size_t br = br0; br < br1; br++) {
    float* yb = y + br * R * nb;
    for (size_t i = 0; i < R * nb; i++) yb[i] = 0.0f;
    for (int64_t j = indptr[br]; j < indptr[br + 1]; j++) {
      const size_t col = pyedge_block_col(indices, idx16, j) * C;
      const size_t v0 = (size_t)j * R * C;
      for (size_t r = 0; r < R; r++)
        for (size_t c = 0; c < C; c++) {
          const float w = pyedge_wv(values, Q8, v0 + r * C + c);
          const float* xr = x + (col + c) * ldx;
          float* yr = yb + r * nb;
          for (size_t b = 0; b < nb; b++) yr[b] += w * xr[b];
        }
    }
    for (size_t r = 0; r < R; r++) {
      const float bias = p->bias ? p->bias[br * R + r] : 0.0f;
      const float scale = Q8 ? p->scale[br * R + r] : 1.0f;
      float* yr = yb + r * nb;
      for (size_t b = 0; b < nb; b++) yr[b] = pyedge_f32_minmax(yr[b] * scale + bias, p);
    }
  }
}

PYEDGE_INLINE void pyedge_f32_spmm_t_scalar_body(const size_t R, const size_t C, const int Q8,
                                                 size_t br0,
                                                 size_t br1, size_t nb, size_t k, size_t n,
                                                 const int64_t* indptr, const void* indices,
                                                 int idx16, const void* values,
                                                 const float* x, float* y,
                                                 const pyedge_f32_minmax_params* p) {
  for (size_t br = br0; br < br1; br++) {
    for (size_t b = 0; b < nb; b++) {
      const float* xb = x + b * k;
      float acc[16] = {0};
      for (int64_t j = indptr[br]; j < indptr[br + 1]; j++) {
        const size_t col = pyedge_block_col(indices, idx16, j) * C;
        const size_t v0 = (size_t)j * R * C;
        for (size_t r = 0; r < R; r++)
          for (size_t c = 0; c < C; c++)
            acc[r] += pyedge_wv(values, Q8, v0 + r * C + c) * xb[col + c];
      }
      for (size_t r = 0; r < R; r++) {
        const size_t row = br * R + r;
        const float scaled = Q8 ? acc[r] * p->scale[row] : acc[r];
        y[b * n + row] = pyedge_f32_minmax(scaled + (p->bias ? p->bias[row] : 0.0f), p);
      }
    }
  }
}

/* Define the two entry points PREFIX_RxC__ISA and PREFIX_t_RxC__ISA of block shape R x C
 * from bodies BODY / BODY_T, for float32 (Q8 = 0) or int8 (Q8 = 1) values. */
#define PYEDGE_DEFINE_SPMM_PAIR(PREFIX, Q8, R, C, ISA, BODY, BODY_T)                            \
  void PREFIX##_##R##x##C##__##ISA(size_t br0, size_t br1, size_t nb, size_t ldx,              \
                                   const int64_t* indptr, const void* indices, int idx16,      \
                                   const void* values, const float* x, float* y,               \
                                   const pyedge_f32_minmax_params* p) {                        \
    if (idx16)                                                                                  \
      BODY(R, C, Q8, br0, br1, nb, ldx, indptr, indices, 1, values, x, y, p);                  \
    else                                                                                        \
      BODY(R, C, Q8, br0, br1, nb, ldx, indptr, indices, 0, values, x, y, p);                  \
  }                                                                                             \
  void PREFIX##_t_##R##x##C##__##ISA(size_t br0, size_t br1, size_t nb, size_t k, size_t n,    \
                                     const int64_t* indptr, const void* indices, int idx16,    \
                                     const void* values, const float* x, float* y,             \
                                     const pyedge_f32_minmax_params* p) {                      \
    if (idx16)                                                                                  \
      BODY_T(R, C, Q8, br0, br1, nb, k, n, indptr, indices, 1, values, x, y, p);               \
    else                                                                                        \
      BODY_T(R, C, Q8, br0, br1, nb, k, n, indptr, indices, 0, values, x, y, p);               \
  }
#define PYEDGE_DEFINE_F32_SPMM(R, C, ISA, BODY, BODY_T) \
  PYEDGE_DEFINE_SPMM_PAIR(pyedge_f32_spmm, 0, R, C, ISA, BODY, BODY_T)
#define PYEDGE_DEFINE_F32_QC8W_SPMM(R, C, ISA, BODY, BODY_T) \
  PYEDGE_DEFINE_SPMM_PAIR(pyedge_f32_qc8w_spmm, 1, R, C, ISA, BODY, BODY_T)
