/* Table of INT8 GEMM ukernels built into this extension (ISA libraries present at build time).
 * Included by exactly one Cython module; the Python registry filters entries by CPU features. */
#pragma once
#include "pyedge/qs8-qc8w-gemm.h"

/* Within one ISA, entries with a larger min_m come first (the registry keeps this order). */
static const pyedge_qs8_qc8w_gemm_ukernel pyedge_qs8_qc8w_gemm_table[] = {
#ifdef PYEDGE_HAVE_AMX
  {"qs8_qc8w_gemm_minmax_32x32c4__amx", PYEDGE_ISA_AMX, 32, 16, 4, 64, 2,
   pyedge_qs8_qc8w_gemm_minmax_32x32c4__amx},
#endif
#ifdef PYEDGE_HAVE_AVX512VNNI
  {"qs8_qc8w_gemm_minmax_8x32c4__avx512vnni", PYEDGE_ISA_AVX512VNNI, 8, 16, 4, 64, 4,
   pyedge_qs8_qc8w_gemm_minmax_8x32c4__avx512vnni},
  {"qs8_qc8w_gemm_minmax_1x64c4__avx512vnni", PYEDGE_ISA_AVX512VNNI, 1, 16, 4, 64, 1,
   pyedge_qs8_qc8w_gemm_minmax_1x64c4__avx512vnni},
#endif
#ifdef PYEDGE_HAVE_AVX2
  {"qs8_qc8w_gemm_minmax_4x16c4__avx2", PYEDGE_ISA_AVX2, 4, 16, 4, 64, 1,
   pyedge_qs8_qc8w_gemm_minmax_4x16c4__avx2},
#endif
#ifdef PYEDGE_HAVE_NEONI8MM
  {"qs8_qc8w_gemm_minmax_4x16c4__neoni8mm", PYEDGE_ISA_NEONI8MM, 4, 16, 4, 16, 1,
   pyedge_qs8_qc8w_gemm_minmax_4x16c4__neoni8mm},
#endif
#ifdef PYEDGE_HAVE_NEONDOT
  {"qs8_qc8w_gemm_minmax_4x16c4__neondot", PYEDGE_ISA_NEONDOT, 4, 16, 4, 16, 1,
   pyedge_qs8_qc8w_gemm_minmax_4x16c4__neondot},
#endif
#ifdef PYEDGE_HAVE_NEON
  {"qs8_qc8w_gemm_minmax_4x16__neon", PYEDGE_ISA_NEON, 4, 16, 1, 8, 1,
   pyedge_qs8_qc8w_gemm_minmax_4x16__neon},
#endif
  {"qs8_qc8w_gemm_minmax_4x4__scalar", PYEDGE_ISA_SCALAR, 4, 4, 1, 1, 1,
   pyedge_qs8_qc8w_gemm_minmax_4x4__scalar},
};

#define PYEDGE_QS8_QC8W_GEMM_COUNT \
  (sizeof(pyedge_qs8_qc8w_gemm_table) / sizeof(pyedge_qs8_qc8w_gemm_table[0]))
