/* AVX2 integer CSR sparse matmul: vpmaddwd on pairs of nonzeros along nb with vector
 * requantization (spmm), 8-wide activation gathers (spmm_t). */
#include "pyedge/qs8-qc8w-spmm-avx2.h"

PYEDGE_DEFINE_QS8_SPMM(1, 1, avx2, pyedge_qs8_spmm_avx2_body, pyedge_qs8_spmm_t_avx2_csr_body)
