/* Grouped INT4 GEMM (f32 and dynamically quantized int8 activations): ukernel signatures.
 *
 * Weights come as int4 values q[n, k] in [-8, 7] with float32 scales s[n, g] per group of
 * `group` consecutive k (group = 32, 64 or 128, dividing K). Each ukernel has a K block `kb`;
 * kpad = round_up(K, max(kb, group)), and every channel n owns wstride = kpad / 2 weight bytes
 * and kpad / group scales (zero past K). Layouts, by `layout` of the table entry:
 *
 *  CANONICAL (kb = 32): per channel, byte j holds q[2j] (low nibble) and q[2j + 1] (high),
 *    two's complement; scales float32 [n][kpad / group].
 *  K16X8 (kb = 128, f32 activations): per channel, per 128-k block, 16 little-endian uint32
 *    words; nibble t (bits 4t..4t+3) of word j holds q[blk * 128 + 16 t + j], two's
 *    complement; scales float32 [n][kpad / group].
 *  K8X8 (kb = 64, f32 activations, AVX2): as K16X8 with 8 words per 64-k block,
 *    nibble t of word j holds q[blk * 64 + 8 t + j].
 *  C16K8 (kb = 8, qd8): channels in blocks of 16 (zero padded); per block, per 8-k chunk c,
 *    64 bytes: byte 4 j + i holds u[c*8 + i] (low nibble) and u[c*8 + 4 + i] (high nibble) of
 *    channel j of the block, with u = q + 8 in [0, 15]; scales float16 (raw bits)
 *    [block][kpad / group][16].
 *  K8C16 (kb = 8, f32 activations, many rows): channels in blocks of 16 (zero padded); per
 *    block, per 8-k chunk c, 16 little-endian uint32 words: nibble t of word j holds
 *    q[16 b + j, 8 c + t], two's complement; scales float32 [block][kpad / group][16].
 *  C64K8 (kb = 8, qd8, AVX-512): as C16K8 with blocks of 64 channels: per 8-k chunk 256
 *    bytes = 4 sub-blocks of 16 channels, each laid out as a C16K8 chunk, so a GEMV reads one
 *    sequential stream; scales float16 [block][kpad / group][64].
 *
 * Numerics of the qd8 path (every backend reproduces them bit for bit):
 *   per row i: amax = max |x[i, k]|; sx = amax / 127, inv = 127 / amax (both 0 if amax = 0);
 *   xq[i, k] = clamp(round_half_even(x[i, k] * inv), -127, 127)  (one float32 multiply);
 *   dot[g] = sum over k in group g of xq[i, k] * q[n, k]       (exact int32);
 *   acc = 0.f; for g in order: acc = acc + (float)dot[g] * s[n, g]  (multiply, then add);
 *   out[i, n] = acc * sx (+ bias[n], one float32 add).
 */
#pragma once
#include "pyedge/common.h"

enum pyedge_qc4w_layout {
  PYEDGE_QC4W_CANONICAL = 0,
  PYEDGE_QC4W_K16X8 = 1,
  PYEDGE_QC4W_K8X8 = 2,
  PYEDGE_QC4W_C16K8 = 3,
  PYEDGE_QC4W_C64K8 = 4,
  PYEDGE_QC4W_K8C16 = 5
};

/* Float activations. out[i, j] = bias[j] + sum_k x[i, k] * s[j, k / group] * q[j, k] for
 * i < m, j < n. w and scale point at the first channel of the call; bias is NULL or offset
 * the same way. x rows have k valid floats (never read past them); x_stride / out_stride are
 * in floats. Preconditions: m, n >= 1; k a positive multiple of group. */
typedef void (*pyedge_f32_qc4w_gemm_fn)(size_t m, size_t n, size_t k, size_t group,
                                        const float* x, size_t x_stride, const uint8_t* w,
                                        const float* scale, const float* bias, float* out,
                                        size_t out_stride);

/* Dynamic int8 activations: xq [m][k] int8 rows (stride k), xsum [m][k / group] int32 group
 * sums of xq, sx [m] row scales; weights/scales in the kernel's layout starting at the first
 * channel (a multiple of the layout's channel block). */
typedef void (*pyedge_qd8_f32_qc4w_gemm_fn)(size_t m, size_t n, size_t k, size_t group,
                                            const int8_t* xq, const int32_t* xsum,
                                            const float* sx, const uint8_t* w,
                                            const void* scale, const float* bias, float* out,
                                            size_t out_stride);

typedef struct {
  const char* name;
  int isa;
  int qd8;           /* 0: f32 activations, 1: dynamic int8 activations */
  int layout;        /* enum pyedge_qc4w_layout */
  uint32_t mr, nr, kb, cb;  /* tile rows / channels, K block, channel block of the layout */
  uint32_t min_m;    /* preferred only for calls with at least min_m rows */
  void* fn;          /* pyedge_f32_qc4w_gemm_fn or pyedge_qd8_f32_qc4w_gemm_fn */
} pyedge_qc4w_gemm_ukernel;

/* Quantize rows of x [m][k] (stride x_stride floats) as the qd8 numerics above define. */
void pyedge_qd8_quantize_rows(size_t m, size_t k, size_t group, const float* x,
                              size_t x_stride, int8_t* xq, int32_t* xsum, float* sx);

void pyedge_f32_qc4w_gemm_1x4__scalar(size_t, size_t, size_t, size_t, const float*, size_t,
                                      const uint8_t*, const float*, const float*, float*,
                                      size_t);
void pyedge_f32_qc4w_gemm_4x4__avx512(size_t, size_t, size_t, size_t, const float*, size_t,
                                      const uint8_t*, const float*, const float*, float*,
                                      size_t);
void pyedge_f32_qc4w_gemm_8x32__avx512(size_t, size_t, size_t, size_t, const float*, size_t,
                                       const uint8_t*, const float*, const float*, float*,
                                       size_t);
void pyedge_f32_qc4w_gemm_4x2__avx2(size_t, size_t, size_t, size_t, const float*, size_t,
                                    const uint8_t*, const float*, const float*, float*, size_t);
/* ARM NEON / dotprod, canonical layout (float32 scales). */
void pyedge_f32_qc4w_gemm_1x4__neon(size_t, size_t, size_t, size_t, const float*, size_t,
                                    const uint8_t*, const float*, const float*, float*, size_t);
void pyedge_qd8_f32_qc4w_gemm_1x4__neon(size_t, size_t, size_t, size_t, const int8_t*,
                                        const int32_t*, const float*, const uint8_t*,
                                        const void*, const float*, float*, size_t);
void pyedge_qd8_f32_qc4w_gemm_1x4__neondot(size_t, size_t, size_t, size_t, const int8_t*,
                                           const int32_t*, const float*, const uint8_t*,
                                           const void*, const float*, float*, size_t);
void pyedge_qd8_f32_qc4w_gemm_1x4__scalar(size_t, size_t, size_t, size_t, const int8_t*,
                                          const int32_t*, const float*, const uint8_t*,
                                          const void*, const float*, float*, size_t);
void pyedge_qd8_f32_qc4w_gemm_4x32c8__avx512vnni(size_t, size_t, size_t, size_t,
                                                 const int8_t*, const int32_t*, const float*,
                                                 const uint8_t*, const void*, const float*,
                                                 float*, size_t);
void pyedge_qd8_f32_qc4w_gemm_4x32c8__avx512(size_t, size_t, size_t, size_t, const int8_t*,
                                             const int32_t*, const float*, const uint8_t*,
                                             const void*, const float*, float*, size_t);
void pyedge_qd8_f32_qc4w_gemm_2x16c8__avx2(size_t, size_t, size_t, size_t, const int8_t*,
                                           const int32_t*, const float*, const uint8_t*,
                                           const void*, const float*, float*, size_t);
