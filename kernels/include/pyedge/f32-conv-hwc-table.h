/* Table of direct stem convolution ukernels built into this extension (ISA libraries present
 * at build time). Included by exactly one Cython module; the registry filters by CPU. */
#pragma once
#include "pyedge/f32-conv-hwc.h"

static const pyedge_f32_conv_hwc_ukernel pyedge_f32_conv_hwc_table[] = {
#if defined(PYEDGE_HAVE_AVX512)
  {"f32_conv_hwc_3x3s2_minmax__avx512", PYEDGE_ISA_AVX512,
   pyedge_f32_conv_hwc_3x3s2_minmax__avx512},
#endif
#if defined(PYEDGE_HAVE_AVX2)
  {"f32_conv_hwc_3x3s2_minmax__avx2", PYEDGE_ISA_AVX2, pyedge_f32_conv_hwc_3x3s2_minmax__avx2},
#endif
  {"f32_conv_hwc_3x3s2_minmax__scalar", PYEDGE_ISA_SCALAR,
   pyedge_f32_conv_hwc_3x3s2_minmax__scalar},
};

#define PYEDGE_F32_CONV_HWC_COUNT \
  (sizeof(pyedge_f32_conv_hwc_table) / sizeof(pyedge_f32_conv_hwc_table[0]))
