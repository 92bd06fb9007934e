/* CPU feature bits detected at run time. */
#pragma once
#include "pyedge/common.h"

typedef struct {
  int avx2, fma, avx512f, avx512bw, avx512vl, avx512dq, avx512vnni;
  int amx_tile, amx_int8, amx_permitted;  /* amx_permitted: arch_prctl granted tile state */
  int neon, neon_dotprod, neon_i8mm;
} pyedge_cpu_info;

/* Fill *info. On x86-64 Linux this also requests AMX tile state for the process (once is
 * enough; repeated calls are harmless). */
void pyedge_cpu_features(pyedge_cpu_info* info);
