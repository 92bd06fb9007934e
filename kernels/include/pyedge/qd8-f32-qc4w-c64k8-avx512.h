/* Shared body of the AVX-512 qd8 x int4 GEMM on the C64K8 layout (qc4w-gemm.h); the file
 * including it defines PYEDGE_DOT4(acc, u8_weights, s8_acts) (VNNI vpdpbusd or its exact
 * vpmaddubsw + vpmaddwd equivalent: |15 * 127 * 2| cannot saturate int16) and PYEDGE_FN. */
#pragma once
#include <immintrin.h>
#ifndef PYEDGE_QD8_PREFETCH
#define PYEDGE_QD8_PREFETCH 4096 /* bytes ahead in each 16-channel block's weight stream */
#endif
#include "pyedge/qc4w-gemm.h"

/* mr rows x nb sub-blocks of 16 channels of one 64-channel block (w, sc at the first
 * sub-block); `split` keeps two accumulator sets (latency of M = 1). */
PYEDGE_INLINE void pyedge_qd8_c64k8_tile(const size_t mr, const size_t nb, const int split,
                                         size_t k, size_t group, const int8_t* xq,
                                         const int32_t* xsum, const float* sx,
                                         const uint8_t* w, const uint16_t* sc, size_t kpad,
                                         const float* bias, float* out, size_t out_stride,
                                         size_t nvalid) {
  const size_t ngroups = k / group, cpg = group / 8;
  const size_t wbs = 64, sbs = 16;
  const __m512i mask4 = _mm512_set1_epi8(0x0F);
  __m512 facc[4][4];
  for (size_t r = 0; r < mr; r++)
    for (size_t b = 0; b < nb; b++) facc[r][b] = _mm512_setzero_ps();
  for (size_t g = 0; g < ngroups; g++) {
    __m512i acc[4][4], acc2[4][4];
    for (size_t r = 0; r < mr; r++) {
      const __m512i comp = _mm512_set1_epi32(-8 * xsum[r * ngroups + g]);
      for (size_t b = 0; b < nb; b++) {
        acc[r][b] = comp;
        acc2[r][b] = _mm512_setzero_si512();
      }
    }
    const uint8_t* wg = w + g * group * 32;
    const int8_t* xg = xq + g * group;
    for (size_t c = 0; c < cpg; c++) {
      __m512i xa[4], xb[4];
      for (size_t r = 0; r < mr; r++) {
        int32_t lo4, hi4;
        __builtin_memcpy(&lo4, xg + r * k + c * 8, 4);
        __builtin_memcpy(&hi4, xg + r * k + c * 8 + 4, 4);
        xa[r] = _mm512_set1_epi32(lo4);
        xb[r] = _mm512_set1_epi32(hi4);
      }
      for (size_t b = 0; b < nb; b++) {
        const __m512i v = _mm512_loadu_si512((const void*)(wg + b * wbs + c * 256));
        const __m512i lo = _mm512_and_si512(v, mask4);
        const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), mask4);
        for (size_t r = 0; r < mr; r++) {
          acc[r][b] = PYEDGE_DOT4(acc[r][b], lo, xa[r]);
          if (split)
            acc2[r][b] = PYEDGE_DOT4(acc2[r][b], hi, xb[r]);
          else
            acc[r][b] = PYEDGE_DOT4(acc[r][b], hi, xb[r]);
        }
      }
    }
    for (size_t b = 0; b < nb; b++) {
      const __m512 s = _mm512_cvtph_ps(
          _mm256_loadu_si256((const __m256i*)(sc + b * sbs + g * 64)));
      for (size_t r = 0; r < mr; r++) {
        const __m512i d = split ? _mm512_add_epi32(acc[r][b], acc2[r][b]) : acc[r][b];
        facc[r][b] = _mm512_add_ps(facc[r][b], _mm512_mul_ps(_mm512_cvtepi32_ps(d), s));
      }
    }
  }
  for (size_t b = 0; b < nb; b++) {
    const size_t left = nvalid > 16 * b ? nvalid - 16 * b : 0;
    const __mmask16 mask = (__mmask16)(left >= 16 ? 0xFFFF : (1u << left) - 1);
    const __m512 bv = bias ? _mm512_maskz_loadu_ps(mask, bias + 16 * b) : _mm512_setzero_ps();
    for (size_t r = 0; r < mr; r++) {
      __m512 y = _mm512_mul_ps(facc[r][b], _mm512_set1_ps(sx[r]));
      if (bias) y = _mm512_add_ps(y, bv);
      _mm512_mask_storeu_ps(out + r * out_stride + 16 * b, mask, y);
    }
  }
}

#define PYEDGE_QD8_C64K8_CASE(MR, NB, SPLIT)                                                \
  pyedge_qd8_c64k8_tile(MR, NB, SPLIT, k, group, xq + i * k, xsum + i * ngroups, sx + i,  \
                        wb + 64 * sub, sb + 16 * sub, kpad, bias ? bias + j0 : NULL,       \
                        out + i * out_stride + j0, out_stride, PYEDGE_MIN(n - j0, 16 * (NB)))

void PYEDGE_FN(size_t m, size_t n, size_t k, size_t group, const int8_t* xq,
               const int32_t* xsum, const float* sx, const uint8_t* w, const void* scale,
               const float* bias, float* out, size_t out_stride) {
  const size_t kpad = k, ngroups = k / group, nsuper = PYEDGE_DIV_UP(n, 64);
  const uint16_t* sc = (const uint16_t*)scale;
  for (size_t blk = 0; blk < nsuper; blk++) {
    const uint8_t* wb = w + blk * 32 * kpad;
    const uint16_t* sb = sc + blk * 64 * ngroups;
    if (m == 1) {
      const size_t i = 0, sub = 0, j0 = 64 * blk;
      PYEDGE_QD8_C64K8_CASE(1, 4, 1);
      continue;
    }
    for (size_t sub = 0; sub < 4 && 64 * blk + 16 * sub < n; sub += 2) {
      const size_t j0 = 64 * blk + 16 * sub;
      for (size_t i = 0; i < m;) {
        const size_t mr = PYEDGE_MIN(4, m - i);
        switch (mr) {
          case 4: PYEDGE_QD8_C64K8_CASE(4, 2, 0); break;
          case 3: PYEDGE_QD8_C64K8_CASE(3, 2, 0); break;
          case 2: PYEDGE_QD8_C64K8_CASE(2, 2, 0); break;
          default: PYEDGE_QD8_C64K8_CASE(1, 2, 1);
        }
        i += mr;
      }
    }
  }
}
