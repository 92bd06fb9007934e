/* Portable C integer BSR sparse matmul for blocks 1x4, 4x1, 4x4, 8x1, 16x1. */
#include "pyedge/qs8-qc8w-spmm.h"

PYEDGE_DEFINE_QS8_SPMM(1, 4, scalar, pyedge_qs8_spmm_scalar_body, pyedge_qs8_spmm_t_scalar_body)
PYEDGE_DEFINE_QS8_SPMM(4, 1, scalar, pyedge_qs8_spmm_scalar_body, pyedge_qs8_spmm_t_scalar_body)
PYEDGE_DEFINE_QS8_SPMM(4, 4, scalar, pyedge_qs8_spmm_scalar_body, pyedge_qs8_spmm_t_scalar_body)
PYEDGE_DEFINE_QS8_SPMM(8, 1, scalar, pyedge_qs8_spmm_scalar_body, pyedge_qs8_spmm_t_scalar_body)
PYEDGE_DEFINE_QS8_SPMM(16, 1, scalar,
                       pyedge_qs8_spmm_scalar_body, pyedge_qs8_spmm_t_scalar_body)
