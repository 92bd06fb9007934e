/* Common macros and architecture detection for pyedge's C microkernels (no Python.h). */
#pragma once
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(_M_X64)
#define PYEDGE_ARCH_X86_64 1
#elif defined(__aarch64__) || defined(_M_ARM64)
#define PYEDGE_ARCH_ARM64 1
#endif

#define PYEDGE_RESTRICT __restrict__
#define PYEDGE_INLINE static inline __attribute__((always_inline))
#define PYEDGE_MIN(a, b) ((a) < (b) ? (a) : (b))
#define PYEDGE_MAX(a, b) ((a) > (b) ? (a) : (b))
#define PYEDGE_ROUND_UP(x, q) ((((x) + (q) - 1) / (q)) * (q))
#define PYEDGE_DIV_UP(x, q) (((x) + (q) - 1) / (q))

/* ISA identifiers shared by cpuinfo.c, the kernel tables and the Python registry. */
enum pyedge_isa {
  PYEDGE_ISA_SCALAR = 0,
  PYEDGE_ISA_AVX2 = 1,        /* AVX2 + FMA + F16C */
  PYEDGE_ISA_AVX512 = 2,      /* AVX-512 F/BW/VL/DQ */
  PYEDGE_ISA_AVX512VNNI = 3,  /* AVX-512 F/BW/VL/DQ + VNNI */
  PYEDGE_ISA_AMX = 4,         /* AMX-TILE + AMX-INT8, OS permission granted */
  PYEDGE_ISA_NEON = 5,
  PYEDGE_ISA_NEONDOT = 6,     /* ARMv8.2 dotprod */
  PYEDGE_ISA_NEONI8MM = 7,    /* ARMv8.2 dotprod + i8mm (mixed-sign dot products) */
  PYEDGE_ISA_COUNT = 8
};
