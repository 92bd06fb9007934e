/* Codebook (lookup-table) GEMM with float activations: ukernel signature and table entry.
 *
 * Weights are b-bit indices (b = 2, 3, 4) into a per-channel table; every kernel receives
 * float32 levels [n][16] where entry i holds the level of index i mod 2**b (periodic), so a
 * 4-bit lookup on any b-bit field plus garbage bits above it is still correct.
 * Layouts by `lanes` of the table entry (wstride = bytes per channel):
 *   0 (canonical): per channel the little-endian bitstream of pyedge.tensors.Codebook,
 *     wstride = ceil(k * b / 8).
 *   L = 16 or 8: per channel, blocks of KB = L * (32 / b) k (32 / b = 16, 10, 8 fields per
 *     word); block = L little-endian uint32 words, bits [b t, b t + b) of word j hold the
 *     index of k = blk * KB + L t + j (zero past K); wstride = ceil(k / KB) * 4 L.
 *   1 (K8C16, any b, indices widened to nibbles): channels in blocks of 16 (zero padded);
 *     per block, per 8-k chunk c, 16 uint32 words: nibble t of word j holds the index of
 *     channel 16 blk + j at k = 8 c + t; wstride = ceil(k / 8) * 4 (per channel).
 *     The levels of padded channels are read (zeros), so levels hold round_up(n, 16) rows.
 */
#pragma once
#include "pyedge/common.h"

/* out[i, j] = bias[j] + sum_k x[i, k] * levels[j][idx[j, k]] for i < m, j < n; w, levels and
 * bias (or NULL) point at the first channel of the call; x rows hold k valid floats (never
 * read past them); strides in floats. Preconditions: m, n, k >= 1, bits in {2, 3, 4}. */
typedef void (*pyedge_f32_lut_gemm_fn)(size_t m, size_t n, size_t k, size_t bits,
                                       const float* x, size_t x_stride, const uint8_t* w,
                                       const float* levels, const float* bias, float* out,
                                       size_t out_stride);

typedef struct {
  const char* name;
  int isa;
  uint32_t bits;   /* index width this entry serves */
  uint32_t lanes;  /* layout, see above */
  uint32_t mr, nr;
  uint32_t min_m;  /* preferred only for calls with at least min_m rows */
  pyedge_f32_lut_gemm_fn fn;
} pyedge_f32_lut_gemm_ukernel;

void pyedge_f32_lut_gemm_1x1__scalar(size_t, size_t, size_t, size_t, const float*, size_t,
                                     const uint8_t*, const float*, const float*, float*, size_t);
void pyedge_f32_lut_gemm_4x4__avx512(size_t, size_t, size_t, size_t, const float*, size_t,
                                     const uint8_t*, const float*, const float*, float*, size_t);
void pyedge_f32_lut_gemm_8x32__avx512(size_t, size_t, size_t, size_t, const float*, size_t,
                                      const uint8_t*, const float*, const float*, float*,
                                      size_t);
void pyedge_f32_lut_gemm_4x2__avx2(size_t, size_t, size_t, size_t, const float*, size_t,
                                   const uint8_t*, const float*, const float*, float*, size_t);
