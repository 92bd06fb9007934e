/* AVX-512 integer BSR sparse matmul for blocks 1x4, 4x1, 4x4, 8x1, 16x1 (spmm_t reuses the
 * 8-lane block body of qs8-qc8w-spmm-avx2.h, faster here than the portable one). */
#include "pyedge/qs8-qc8w-spmm-avx2.h"
#include "pyedge/qs8-qc8w-spmm-avx512.h"

PYEDGE_DEFINE_QS8_SPMM(1, 4, avx512, pyedge_qs8_spmm_avx512_body, pyedge_qs8_spmm_t_avx2_block_body)
PYEDGE_DEFINE_QS8_SPMM(4, 1, avx512, pyedge_qs8_spmm_avx512_body, pyedge_qs8_spmm_t_avx2_block_body)
PYEDGE_DEFINE_QS8_SPMM(4, 4, avx512, pyedge_qs8_spmm_avx512_body, pyedge_qs8_spmm_t_avx2_block_body)
PYEDGE_DEFINE_QS8_SPMM(8, 1, avx512, pyedge_qs8_spmm_avx512_body, pyedge_qs8_spmm_t_avx2_block_body)
PYEDGE_DEFINE_QS8_SPMM(16, 1, avx512,
                       pyedge_qs8_spmm_avx512_body, pyedge_qs8_spmm_t_avx2_block_body)
