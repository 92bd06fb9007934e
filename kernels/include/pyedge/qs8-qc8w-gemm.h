/* INT8 GEMM (uint8 activations x int8 per-channel weights): ukernel signature, packing, table.
 *
 * Packed weight layout for a ukernel with tile (nr, kr) and K granule kc (a multiple of kr):
 *   kpad = round_up(K, kc); channel block b (channels b*nr .. b*nr+nr-1, zero padded) starts at
 *   byte b*nr*kpad and holds, for each k chunk c in [0, kpad/kr): for j in [0, nr): the kr
 *   bytes w[b*nr + j, c*kr : c*kr + kr] (zeros past K or past N).
 */
#pragma once
#include "pyedge/params.h"

/* out[i, j] for i < m, j < n from a (row stride a_stride bytes), packed weights starting at
 * the first channel of the call (a multiple of nr), params offset to that channel.
 * out_stride is in elements of the output type. Preconditions: m, n, k >= 1; a holds m rows
 * of k valid bytes (the ukernel never reads past them); out holds m rows of n elements. */
typedef void (*pyedge_qs8_qc8w_gemm_fn)(size_t m, size_t n, size_t k, const uint8_t* a,
                                        size_t a_stride, const int8_t* w_packed,
                                        const pyedge_qparams* p, void* out, size_t out_stride);

typedef struct {
  const char* name;  /* full kernel name, e.g. qs8_qc8w_gemm_minmax_4x16c4__avx512vnni */
  int isa;           /* enum pyedge_isa */
  uint32_t mr, nr, kr, kc;
  uint32_t min_m;    /* preferred only for calls with at least min_m rows (AMX) */
  pyedge_qs8_qc8w_gemm_fn fn;
} pyedge_qs8_qc8w_gemm_ukernel;

/* Pack w[n, k] (row-major int8) into the layout above; out holds round_up(n,nr)*kpad bytes. */
void pyedge_qs8_qc8w_pack(size_t n, size_t k, uint32_t nr, uint32_t kr, uint32_t kc,
                          const int8_t* w, int8_t* out);

void pyedge_qs8_qc8w_gemm_minmax_4x4__scalar(size_t, size_t, size_t, const uint8_t*, size_t,
                                             const int8_t*, const pyedge_qparams*, void*, size_t);
/* AVX2 (vpmovzx/sx + vpmaddwd: no int16 saturation), layout (16, 4, 64). */
void pyedge_qs8_qc8w_gemm_minmax_4x16c4__avx2(size_t, size_t, size_t, const uint8_t*, size_t,
                                              const int8_t*, const pyedge_qparams*, void*, size_t);
/* AVX-512 VNNI (vpdpbusd), layout (16, 4, 64). */
void pyedge_qs8_qc8w_gemm_minmax_1x64c4__avx512vnni(size_t, size_t, size_t, const uint8_t*,
                                                    size_t, const int8_t*, const pyedge_qparams*,
                                                    void*, size_t);
void pyedge_qs8_qc8w_gemm_minmax_8x32c4__avx512vnni(size_t, size_t, size_t, const uint8_t*,
                                                    size_t, const int8_t*, const pyedge_qparams*,
                                                    void*, size_t);
/* ARM NEON (vmlal_lane_s16 on widened bytes), layout (16, 1, 8). */
void pyedge_qs8_qc8w_gemm_minmax_4x16__neon(size_t, size_t, size_t, const uint8_t*, size_t,
                                            const int8_t*, const pyedge_qparams*, void*, size_t);
/* ARMv8.2 dotprod (sdot on a - 128, plus 128 * wsum), layout (16, 4, 16). */
void pyedge_qs8_qc8w_gemm_minmax_4x16c4__neondot(size_t, size_t, size_t, const uint8_t*,
                                                 size_t, const int8_t*, const pyedge_qparams*,
                                                 void*, size_t);
/* ARMv8.6 i8mm (sudot: int8 weights x uint8 activations), layout (16, 4, 16). */
void pyedge_qs8_qc8w_gemm_minmax_4x16c4__neoni8mm(size_t, size_t, size_t, const uint8_t*,
                                                  size_t, const int8_t*, const pyedge_qparams*,
                                                  void*, size_t);
/* AMX-INT8 (tdpbusd), layout (16, 4, 64); the caller must hold AMX permission. */
void pyedge_qs8_qc8w_gemm_minmax_32x32c4__amx(size_t, size_t, size_t, const uint8_t*, size_t,
                                              const int8_t*, const pyedge_qparams*, void*, size_t);
