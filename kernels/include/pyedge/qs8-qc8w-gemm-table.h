/* Table of INT8 GEMM ukernels built into this extension (ISA libraries present at build time).
 * Included by exactly one Cython module; the Python registry filters entries by CPU features. */
#pragma once
#include "pyedge/qs8-qc8w-gemm.h"

static const pyedge_qs8_qc8w_gemm_ukernel pyedge_qs8_qc8w_gemm_table[] = {
  {"qs8_qc8w_gemm_minmax_4x4__scalar", PYEDGE_ISA_SCALAR, 4, 4, 1, 1, 1,
   pyedge_qs8_qc8w_gemm_minmax_4x4__scalar},
};

#define PYEDGE_QS8_QC8W_GEMM_COUNT \
  (sizeof(pyedge_qs8_qc8w_gemm_table) / sizeof(pyedge_qs8_qc8w_gemm_table[0]))
