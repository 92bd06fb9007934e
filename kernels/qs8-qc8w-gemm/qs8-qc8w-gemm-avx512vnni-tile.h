/* Body shared by the AVX-512 VNNI INT8 GEMM ukernels: MR rows x NB blocks of 16 channels. */
#pragma once
#include <string.h>
#include "pyedge/qepilogue-avx512.h"
#include "pyedge/qs8-qc8w-gemm.h"

/* Layout (nr, kr, kc) = (16, 4, 64): one 64-byte chunk holds 4 k of 16 channels. */
#define PYEDGE_VNNI_NR 16
#define PYEDGE_VNNI_KC 64
/* Array bounds of the tile template (MR, NB are compile-time constants at every call site, so
 * the fully unrolled loops keep the accumulators in registers). */
#define PYEDGE_VNNI_MAX_MR 16
#define PYEDGE_VNNI_MAX_NB 8
#define PYEDGE_UNROLL _Pragma("GCC unroll 16")

/* rem (1..4) activation bytes as the low bytes of an int32, zero above (reads only rem). */
PYEDGE_INLINE int32_t pyedge_vnni_load_a(const uint8_t* a, size_t rem) {
  int32_t v = 0;
  memcpy(&v, a, rem);
  return v;
}

/* Lanes of block b (channels b*16 ..) that exist among n channels. */
PYEDGE_INLINE __mmask16 pyedge_vnni_mask(size_t b, size_t n) {
  const size_t c0 = b * PYEDGE_VNNI_NR;
  if (c0 >= n) return 0;
  return n - c0 >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - c0)) - 1u);
}

/* One group of NB consecutive channel blocks starting at block b0, all m rows, in tiles of
 * MR rows (the last tile repeats its last row; repeated rows are not stored). */
PYEDGE_INLINE void pyedge_vnni_group(size_t MR, size_t NB, size_t m, size_t n, size_t k,
                                     size_t b0, const uint8_t* a, size_t a_stride,
                                     const int8_t* w, size_t bstride, const pyedge_qparams* p,
                                     const pyedge_qepi_avx512* e, void* out,
                                     size_t out_stride) {
  const int8_t* wb[PYEDGE_VNNI_MAX_NB];
  __m512i adj[PYEDGE_VNNI_MAX_NB];
  __m512 mult[PYEDGE_VNNI_MAX_NB];
  __mmask16 mask[PYEDGE_VNNI_MAX_NB];
  PYEDGE_UNROLL for (size_t j = 0; j < NB; j++) {
    wb[j] = w + (b0 + j) * bstride;
    mask[j] = pyedge_vnni_mask(b0 + j, n);
    adj[j] = pyedge_qepi_avx512_adj(p, (b0 + j) * PYEDGE_VNNI_NR, mask[j]);
    mult[j] = pyedge_qepi_avx512_mult(p, (b0 + j) * PYEDGE_VNNI_NR, mask[j]);
  }
  const size_t kq = k / 4, krem = k % 4;
  for (size_t m0 = 0; m0 < m; m0 += MR) {
    const uint8_t* ar[PYEDGE_VNNI_MAX_MR];
    PYEDGE_UNROLL for (size_t i = 0; i < MR; i++) ar[i] = a + PYEDGE_MIN(m0 + i, m - 1) * a_stride;
    /* The partial k chunk (k % 4 bytes) goes first, so the main loop ends the data flow. */
    __m512i acc[PYEDGE_VNNI_MAX_MR][PYEDGE_VNNI_MAX_NB];
    PYEDGE_UNROLL for (size_t i = 0; i < MR; i++)
      PYEDGE_UNROLL for (size_t j = 0; j < NB; j++) acc[i][j] = _mm512_setzero_si512();
    if (krem) {
      __m512i wv[PYEDGE_VNNI_MAX_NB];
      PYEDGE_UNROLL for (size_t j = 0; j < NB; j++) wv[j] = _mm512_loadu_si512(wb[j] + kq * 64);
      PYEDGE_UNROLL for (size_t i = 0; i < MR; i++) {
        const __m512i av = _mm512_set1_epi32(pyedge_vnni_load_a(ar[i] + kq * 4, krem));
        PYEDGE_UNROLL for (size_t j = 0; j < NB; j++)
          acc[i][j] = _mm512_dpbusd_epi32(acc[i][j], av, wv[j]);
      }
    }
    for (size_t c = 0; c < kq; c++) {
      __m512i wv[PYEDGE_VNNI_MAX_NB];
      PYEDGE_UNROLL for (size_t j = 0; j < NB; j++) wv[j] = _mm512_loadu_si512(wb[j] + c * 64);
      PYEDGE_UNROLL for (size_t i = 0; i < MR; i++) {
        int32_t a4;
        memcpy(&a4, ar[i] + c * 4, 4);
        const __m512i av = _mm512_set1_epi32(a4);
        PYEDGE_UNROLL for (size_t j = 0; j < NB; j++)
          acc[i][j] = _mm512_dpbusd_epi32(acc[i][j], av, wv[j]);
      }
    }
    const size_t mm = PYEDGE_MIN(MR, m - m0);
    PYEDGE_UNROLL for (size_t i = 0; i < MR; i++)
      PYEDGE_UNROLL for (size_t j = 0; j < NB; j++)
        if (i < mm && mask[j])
          pyedge_qepi_avx512_store(e, acc[i][j], adj[j], mult[j], mask[j], out,
                                   (m0 + i) * out_stride + (b0 + j) * PYEDGE_VNNI_NR);
  }
}
