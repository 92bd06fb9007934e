/* Table of 8-bit add ukernels built into this extension (ISA libraries present at build
 * time). One C function per ISA serves both families (qu8-vadd.h); included by exactly one
 * Cython module; the Python registry filters by CPU features. */
#pragma once
#include "pyedge/qu8-vadd.h"

#define PYEDGE_QU8_VADD_ROWS(isa, ISA)                                                       \
  {"qu8_vadd_minmax__" #isa, "qu8_vadd_minmax", ISA, pyedge_qu8_vadd_minmax__##isa},         \
  {"qs8_vadd_minmax__" #isa, "qs8_vadd_minmax", ISA, pyedge_qu8_vadd_minmax__##isa},

static const pyedge_qu8_vadd_ukernel pyedge_qu8_vadd_table[] = {
#if defined(PYEDGE_HAVE_AVX512)
  PYEDGE_QU8_VADD_ROWS(avx512, PYEDGE_ISA_AVX512)
#endif
#if defined(PYEDGE_HAVE_AVX2)
  PYEDGE_QU8_VADD_ROWS(avx2, PYEDGE_ISA_AVX2)
#endif
  PYEDGE_QU8_VADD_ROWS(scalar, PYEDGE_ISA_SCALAR)
};

#define PYEDGE_QU8_VADD_COUNT (sizeof(pyedge_qu8_vadd_table) / sizeof(pyedge_qu8_vadd_table[0]))
