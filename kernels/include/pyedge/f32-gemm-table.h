/* Table of float32 GEMM ukernels built into this extension (ISA libraries present at build
 * time). Included by exactly one Cython module; the Python registry filters by CPU features. */
#pragma once
#include "pyedge/f32-gemm.h"

static const pyedge_f32_gemm_ukernel pyedge_f32_gemm_table[] = {
#if defined(PYEDGE_HAVE_AVX512)
  {"f32_gemm_minmax_8x32__avx512", PYEDGE_ISA_AVX512, 8, 32,
   pyedge_f32_gemm_minmax_8x32__avx512},
#endif
#if defined(PYEDGE_HAVE_AVX2)
  {"f32_gemm_minmax_6x16__avx2", PYEDGE_ISA_AVX2, 6, 16, pyedge_f32_gemm_minmax_6x16__avx2},
#endif
  {"f32_gemm_minmax_4x4__scalar", PYEDGE_ISA_SCALAR, 4, 4, pyedge_f32_gemm_minmax_4x4__scalar},
};

#define PYEDGE_F32_GEMM_COUNT (sizeof(pyedge_f32_gemm_table) / sizeof(pyedge_f32_gemm_table[0]))
