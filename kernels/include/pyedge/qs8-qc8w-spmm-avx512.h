/* AVX-512 bodies of the integer sparse matmul: each int8 weight is broadcast and multiplies 16
 * uint8 activations widened to int32 along nb (vpmulld); the epilogue is the vector form of
 * pyedge_qepilogue_scalar (same float32 multiply, clamp and round-half-even conversion).
 * CSR spmm_t gathers 16 activations per step (vpgatherdd of the 4 bytes ending at each one,
 * so callers guarantee 3 readable bytes before x); BSR spmm_t uses the AVX2 block body.
 * Only compiled with -mavx512f/bw/vl/dq.
 */
#pragma once
#include <immintrin.h>
#include "pyedge/qs8-qc8w-spmm.h"

/* Requantize 16 accumulators of output row `row` into out[idx .. idx+16) under mask m. */
PYEDGE_INLINE void pyedge_qepilogue16_avx512(const pyedge_qparams* p, size_t row, __m512i acc,
                                             void* out, size_t idx, __mmask16 m) {
  const int32_t off = (p->bias ? p->bias[row] : 0) - p->a_zero_point * p->wsum[row];
  acc = _mm512_add_epi32(acc, _mm512_set1_epi32(off));
  if (p->out_kind == PYEDGE_OUT_INT32) {
    _mm512_mask_storeu_epi32((int32_t*)out + idx, m, acc);
    return;
  }
  __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), _mm512_set1_ps(p->multiplier[row]));
  if (p->out_kind == PYEDGE_OUT_FLOAT32) {
    v = _mm512_min_ps(_mm512_set1_ps(p->fmax), _mm512_max_ps(_mm512_set1_ps(p->fmin), v));
    _mm512_mask_storeu_ps((float*)out + idx, m, v);
    return;
  }
  v = _mm512_max_ps(v, _mm512_set1_ps((float)(p->qmin - p->out_zero_point)));
  v = _mm512_min_ps(v, _mm512_set1_ps((float)(p->qmax - p->out_zero_point)));
  const __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(v), _mm512_set1_epi32(p->out_zero_point));
  _mm512_mask_cvtepi32_storeu_epi8((int8_t*)out + idx, m, q);
}

PYEDGE_INLINE void pyedge_qs8_spmm_avx512_tile(const size_t R, const size_t C, const size_t NV,
                                               const int idx16, size_t br, size_t b0,
                                               __mmask16 tail, size_t nb, size_t ldx,
                                               const int64_t* indptr, const void* indices,
                                               const int8_t* values, const uint8_t* x, void* y,
                                               const pyedge_qparams* p) {
  __m512i acc[16][4];
  PYEDGE_UNROLL
  for (size_t r = 0; r < R; r++)
    PYEDGE_UNROLL
    for (size_t v = 0; v < NV; v++) acc[r][v] = _mm512_setzero_si512();
  for (int64_t j = indptr[br]; j < indptr[br + 1]; j++) {
    const size_t col = pyedge_block_col(indices, idx16, j) * C;
    const int8_t* w = values + (size_t)j * R * C;
    PYEDGE_UNROLL
    for (size_t c = 0; c < C; c++) {
      const uint8_t* xr = x + (col + c) * ldx + b0;
      __m512i xv[4];
      PYEDGE_UNROLL
      for (size_t v = 0; v + 1 < NV; v++)
        xv[v] = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i*)(xr + 16 * v)));
      xv[NV - 1] = _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(tail, xr + 16 * (NV - 1)));
      PYEDGE_UNROLL
      for (size_t r = 0; r < R; r++) {
        const __m512i wv = _mm512_set1_epi32((int32_t)w[r * C + c]);
        PYEDGE_UNROLL
        for (size_t v = 0; v < NV; v++)
          acc[r][v] = _mm512_add_epi32(acc[r][v], _mm512_mullo_epi32(wv, xv[v]));
      }
    }
  }
  PYEDGE_UNROLL
  for (size_t r = 0; r < R; r++)
    PYEDGE_UNROLL
    for (size_t v = 0; v < NV; v++)
      pyedge_qepilogue16_avx512(p, br * R + r, acc[r][v], y, (br * R + r) * nb + b0 + 16 * v,
                                v + 1 < NV ? (__mmask16)0xFFFF : tail);
}

PYEDGE_INLINE void pyedge_qs8_spmm_avx512_body(const size_t R, const size_t C, size_t br0,
                                               size_t br1, size_t nb, size_t ldx,
                                               const int64_t* indptr, const void* indices,
                                               const int idx16, const int8_t* values,
                                               const uint8_t* x, void* y,
                                               const pyedge_qparams* p) {
  const size_t NV = (R) >= 16 ? 1 : (R) >= 8 ? 2 : 4;  /* accumulators R * NV <= 16 */
  size_t b0 = 0;
  for (; b0 + 16 * NV <= nb; b0 += 16 * NV)
    for (size_t br = br0; br < br1; br++)
      pyedge_qs8_spmm_avx512_tile(R, C, NV, idx16, br, b0, 0xFFFF, nb, ldx, indptr, indices,
                                  values, x, y, p);
  const size_t rem = nb - b0;
  if (rem == 0) return;
  const __mmask16 tail = (__mmask16)(0xFFFFu >> ((16 - rem % 16) % 16));
  for (size_t br = br0; br < br1; br++) {
    switch ((rem + 15) / 16) {
      case 1:
        pyedge_qs8_spmm_avx512_tile(R, C, 1, idx16, br, b0, tail, nb, ldx, indptr, indices,
                                    values, x, y, p);
        break;
      case 2:
        if (NV >= 2)
          pyedge_qs8_spmm_avx512_tile(R, C, 2, idx16, br, b0, tail, nb, ldx, indptr, indices,
                                      values, x, y, p);
        break;
      case 3:
        if (NV >= 3)
          pyedge_qs8_spmm_avx512_tile(R, C, 3, idx16, br, b0, tail, nb, ldx, indptr, indices,
                                      values, x, y, p);
        break;
      default:
        if (NV >= 4)
          pyedge_qs8_spmm_avx512_tile(R, C, 4, idx16, br, b0, tail, nb, ldx, indptr, indices,
                                      values, x, y, p);
    }
  }
}

/* CSR spmm_t: per output row and row of x, 16 int8 weights x 16 gathered uint8 activations. */
PYEDGE_INLINE void pyedge_qs8_spmm_t_avx512_csr_body(const size_t R, const size_t C, size_t br0,
                                                     size_t br1, size_t nb, size_t k, size_t n,
                                                     const int64_t* indptr,
                                                     const void* indices, const int idx16,
                                                     const int8_t* values, const uint8_t* x,
                                                     void* y, const pyedge_qparams* p) {
  (void)R;
  (void)C;
  for (size_t row = br0; row < br1; row++)
    for (size_t b = 0; b < nb; b++) {
      const uint8_t* base = x + b * k - 3;  /* word at base + idx ends with x[b, idx] */
      __m512i acc0 = _mm512_setzero_si512(), acc1 = _mm512_setzero_si512();
      const int64_t end = indptr[row + 1];
      for (int64_t j = indptr[row]; j < end; j += 16) {
        const size_t left = (size_t)(end - j);
        const __mmask16 m = left >= 16 ? 0xFFFF : (__mmask16)((1u << left) - 1);
        const __m512i idx =
            idx16 ? _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, (const uint16_t*)indices + j))
                  : _mm512_maskz_loadu_epi32(m, (const int32_t*)indices + j);
        const __m512i w = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, values + j));
        const __m512i g = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), m, idx, base, 1);
        const __m512i prod = _mm512_mullo_epi32(w, _mm512_srli_epi32(g, 24));
        if (((size_t)(j - indptr[row]) / 16) & 1)
          acc1 = _mm512_add_epi32(acc1, prod);
        else
          acc0 = _mm512_add_epi32(acc0, prod);
      }
      const int32_t acc = _mm512_reduce_add_epi32(_mm512_add_epi32(acc0, acc1));
      pyedge_qepilogue_scalar(p, row, acc, y, b * n + row);
    }
}
