/* Float32 GEMM with fused bias + clamp for pointwise convolutions: ukernel signature, table.
 *
 * Packed weight layout for a ukernel with nr: channel block b (channels b*nr .. b*nr+nr-1,
 * zero padded past N) starts at float b*nr*k and holds, for each kk < k, the nr weights
 * w[b*nr + j, kk] (j < nr).
 */
#pragma once
#include "pyedge/common.h"

/* out[i, j] = clamp(bias[j] + sum_kk a[i * a_stride + kk] * w[j, kk], min, max) for i < m,
 * j < n; bias may be NULL (zero). Strides are in floats. Preconditions: m, n, k >= 1; the
 * ukernel reads only m rows of k floats of a and writes only m rows of n floats of out. */
typedef void (*pyedge_f32_gemm_fn)(size_t m, size_t n, size_t k, const float* a,
                                   size_t a_stride, const float* w_packed, const float* bias,
                                   float* out, size_t out_stride, float min, float max);

typedef struct {
  const char* name;  /* e.g. f32_gemm_minmax_8x32__avx512 */
  int isa;           /* enum pyedge_isa */
  uint32_t mr, nr;
  pyedge_f32_gemm_fn fn;
} pyedge_f32_gemm_ukernel;

void pyedge_f32_gemm_minmax_4x4__scalar(size_t, size_t, size_t, const float*, size_t,
                                        const float*, const float*, float*, size_t, float,
                                        float);
void pyedge_f32_gemm_minmax_6x16__avx2(size_t, size_t, size_t, const float*, size_t,
                                       const float*, const float*, float*, size_t, float,
                                       float);
void pyedge_f32_gemm_minmax_8x32__avx512(size_t, size_t, size_t, const float*, size_t,
                                         const float*, const float*, float*, size_t, float,
                                         float);
