/* Table of grouped-INT4 GEMM ukernels (f32 and qd8 activations) built into this extension.
 * Included by exactly one Cython module; the Python registry filters entries by CPU features. */
#pragma once
#include "pyedge/qc4w-gemm.h"

static const pyedge_qc4w_gemm_ukernel pyedge_qc4w_gemm_table[] = {
  {"f32_qc4w_gemm_1x4__scalar", PYEDGE_ISA_SCALAR, 0, PYEDGE_QC4W_CANONICAL, 1, 4, 32, 1, 1,
   (void*)pyedge_f32_qc4w_gemm_1x4__scalar},
  {"qd8_f32_qc4w_gemm_1x4__scalar", PYEDGE_ISA_SCALAR, 1, PYEDGE_QC4W_CANONICAL, 1, 4, 32, 1, 1,
   (void*)pyedge_qd8_f32_qc4w_gemm_1x4__scalar},
#ifdef PYEDGE_HAVE_AVX2
  {"f32_qc4w_gemm_4x2__avx2", PYEDGE_ISA_AVX2, 0, PYEDGE_QC4W_K8X8, 4, 2, 64, 1, 1,
   (void*)pyedge_f32_qc4w_gemm_4x2__avx2},
  {"qd8_f32_qc4w_gemm_2x16c8__avx2", PYEDGE_ISA_AVX2, 1, PYEDGE_QC4W_C16K8, 2, 16, 8, 16, 1,
   (void*)pyedge_qd8_f32_qc4w_gemm_2x16c8__avx2},
#endif
#ifdef PYEDGE_HAVE_AVX512
  {"f32_qc4w_gemm_8x32__avx512", PYEDGE_ISA_AVX512, 0, PYEDGE_QC4W_K8C16, 8, 32, 8, 16, 8,
   (void*)pyedge_f32_qc4w_gemm_8x32__avx512},
  {"f32_qc4w_gemm_4x4__avx512", PYEDGE_ISA_AVX512, 0, PYEDGE_QC4W_K16X8, 4, 4, 128, 1, 1,
   (void*)pyedge_f32_qc4w_gemm_4x4__avx512},
  {"qd8_f32_qc4w_gemm_4x32c8__avx512", PYEDGE_ISA_AVX512, 1, PYEDGE_QC4W_C64K8, 4, 32, 8, 64, 1,
   (void*)pyedge_qd8_f32_qc4w_gemm_4x32c8__avx512},
#endif
#ifdef PYEDGE_HAVE_AVX512VNNI
  {"qd8_f32_qc4w_gemm_4x32c8__avx512vnni", PYEDGE_ISA_AVX512VNNI, 1, PYEDGE_QC4W_C64K8, 4, 32,
   8, 64, 1, (void*)pyedge_qd8_f32_qc4w_gemm_4x32c8__avx512vnni},
#endif
#ifdef PYEDGE_HAVE_NEON
  {"f32_qc4w_gemm_1x4__neon", PYEDGE_ISA_NEON, 0, PYEDGE_QC4W_CANONICAL, 1, 4, 32, 1, 1,
   (void*)pyedge_f32_qc4w_gemm_1x4__neon},
  {"qd8_f32_qc4w_gemm_1x4__neon", PYEDGE_ISA_NEON, 1, PYEDGE_QC4W_CANONICAL, 1, 4, 32, 1, 1,
   (void*)pyedge_qd8_f32_qc4w_gemm_1x4__neon},
#endif
#ifdef PYEDGE_HAVE_NEONDOT
  {"qd8_f32_qc4w_gemm_1x4__neondot", PYEDGE_ISA_NEONDOT, 1, PYEDGE_QC4W_CANONICAL, 1, 4, 32, 1,
   1, (void*)pyedge_qd8_f32_qc4w_gemm_1x4__neondot},
#endif
};

#define PYEDGE_QC4W_GEMM_COUNT (sizeof(pyedge_qc4w_gemm_table) / sizeof(pyedge_qc4w_gemm_table[0]))
