/* Portable C CSR sparse matmul (float32 or int8 values, spmm and spmm_t): the reference for
 * the SIMD paths. */
#include "pyedge/f32-spmm-scalar.h"

PYEDGE_DEFINE_F32_SPMM(1, 1, scalar, pyedge_f32_spmm_scalar_body, pyedge_f32_spmm_t_scalar_body)
PYEDGE_DEFINE_F32_QC8W_SPMM(1, 1, scalar,
                            pyedge_f32_spmm_scalar_body, pyedge_f32_spmm_t_scalar_body)
