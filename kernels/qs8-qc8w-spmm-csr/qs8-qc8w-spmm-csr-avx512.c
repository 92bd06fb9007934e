/* AVX-512 integer CSR sparse matmul: int32 lanes along nb with vector requantization (spmm),
 * 16-wide activation gathers (spmm_t). */
#include "pyedge/qs8-qc8w-spmm-avx512.h"

PYEDGE_DEFINE_QS8_SPMM(1, 1, avx512, pyedge_qs8_spmm_avx512_body,
                       pyedge_qs8_spmm_t_avx512_csr_body)
