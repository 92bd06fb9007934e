/* AVX-512 VNNI integer CSR sparse matmul: spmm_t by vpdpbusd on transposed tiles of 64 rows
 * of x (nonzeros of one group of 4 k merged); spmm is the AVX-512 body. */
#include "pyedge/qs8-qc8w-spmm-avx512vnni.h"

PYEDGE_DEFINE_QS8_SPMM(1, 1, avx512vnni, pyedge_qs8_spmm_avx512_body,
                       pyedge_qs8_spmm_t_avx512vnni_body)
