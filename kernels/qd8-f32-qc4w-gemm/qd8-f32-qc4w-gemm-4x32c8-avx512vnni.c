/* AVX-512 VNNI qd8 x grouped-int4 GEMM: vpdpbusd on unsigned nibbles (q + 8) x int8 rows. */
#define PYEDGE_DOT4(acc, u, s) _mm512_dpbusd_epi32((acc), (u), (s))
#define PYEDGE_FN pyedge_qd8_f32_qc4w_gemm_4x32c8__avx512vnni
#include "pyedge/qd8-f32-qc4w-c64k8-avx512.h"
