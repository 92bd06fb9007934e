/* Table of pooling ukernels built into this extension (ISA libraries present at build time).
 * Included by exactly one Cython module; the Python registry filters by CPU features. */
#pragma once
#include "pyedge/pool.h"

#define PYEDGE_POOL_ROWS(isa, ISA)                                                           \
  {"f32_maxpool__" #isa, "f32_maxpool", ISA, pyedge_f32_maxpool__##isa},                     \
  {"f32_avgpool__" #isa, "f32_avgpool", ISA, pyedge_f32_avgpool__##isa},                     \
  {"u8_maxpool__" #isa, "u8_maxpool", ISA, pyedge_u8_maxpool__##isa},                        \
  {"u8_avgpool__" #isa, "u8_avgpool", ISA, pyedge_u8_avgpool__##isa},

static const pyedge_pool_ukernel pyedge_pool_table[] = {
#if defined(PYEDGE_HAVE_AVX512)
  PYEDGE_POOL_ROWS(avx512, PYEDGE_ISA_AVX512)
#endif
#if defined(PYEDGE_HAVE_AVX2)
  PYEDGE_POOL_ROWS(avx2, PYEDGE_ISA_AVX2)
#endif
  PYEDGE_POOL_ROWS(scalar, PYEDGE_ISA_SCALAR)
};

#define PYEDGE_POOL_COUNT (sizeof(pyedge_pool_table) / sizeof(pyedge_pool_table[0]))
