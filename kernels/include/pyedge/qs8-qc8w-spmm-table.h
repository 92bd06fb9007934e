/* Table of integer sparse matmul ukernels built into this extension, one entry per block shape
 * and ISA (1x1 = CSR). Included by exactly one Cython module. */
#pragma once
#include "pyedge/qs8-qc8w-spmm.h"

#define PYEDGE_QS8_SPMM_ENTRY(R, C, ISA, ISAENUM, NAME) \
  {NAME, ISAENUM, R, C, pyedge_qs8_qc8w_spmm_##R##x##C##__##ISA, \
   pyedge_qs8_qc8w_spmm_t_##R##x##C##__##ISA},
#define PYEDGE_QS8_SPMM_ROW(ISA, ISAENUM)                                                    \
  PYEDGE_QS8_SPMM_ENTRY(1, 1, ISA, ISAENUM, "qs8_qc8w_spmm_csr_minmax__" #ISA)             \
  PYEDGE_QS8_SPMM_ENTRY(1, 4, ISA, ISAENUM, "qs8_qc8w_spmm_bsr_1x4_minmax__" #ISA)         \
  PYEDGE_QS8_SPMM_ENTRY(4, 1, ISA, ISAENUM, "qs8_qc8w_spmm_bsr_4x1_minmax__" #ISA)         \
  PYEDGE_QS8_SPMM_ENTRY(4, 4, ISA, ISAENUM, "qs8_qc8w_spmm_bsr_4x4_minmax__" #ISA)         \
  PYEDGE_QS8_SPMM_ENTRY(8, 1, ISA, ISAENUM, "qs8_qc8w_spmm_bsr_8x1_minmax__" #ISA)         \
  PYEDGE_QS8_SPMM_ENTRY(16, 1, ISA, ISAENUM, "qs8_qc8w_spmm_bsr_16x1_minmax__" #ISA)

static const pyedge_qs8_qc8w_spmm_ukernel pyedge_qs8_qc8w_spmm_table[] = {
#ifdef PYEDGE_HAVE_AVX512VNNI
  PYEDGE_QS8_SPMM_ROW(avx512vnni, PYEDGE_ISA_AVX512VNNI)
#endif
#ifdef PYEDGE_HAVE_AVX512
  PYEDGE_QS8_SPMM_ROW(avx512, PYEDGE_ISA_AVX512)
#endif
#ifdef PYEDGE_HAVE_AVX2
  PYEDGE_QS8_SPMM_ROW(avx2, PYEDGE_ISA_AVX2)
#endif
#ifdef PYEDGE_HAVE_NEON
  PYEDGE_QS8_SPMM_ENTRY(1, 1, neon, PYEDGE_ISA_NEON, "qs8_qc8w_spmm_csr_minmax__neon")
  PYEDGE_QS8_SPMM_ENTRY(4, 1, neon, PYEDGE_ISA_NEON, "qs8_qc8w_spmm_bsr_4x1_minmax__neon")
  PYEDGE_QS8_SPMM_ENTRY(8, 1, neon, PYEDGE_ISA_NEON, "qs8_qc8w_spmm_bsr_8x1_minmax__neon")
  PYEDGE_QS8_SPMM_ENTRY(16, 1, neon, PYEDGE_ISA_NEON, "qs8_qc8w_spmm_bsr_16x1_minmax__neon")
#endif
  PYEDGE_QS8_SPMM_ROW(scalar, PYEDGE_ISA_SCALAR)
};

#define PYEDGE_QS8_QC8W_SPMM_COUNT \
  (sizeof(pyedge_qs8_qc8w_spmm_table) / sizeof(pyedge_qs8_qc8w_spmm_table[0]))
