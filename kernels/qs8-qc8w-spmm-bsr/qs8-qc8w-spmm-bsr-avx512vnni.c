/* AVX-512 VNNI integer BSR sparse matmul for blocks 1x4, 4x1, 4x4, 8x1, 16x1: spmm_t by
 * vpdpbusd on transposed tiles of 64 rows of x; spmm is the AVX-512 body. */
#include "pyedge/qs8-qc8w-spmm-avx512vnni.h"

PYEDGE_DEFINE_QS8_SPMM(1, 4, avx512vnni, pyedge_qs8_spmm_avx512_body,
                       pyedge_qs8_spmm_t_avx512vnni_body)
PYEDGE_DEFINE_QS8_SPMM(4, 1, avx512vnni, pyedge_qs8_spmm_avx512_body,
                       pyedge_qs8_spmm_t_avx512vnni_body)
PYEDGE_DEFINE_QS8_SPMM(4, 4, avx512vnni, pyedge_qs8_spmm_avx512_body,
                       pyedge_qs8_spmm_t_avx512vnni_body)
PYEDGE_DEFINE_QS8_SPMM(8, 1, avx512vnni, pyedge_qs8_spmm_avx512_body,
                       pyedge_qs8_spmm_t_avx512vnni_body)
PYEDGE_DEFINE_QS8_SPMM(16, 1, avx512vnni, pyedge_qs8_spmm_avx512_body,
                       pyedge_qs8_spmm_t_avx512vnni_body)
