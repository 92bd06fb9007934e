/* AVX2 integer BSR sparse matmul for blocks 1x4, 4x1, 4x4, 8x1, 16x1 (spmm vectorized along
 * nb; spmm_t with the block in the lanes). */
#include "pyedge/qs8-qc8w-spmm-avx2.h"

PYEDGE_DEFINE_QS8_SPMM(1, 4, avx2, pyedge_qs8_spmm_avx2_body, pyedge_qs8_spmm_t_avx2_block_body)
PYEDGE_DEFINE_QS8_SPMM(4, 1, avx2, pyedge_qs8_spmm_avx2_body, pyedge_qs8_spmm_t_avx2_block_body)
PYEDGE_DEFINE_QS8_SPMM(4, 4, avx2, pyedge_qs8_spmm_avx2_body, pyedge_qs8_spmm_t_avx2_block_body)
PYEDGE_DEFINE_QS8_SPMM(8, 1, avx2, pyedge_qs8_spmm_avx2_body, pyedge_qs8_spmm_t_avx2_block_body)
PYEDGE_DEFINE_QS8_SPMM(16, 1, avx2, pyedge_qs8_spmm_avx2_body, pyedge_qs8_spmm_t_avx2_block_body)
