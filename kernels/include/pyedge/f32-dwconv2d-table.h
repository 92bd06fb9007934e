/* Table of float32 depthwise ukernels built into this extension (ISA libraries present at build
 * time). Included by exactly one Cython module; the Python registry filters by CPU features. */
#pragma once
#include "pyedge/f32-dwconv2d.h"

#define PYEDGE_F32_DWCONV2D_ROWS(isa, ISA)                                                   \
  {"f32_dwconv2d_3x3s1__" #isa, "f32_dwconv2d_3x3s1", ISA, 3, 3, 1, 1,                       \
   pyedge_f32_dwconv2d_3x3s1__##isa},                                                        \
  {"f32_dwconv2d_3x3s2__" #isa, "f32_dwconv2d_3x3s2", ISA, 3, 3, 2, 2,                       \
   pyedge_f32_dwconv2d_3x3s2__##isa},                                                        \
  {"f32_dwconv2d_5x5s1__" #isa, "f32_dwconv2d_5x5s1", ISA, 5, 5, 1, 1,                       \
   pyedge_f32_dwconv2d_5x5s1__##isa},                                                        \
  {"f32_dwconv2d_5x5s2__" #isa, "f32_dwconv2d_5x5s2", ISA, 5, 5, 2, 2,                       \
   pyedge_f32_dwconv2d_5x5s2__##isa},                                                        \
  {"f32_dwconv2d_generic__" #isa, "f32_dwconv2d_generic", ISA, 0, 0, 0, 0,                   \
   pyedge_f32_dwconv2d_generic__##isa},

static const pyedge_f32_dwconv2d_ukernel pyedge_f32_dwconv2d_table[] = {
#if defined(PYEDGE_HAVE_AVX512)
  PYEDGE_F32_DWCONV2D_ROWS(avx512, PYEDGE_ISA_AVX512)
#endif
#if defined(PYEDGE_HAVE_AVX2)
  PYEDGE_F32_DWCONV2D_ROWS(avx2, PYEDGE_ISA_AVX2)
#endif
#if defined(PYEDGE_HAVE_NEON)
  PYEDGE_F32_DWCONV2D_ROWS(neon, PYEDGE_ISA_NEON)
#endif
  PYEDGE_F32_DWCONV2D_ROWS(scalar, PYEDGE_ISA_SCALAR)
};

#define PYEDGE_F32_DWCONV2D_COUNT \
  (sizeof(pyedge_f32_dwconv2d_table) / sizeof(pyedge_f32_dwconv2d_table[0]))
