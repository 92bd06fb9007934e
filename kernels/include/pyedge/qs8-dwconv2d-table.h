/* Table of 8-bit depthwise ukernels built into this extension (ISA libraries present at build
 * time). Included by exactly one Cython module; the Python registry filters by CPU features. */
#pragma once
#include "pyedge/qs8-dwconv2d.h"

static const pyedge_qs8_dwconv2d_ukernel pyedge_qs8_dwconv2d_table[] = {
#if defined(PYEDGE_HAVE_AVX512VNNI)
  {"qs8_qc8w_dwconv2d_minmax__avx512vnni", PYEDGE_ISA_AVX512VNNI,
   pyedge_qs8_qc8w_dwconv2d_minmax__avx512vnni, pyedge_qs8_qc8w_dwconv2d_scratch__avx512vnni,
   pyedge_qs8_qc8w_dwconv2d_packed_size__avx512vnni, pyedge_qs8_qc8w_dwconv2d_pack__avx512vnni},
#endif
#if defined(PYEDGE_HAVE_NEON)
  {"qs8_qc8w_dwconv2d_minmax__neon", PYEDGE_ISA_NEON, pyedge_qs8_qc8w_dwconv2d_minmax__neon,
   pyedge_qs8_qc8w_dwconv2d_scratch__neon, NULL, NULL},
#endif
  {"qs8_qc8w_dwconv2d_minmax__scalar", PYEDGE_ISA_SCALAR,
   pyedge_qs8_qc8w_dwconv2d_minmax__scalar, pyedge_qs8_qc8w_dwconv2d_scratch__scalar, NULL,
   NULL},
};

#define PYEDGE_QS8_DWCONV2D_COUNT \
  (sizeof(pyedge_qs8_dwconv2d_table) / sizeof(pyedge_qs8_dwconv2d_table[0]))
