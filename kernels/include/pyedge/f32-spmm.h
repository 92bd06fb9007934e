/* Sparse x dense matmul with float32 activations and outputs (CSR = 1x1 blocks, BSR r x c
 * blocks), float32 values (f32_spmm) or int8 values with per-row scales (f32_qc8w_spmm):
 * signatures and params.
 *
 * The sparse weight w[N, K] is stored as block rows: block row i (output rows i*R .. i*R+R-1)
 * holds blocks indptr[i] .. indptr[i+1]-1; block j covers columns indices[j]*C .. +C-1 and its
 * R*C values (row-major) start at values + j*R*C. indices are uint16 (idx16 != 0) or int32.
 * The Python layer validated everything (monotone indptr from 0 to nnzb, indices in range and
 * sorted), so ukernels trust the encoding and never read outside it or outside x.
 */
#pragma once
#include "pyedge/common.h"

/* Fully unroll a loop over a compile-time block/vector count (keeps accumulators in registers). */
#define PYEDGE_UNROLL _Pragma("GCC unroll 16")

/* Fused epilogue: y = min(max(acc * scale[row] + bias[row], fmin), fmax); int8 values use
 * scale (their per-row scale), float32 values ignore it; bias may be NULL. */
typedef struct {
  const float* bias;   /* [N] indexed by output row of w, or NULL */
  const float* scale;  /* [N] per-row scale of int8 values; unused for float32 values */
  float fmin, fmax;
} pyedge_f32_minmax_params;

/* spmm: y[n, b] = epi(sum_k w[n, k] * x[k, b]) for block rows [br0, br1) and every b < nb.
 * x is [K, nb] with row stride ldx >= nb elements (callers pad to 64-byte aligned rows) and
 * y is [N, nb], both row-major. */
typedef void (*pyedge_f32_spmm_fn)(size_t br0, size_t br1, size_t nb, size_t ldx,
                                   const int64_t* indptr,
                                   const void* indices, int idx16, const void* values,
                                   const float* x, float* y, const pyedge_f32_minmax_params* p);

/* spmm_t: y[b, n] = epi(sum_k x[b, k] * w[n, k]) for block rows [br0, br1) and every b < nb.
 * x is [nb, k] and y is [nb, n], both row-major. */
typedef void (*pyedge_f32_spmm_t_fn)(size_t br0, size_t br1, size_t nb, size_t k, size_t n,
                                     const int64_t* indptr, const void* indices, int idx16,
                                     const void* values, const float* x, float* y,
                                     const pyedge_f32_minmax_params* p);

typedef struct {
  const char* name;  /* full kernel name, e.g. f32_spmm_bsr_8x1_minmax__avx512 */
  int isa;           /* enum pyedge_isa */
  uint32_t r, c;     /* block shape; 1x1 is CSR */
  uint32_t q8;       /* 1: int8 values with per-row scales (f32_qc8w_spmm), 0: float32 */
  pyedge_f32_spmm_fn spmm;
  pyedge_f32_spmm_t_fn spmm_t;
} pyedge_f32_spmm_ukernel;

#define PYEDGE_DECLARE_SPMM_PAIR(PREFIX, R, C, ISA)                                        \
  void PREFIX##_##R##x##C##__##ISA(size_t, size_t, size_t, size_t, const int64_t*,           \
                                   const void*, int, const void*, const float*, float*,      \
                                   const pyedge_f32_minmax_params*);                         \
  void PREFIX##_t_##R##x##C##__##ISA(size_t, size_t, size_t, size_t, size_t, const int64_t*, \
                                     const void*, int, const void*, const float*, float*,    \
                                     const pyedge_f32_minmax_params*);
#define PYEDGE_DECLARE_F32_SPMM(R, C, ISA)            \
  PYEDGE_DECLARE_SPMM_PAIR(pyedge_f32_spmm, R, C, ISA) \
  PYEDGE_DECLARE_SPMM_PAIR(pyedge_f32_qc8w_spmm, R, C, ISA)

#define PYEDGE_DECLARE_F32_SPMM_ALL(ISA) \
  PYEDGE_DECLARE_F32_SPMM(1, 1, ISA)     \
  PYEDGE_DECLARE_F32_SPMM(1, 4, ISA)     \
  PYEDGE_DECLARE_F32_SPMM(4, 1, ISA)     \
  PYEDGE_DECLARE_F32_SPMM(4, 4, ISA)     \
  PYEDGE_DECLARE_F32_SPMM(8, 1, ISA)     \
  PYEDGE_DECLARE_F32_SPMM(16, 1, ISA)

PYEDGE_DECLARE_F32_SPMM_ALL(scalar)
PYEDGE_DECLARE_F32_SPMM_ALL(avx2)
PYEDGE_DECLARE_F32_SPMM_ALL(avx512)
/* ARM NEON, float32 values: CSR and the R x 1 column blocks */
PYEDGE_DECLARE_SPMM_PAIR(pyedge_f32_spmm, 1, 1, neon)
PYEDGE_DECLARE_SPMM_PAIR(pyedge_f32_spmm, 4, 1, neon)
PYEDGE_DECLARE_SPMM_PAIR(pyedge_f32_spmm, 8, 1, neon)
PYEDGE_DECLARE_SPMM_PAIR(pyedge_f32_spmm, 16, 1, neon)

/* Weight i of float32 (q8 == 0) or int8 (q8 != 0) values, as float; q8 is a constant at use. */
PYEDGE_INLINE float pyedge_wv(const void* values, int q8, size_t i) {
  return q8 ? (float)((const int8_t*)values)[i] : ((const float*)values)[i];
}

/* Index j of a block column array of either width (idx16 is a compile-time constant at use). */
PYEDGE_INLINE size_t pyedge_block_col(const void* indices, int idx16, int64_t j) {
  return idx16 ? (size_t)((const uint16_t*)indices)[j] : (size_t)((const int32_t*)indices)[j];
}
