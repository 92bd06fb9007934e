/* Table of codebook GEMM ukernels built into this extension, one entry per index width.
 * Included by exactly one Cython module; the Python registry filters entries by CPU features. */
#pragma once
#include "pyedge/f32-lut-gemm.h"

static const pyedge_f32_lut_gemm_ukernel pyedge_f32_lut_gemm_table[] = {
  {"f32_lut2_gemm_1x1__scalar", PYEDGE_ISA_SCALAR, 2, 0, 1, 1, 1,
   pyedge_f32_lut_gemm_1x1__scalar},
  {"f32_lut3_gemm_1x1__scalar", PYEDGE_ISA_SCALAR, 3, 0, 1, 1, 1,
   pyedge_f32_lut_gemm_1x1__scalar},
  {"f32_lut4_gemm_1x1__scalar", PYEDGE_ISA_SCALAR, 4, 0, 1, 1, 1,
   pyedge_f32_lut_gemm_1x1__scalar},
#ifdef PYEDGE_HAVE_AVX2
  {"f32_lut2_gemm_4x2__avx2", PYEDGE_ISA_AVX2, 2, 8, 4, 2, 1,
   pyedge_f32_lut_gemm_4x2__avx2},
  {"f32_lut3_gemm_4x2__avx2", PYEDGE_ISA_AVX2, 3, 8, 4, 2, 1,
   pyedge_f32_lut_gemm_4x2__avx2},
  {"f32_lut4_gemm_4x2__avx2", PYEDGE_ISA_AVX2, 4, 8, 4, 2, 1,
   pyedge_f32_lut_gemm_4x2__avx2},
#endif
#ifdef PYEDGE_HAVE_AVX512
  {"f32_lut2_gemm_8x32__avx512", PYEDGE_ISA_AVX512, 2, 1, 8, 32, 16,
   pyedge_f32_lut_gemm_8x32__avx512},
  {"f32_lut3_gemm_8x32__avx512", PYEDGE_ISA_AVX512, 3, 1, 8, 32, 16,
   pyedge_f32_lut_gemm_8x32__avx512},
  {"f32_lut4_gemm_8x32__avx512", PYEDGE_ISA_AVX512, 4, 1, 8, 32, 16,
   pyedge_f32_lut_gemm_8x32__avx512},
  {"f32_lut2_gemm_4x4__avx512", PYEDGE_ISA_AVX512, 2, 16, 4, 4, 1,
   pyedge_f32_lut_gemm_4x4__avx512},
  {"f32_lut3_gemm_4x4__avx512", PYEDGE_ISA_AVX512, 3, 16, 4, 4, 1,
   pyedge_f32_lut_gemm_4x4__avx512},
  {"f32_lut4_gemm_4x4__avx512", PYEDGE_ISA_AVX512, 4, 16, 4, 4, 1,
   pyedge_f32_lut_gemm_4x4__avx512},
#endif
};

#define PYEDGE_F32_LUT_GEMM_COUNT \
  (sizeof(pyedge_f32_lut_gemm_table) / sizeof(pyedge_f32_lut_gemm_table[0]))
