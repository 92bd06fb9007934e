/* AVX-512 VNNI integer sparse matmul spmm_t (x[nb, k] row-major): tiles of 64 rows of x are
 * transposed once per call tile into a scratch of dwords xs[g][t] = x[b0 + t, 4g .. 4g + 4)
 * (zero past k), so one vpdpbusd multiplies 4 consecutive k of 16 rows by a broadcast dword of
 * int8 weights: a 1 x 4 block row whole, single-column nonzeros of one group of 4 k merged
 * into one dword (the other bytes zero). Integer sums are exact and the epilogue is
 * pyedge_qepilogue16_avx512 (into a staging tile stored transposed into y), so results are
 * bit-exact. Only compiled with -mavx512vnni.
 */
#pragma once
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>
#include "pyedge/qs8-qc8w-spmm-avx2.h"
#include "pyedge/qs8-qc8w-spmm-avx512.h"

#define PYEDGE_QS8_VNNI_T 64 /* rows of x per transposed tile (dwords per scratch row) */

/* Weight dwords wd[0 .. R) of the next group of 4 k of block row j.. (one R x 4 block, or the
 * R x 1 blocks whose columns share k / 4); advances *j and returns the group's first k. */
PYEDGE_INLINE size_t pyedge_qs8_vnni_group(const size_t R, const size_t C, const int idx16,
                                           int64_t* j, int64_t end, const void* indices,
                                           const int8_t* values, uint32_t* wd) {
  const size_t col = pyedge_block_col(indices, idx16, *j) * C;
  if (C == 4) {
    PYEDGE_UNROLL
    for (size_t r = 0; r < R; r++) memcpy(&wd[r], values + (size_t)*j * R * 4 + r * 4, 4);
    ++*j;
    return col;
  }
  PYEDGE_UNROLL
  for (size_t r = 0; r < R; r++)
    wd[r] = (uint32_t)(uint8_t)values[(size_t)*j * R + r] << (8 * (col & 3));
  for (++*j; *j < end; ++*j) {
    const size_t c2 = pyedge_block_col(indices, idx16, *j);
    if ((c2 >> 2) != (col >> 2)) break;
    PYEDGE_UNROLL
    for (size_t r = 0; r < R; r++)
      wd[r] |= (uint32_t)(uint8_t)values[(size_t)*j * R + r] << (8 * (c2 & 3));
  }
  return col;
}

/* One block row over NV * 16 transposed rows of x starting at xs (cnt of them valid), into
 * the staging tile ys[row - r0][16 * v ..] (ys already offset to the first of those rows). Rows of
 * one output (R == 1) alternate two accumulator sets so vpdpbusd latency is hidden. */
PYEDGE_INLINE void pyedge_qs8_vnni_tile(const size_t R, const size_t C, const size_t NV,
                                        const int idx16, size_t br, const uint32_t* xs,
                                        size_t cnt, size_t r0, const int64_t* indptr,
                                        const void* indices, const int8_t* values, void* ys,
                                        const pyedge_qparams* p) {
  const size_t S = R == 1 ? 2 : 1;  /* accumulator sets */
  __m512i acc[2][16][4];
  PYEDGE_UNROLL
  for (size_t s = 0; s < S; s++)
    PYEDGE_UNROLL
    for (size_t r = 0; r < R; r++)
      PYEDGE_UNROLL
      for (size_t v = 0; v < NV; v++) acc[s][r][v] = _mm512_setzero_si512();
  const int64_t end = indptr[br + 1];
  int64_t j = indptr[br];
  while (j < end) {
    PYEDGE_UNROLL
    for (size_t s = 0; s < S; s++) {
      if (s > 0 && j >= end) break;
      uint32_t wd[16];
      const size_t col = pyedge_qs8_vnni_group(R, C, idx16, &j, end, indices, values, wd);
      const uint32_t* xg = xs + (col >> 2) * PYEDGE_QS8_VNNI_T;
      __m512i xv[4];
      PYEDGE_UNROLL
      for (size_t v = 0; v < NV; v++) xv[v] = _mm512_load_si512((const void*)(xg + 16 * v));
      PYEDGE_UNROLL
      for (size_t r = 0; r < R; r++) {
        const __m512i wv = _mm512_set1_epi32((int32_t)wd[r]);
        PYEDGE_UNROLL
        for (size_t v = 0; v < NV; v++)
          acc[s][r][v] = _mm512_dpbusd_epi32(acc[s][r][v], xv[v], wv);
      }
    }
  }
  PYEDGE_UNROLL
  for (size_t r = 0; r < R; r++)
    PYEDGE_UNROLL
    for (size_t v = 0; v < NV; v++)
      if (16 * v < cnt)
        pyedge_qepilogue16_avx512(
            p, br * R + r, S == 2 ? _mm512_add_epi32(acc[0][r][v], acc[S - 1][r][v]) : acc[0][r][v],
            ys, (br * R + r - r0) * PYEDGE_QS8_VNNI_T + 16 * v,
            (__mmask16)(0xFFFFu >> (cnt - 16 * v < 16 ? 16 - (cnt - 16 * v) : 0)));
}

PYEDGE_INLINE void pyedge_qs8_spmm_t_avx512vnni_body(const size_t R, const size_t C, size_t br0,
                                                     size_t br1, size_t nb, size_t k, size_t n,
                                                     const int64_t* indptr,
                                                     const void* indices, const int idx16,
                                                     const int8_t* values, const uint8_t* x,
                                                     void* y, const pyedge_qparams* p) {
  const size_t T = PYEDGE_QS8_VNNI_T, NV = R >= 16 ? 1 : R >= 8 ? 2 : 4;
  const size_t kg = (k + 3) / 4, kfull = k / 4;
  if (nb < 4) {  /* a few rows: the gather / block-in-lanes bodies skip the transpose */
    if (R * C == 1)
      pyedge_qs8_spmm_t_avx512_csr_body(R, C, br0, br1, nb, k, n, indptr, indices, idx16, values,
                                        x, y, p);
    else
      pyedge_qs8_spmm_t_avx2_block_body(R, C, br0, br1, nb, k, n, indptr, indices, idx16,
                                        values, x, y, p);
    return;
  }
  const size_t r0 = br0 * R, nr = (br1 - br0) * R;
  const int wide = p->out_kind == PYEDGE_OUT_INT32 || p->out_kind == PYEDGE_OUT_FLOAT32;
  void* raw = malloc(kg * T * 4 + nr * T * 4 + 64);  /* once per call, never in the loops below */
  if (raw == NULL) {
    pyedge_qs8_spmm_t_scalar_body(R, C, br0, br1, nb, k, n, indptr, indices, idx16, values, x, y,
                                  p);
    return;
  }
  uint32_t* xs = (uint32_t*)(((uintptr_t)raw + 63) & ~(uintptr_t)63);  /* [kg, T] */
  int32_t* ys = (int32_t*)(xs + kg * T);  /* outputs [nr, T] of p->out_kind elements */
  for (size_t b0 = 0; b0 < nb; b0 += T) {
    const size_t tb = nb - b0 < T ? nb - b0 : T;
    for (size_t t = 0; t < T; t++) {  /* xs[g][t] = dword g of row b0 + t (zero past nb, k) */
      if (t < tb) {
        const uint8_t* row = x + (b0 + t) * k;
        for (size_t g = 0; g < kfull; g++) memcpy(&xs[g * T + t], row + 4 * g, 4);
        if (kg > kfull) {
          uint32_t d = 0;
          memcpy(&d, row + 4 * kfull, k - 4 * kfull);
          xs[kfull * T + t] = d;
        }
      } else {
        for (size_t g = 0; g < kg; g++) xs[g * T + t] = 0;
      }
    }
    for (size_t br = br0; br < br1; br++)
      for (size_t s = 0; s < tb; s += 16 * NV) {
        const size_t cnt = tb - s < 16 * NV ? tb - s : 16 * NV;
        switch ((cnt + 15) / 16) {
          case 1:
            pyedge_qs8_vnni_tile(R, C, 1, idx16, br, xs + s, cnt, r0, indptr, indices,
                                 values, wide ? (void*)(ys + s) : (void*)((int8_t*)ys + s), p);
            break;
          case 2:
            if (NV >= 2)
              pyedge_qs8_vnni_tile(R, C, 2, idx16, br, xs + s, cnt, r0, indptr, indices,
                                 values, wide ? (void*)(ys + s) : (void*)((int8_t*)ys + s), p);
            break;
          case 3:
            if (NV >= 3)
              pyedge_qs8_vnni_tile(R, C, 3, idx16, br, xs + s, cnt, r0, indptr, indices,
                                 values, wide ? (void*)(ys + s) : (void*)((int8_t*)ys + s), p);
            break;
          default:
            if (NV >= 4)
              pyedge_qs8_vnni_tile(R, C, 4, idx16, br, xs + s, cnt, r0, indptr, indices,
                                 values, wide ? (void*)(ys + s) : (void*)((int8_t*)ys + s), p);
        }
      }
    for (size_t t = 0; t < tb; t++) {  /* staging tile [nr, tb] -> rows b0 + t of y */
      if (wide) {
        int32_t* yo = (int32_t*)y + (b0 + t) * n + r0;
        for (size_t r = 0; r < nr; r++) yo[r] = ys[r * T + t];
      } else {
        int8_t* yo = (int8_t*)y + (b0 + t) * n + r0;
        for (size_t r = 0; r < nr; r++) yo[r] = ((const int8_t*)ys)[r * T + t];
      }
    }
  }
  free(raw);
}
