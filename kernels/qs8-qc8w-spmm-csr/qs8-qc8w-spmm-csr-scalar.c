/* Portable C integer CSR sparse matmul (uint8 x int8 -> int32 -> qgemm epilogue). */
#include "pyedge/qs8-qc8w-spmm.h"

PYEDGE_DEFINE_QS8_SPMM(1, 1, scalar, pyedge_qs8_spmm_scalar_body, pyedge_qs8_spmm_t_scalar_body)
