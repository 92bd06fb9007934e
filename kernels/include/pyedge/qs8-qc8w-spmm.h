/* Integer sparse matmul: uint8 activations x int8 CSR/BSR weights, int32 accumulation and the
 * qgemm epilogue of params.h (zero-point compensation with per-row weight sums, int32 bias,
 * requantization bit-exact with pyedge_qepilogue_scalar).
 *
 * Weights are block rows as in f32-spmm.h (1x1 blocks = CSR), values int8. p->wsum, p->bias
 * and p->multiplier are indexed by the absolute output row.
 */
#pragma once
#include "pyedge/f32-spmm.h"
#include "pyedge/params.h"

/* spmm: y[n, b] for x[K, nb] (row stride ldx bytes) and y[N, nb] of p->out_kind elements. */
typedef void (*pyedge_qs8_qc8w_spmm_fn)(size_t br0, size_t br1, size_t nb, size_t ldx,
                                        const int64_t* indptr, const void* indices, int idx16,
                                        const int8_t* values, const uint8_t* x, void* y,
                                        const pyedge_qparams* p);

/* spmm_t: y[b, n] for x[nb, k] and y[nb, n], both row-major; the 3 bytes before x must be
 * readable (the driver passes x inside a buffer with a 4-byte head). */
typedef void (*pyedge_qs8_qc8w_spmm_t_fn)(size_t br0, size_t br1, size_t nb, size_t k, size_t n,
                                          const int64_t* indptr, const void* indices, int idx16,
                                          const int8_t* values, const uint8_t* x, void* y,
                                          const pyedge_qparams* p);

typedef struct {
  const char* name;  /* e.g. qs8_qc8w_spmm_bsr_8x1_minmax__avx512 */
  int isa;
  uint32_t r, c;
  pyedge_qs8_qc8w_spmm_fn spmm;
  pyedge_qs8_qc8w_spmm_t_fn spmm_t;
} pyedge_qs8_qc8w_spmm_ukernel;

#define PYEDGE_DECLARE_QS8_SPMM(R, C, ISA)                                                      \
  void pyedge_qs8_qc8w_spmm_##R##x##C##__##ISA(size_t, size_t, size_t, size_t, const int64_t*, \
                                               const void*, int, const int8_t*,                \
                                               const uint8_t*, void*, const pyedge_qparams*);  \
  void pyedge_qs8_qc8w_spmm_t_##R##x##C##__##ISA(size_t, size_t, size_t, size_t, size_t,       \
                                                 const int64_t*, const void*, int,             \
                                                 const int8_t*, const uint8_t*, void*,         \
                                                 const pyedge_qparams*);
#define PYEDGE_DECLARE_QS8_SPMM_ALL(ISA) \
  PYEDGE_DECLARE_QS8_SPMM(1, 1, ISA)     \
  PYEDGE_DECLARE_QS8_SPMM(1, 4, ISA)     \
  PYEDGE_DECLARE_QS8_SPMM(4, 1, ISA)     \
  PYEDGE_DECLARE_QS8_SPMM(4, 4, ISA)     \
  PYEDGE_DECLARE_QS8_SPMM(8, 1, ISA)     \
  PYEDGE_DECLARE_QS8_SPMM(16, 1, ISA)

PYEDGE_DECLARE_QS8_SPMM_ALL(scalar)
PYEDGE_DECLARE_QS8_SPMM_ALL(avx2)
PYEDGE_DECLARE_QS8_SPMM_ALL(avx512)
PYEDGE_DECLARE_QS8_SPMM_ALL(avx512vnni)
/* ARM NEON: CSR and the R x 1 column blocks */
PYEDGE_DECLARE_QS8_SPMM(1, 1, neon)
PYEDGE_DECLARE_QS8_SPMM(4, 1, neon)
PYEDGE_DECLARE_QS8_SPMM(8, 1, neon)
PYEDGE_DECLARE_QS8_SPMM(16, 1, neon)

/* Portable bodies (R x C compile-time constants after inlining). */
PYEDGE_INLINE void pyedge_qs8_spmm_scalar_body(const size_t R, const size_t C, size_t br0,
                                               size_t br1, size_t nb, size_t ldx,
                                               const int64_t* indptr, const void* indices,
                                               const int idx16, const int8_t* values,
                                               const uint8_t* x, void* y,
                                               const pyedge_qparams* p) {
  for (size_t br = br0; br < br1; br++)
    for (size_t b = 0; b < nb; b++) {
      int32_t acc[16] = {0};
      for (int64_t j = indptr[br]; j < indptr[br + 1]; j++) {
        const size_t col = pyedge_block_col(indices, idx16, j) * C;
        const int8_t* v = values + (size_t)j * R * C;
        for (size_t r = 0; r < R; r++)
          for (size_t c = 0; c < C; c++)
            acc[r] += (int32_t)v[r * C + c] * (int32_t)x[(col + c) * ldx + b];
      }
      for (size_t r = 0; r < R; r++)
        pyedge_qepilogue_scalar(p, br * R + r, acc[r], y, (br * R + r) * nb + b);
    }
}

PYEDGE_INLINE void pyedge_qs8_spmm_t_scalar_body(const size_t R, const size_t C, size_t br0,
                                                 size_t br1, size_t nb, size_t k, size_t n,
                                                 const int64_t* indptr, const void* indices,
                                                 const int idx16, const int8_t* values,
                                                 const uint8_t* x, void* y,
                                                 const pyedge_qparams* p) {
  for (size_t br = br0; br < br1; br++)
    for (size_t b = 0; b < nb; b++) {
      const uint8_t* xb = x + b * k;
      int32_t acc[16] = {0};
      for (int64_t j = indptr[br]; j < indptr[br + 1]; j++) {
        const size_t col = pyedge_block_col(indices, idx16, j) * C;
        const int8_t* v = values + (size_t)j * R * C;
        for (size_t r = 0; r < R; r++)
          for (size_t c = 0; c < C; c++) acc[r] += (int32_t)v[r * C + c] * (int32_t)xb[col + c];
      }
      for (size_t r = 0; r < R; r++)
        pyedge_qepilogue_scalar(p, br * R + r, acc[r], y, b * n + br * R + r);
    }
}

#define PYEDGE_DEFINE_QS8_SPMM(R, C, ISA, BODY, BODY_T)                                         \
  void pyedge_qs8_qc8w_spmm_##R##x##C##__##ISA(size_t br0, size_t br1, size_t nb, size_t ldx,  \
                                               const int64_t* indptr, const void* indices,     \
                                               int idx16, const int8_t* values,                \
                                               const uint8_t* x, void* y,                      \
                                               const pyedge_qparams* p) {                      \
    if (idx16)                                                                                  \
      BODY(R, C, br0, br1, nb, ldx, indptr, indices, 1, values, x, y, p);                      \
    else                                                                                        \
      BODY(R, C, br0, br1, nb, ldx, indptr, indices, 0, values, x, y, p);                      \
  }                                                                                             \
  void pyedge_qs8_qc8w_spmm_t_##R##x##C##__##ISA(size_t br0, size_t br1, size_t nb, size_t k,  \
                                                 size_t n, const int64_t* indptr,              \
                                                 const void* indices, int idx16,               \
                                                 const int8_t* values, const uint8_t* x,       \
                                                 void* y, const pyedge_qparams* p) {           \
    if (idx16)                                                                                  \
      BODY_T(R, C, br0, br1, nb, k, n, indptr, indices, 1, values, x, y, p);                   \
    else                                                                                        \
      BODY_T(R, C, br0, br1, nb, k, n, indptr, indices, 0, values, x, y, p);                   \
  }
