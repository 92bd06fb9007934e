/* AVX2 bodies of the integer sparse matmul: activations widened to int32 lanes along nb, two
 * nonzeros per vpmaddwd (each lane holds x[col_a] | x[col_b] << 16 against w_a | w_b << 16);
 * the epilogue is the 8-lane form of pyedge_qepilogue_scalar (same float32 multiply, clamp
 * order and round-half-even conversion), so results are bit-exact.
 * CSR spmm_t gathers 8 activations per step (vpgatherdd of the 4 bytes ending at each one,
 * so callers guarantee 3 readable bytes before x); BSR spmm_t holds a block in the lanes.
 * Only compiled with -mavx2.
 */
#pragma once
#include <immintrin.h>
#include <string.h>
#include "pyedge/qs8-qc8w-spmm.h"

/* Requantize 8 accumulators of output row `row` into out[idx .. idx+nn) (nn in 1..8). */
PYEDGE_INLINE void pyedge_qepilogue8_avx2(const pyedge_qparams* p, size_t row, __m256i acc,
                                          void* out, size_t idx, size_t nn) {
  const int32_t off = (p->bias ? p->bias[row] : 0) - p->a_zero_point * p->wsum[row];
  acc = _mm256_add_epi32(acc, _mm256_set1_epi32(off));
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)nn), lanes);
  if (p->out_kind == PYEDGE_OUT_INT32) {
    _mm256_maskstore_epi32((int*)out + idx, mask, acc);
    return;
  }
  __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), _mm256_set1_ps(p->multiplier[row]));
  if (p->out_kind == PYEDGE_OUT_FLOAT32) {
    v = _mm256_min_ps(_mm256_set1_ps(p->fmax), _mm256_max_ps(_mm256_set1_ps(p->fmin), v));
    _mm256_maskstore_ps((float*)out + idx, mask, v);
    return;
  }
  v = _mm256_max_ps(v, _mm256_set1_ps((float)(p->qmin - p->out_zero_point)));
  v = _mm256_min_ps(v, _mm256_set1_ps((float)(p->qmax - p->out_zero_point)));
  const __m256i q = _mm256_add_epi32(_mm256_cvtps_epi32(v), _mm256_set1_epi32(p->out_zero_point));
  /* low byte of each int32 (values are in range): bytes 0, 4, 8, 12 of each half, joined */
  const __m256i pick = _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                        -1, -1, 0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1,
                                        -1, -1, -1, -1);
  const __m256i b = _mm256_shuffle_epi8(q, pick);
  const __m128i lo = _mm_unpacklo_epi32(_mm256_castsi256_si128(b), _mm256_extracti128_si256(b, 1));
  int8_t bytes[8];
  _mm_storel_epi64((__m128i*)bytes, lo);
  memcpy((int8_t*)out + idx, bytes, nn);
}

/* x[0 .. n) (n in 1..8) widened to int32 lanes; lanes past n are zero. */
PYEDGE_INLINE __m256i pyedge_u8x8_avx2(const uint8_t* x, size_t n) {
  if (n >= 8) return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i*)x));
  uint8_t buf[8] = {0};
  memcpy(buf, x, n);
  return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i*)buf));
}

/* w_a in the low and w_b in the high int16 of every lane. */
PYEDGE_INLINE __m256i pyedge_wpair_avx2(int8_t wa, int8_t wb) {
  return _mm256_set1_epi32((int32_t)((uint32_t)(uint16_t)(int16_t)wa |
                                     ((uint32_t)(uint16_t)(int16_t)wb << 16)));
}

/* One block row, columns [b0, b0 + 8*NV) of y (the last vector has `last` columns). */
PYEDGE_INLINE void pyedge_qs8_spmm_avx2_tile(const size_t R, const size_t C, const size_t NV,
                                             const int idx16, size_t br, size_t b0, size_t last,
                                             size_t nb, size_t ldx, const int64_t* indptr,
                                             const void* indices, const int8_t* values,
                                             const uint8_t* x, void* y,
                                             const pyedge_qparams* p) {
  __m256i acc[16][4];
  PYEDGE_UNROLL
  for (size_t r = 0; r < R; r++)
    PYEDGE_UNROLL
    for (size_t v = 0; v < NV; v++) acc[r][v] = _mm256_setzero_si256();
  const int64_t end = indptr[br + 1];
  int64_t j = indptr[br];
  for (; j + 1 < end; j += 2) {
    const size_t ca = pyedge_block_col(indices, idx16, j) * C;
    const size_t cb = pyedge_block_col(indices, idx16, j + 1) * C;
    const int8_t* wa = values + (size_t)j * R * C;
    const int8_t* wb = wa + R * C;
    PYEDGE_UNROLL
    for (size_t c = 0; c < C; c++) {
      const uint8_t* xa = x + (ca + c) * ldx + b0;
      const uint8_t* xb = x + (cb + c) * ldx + b0;
      __m256i xv[4];
      PYEDGE_UNROLL
      for (size_t v = 0; v < NV; v++) {
        const size_t cnt = v + 1 < NV ? 8 : last;
        xv[v] = _mm256_or_si256(pyedge_u8x8_avx2(xa + 8 * v, cnt),
                                _mm256_slli_epi32(pyedge_u8x8_avx2(xb + 8 * v, cnt), 16));
      }
      PYEDGE_UNROLL
      for (size_t r = 0; r < R; r++) {
        const __m256i wv = pyedge_wpair_avx2(wa[r * C + c], wb[r * C + c]);
        PYEDGE_UNROLL
        for (size_t v = 0; v < NV; v++)
          acc[r][v] = _mm256_add_epi32(acc[r][v], _mm256_madd_epi16(xv[v], wv));
      }
    }
  }
  if (j < end) {
    const size_t ca = pyedge_block_col(indices, idx16, j) * C;
    const int8_t* wa = values + (size_t)j * R * C;
    PYEDGE_UNROLL
    for (size_t c = 0; c < C; c++) {
      const uint8_t* xa = x + (ca + c) * ldx + b0;
      __m256i xv[4];
      PYEDGE_UNROLL
      for (size_t v = 0; v < NV; v++) xv[v] = pyedge_u8x8_avx2(xa + 8 * v, v + 1 < NV ? 8 : last);
      PYEDGE_UNROLL
      for (size_t r = 0; r < R; r++) {
        const __m256i wv = pyedge_wpair_avx2(wa[r * C + c], 0);
        PYEDGE_UNROLL
        for (size_t v = 0; v < NV; v++)
          acc[r][v] = _mm256_add_epi32(acc[r][v], _mm256_madd_epi16(xv[v], wv));
      }
    }
  }
  PYEDGE_UNROLL
  for (size_t r = 0; r < R; r++)
    PYEDGE_UNROLL
    for (size_t v = 0; v < NV; v++)
      pyedge_qepilogue8_avx2(p, br * R + r, acc[r][v], y, (br * R + r) * nb + b0 + 8 * v,
                             v + 1 < NV ? 8 : last);
}

PYEDGE_INLINE void pyedge_qs8_spmm_avx2_body(const size_t R, const size_t C, size_t br0,
                                             size_t br1, size_t nb, size_t ldx,
                                             const int64_t* indptr, const void* indices,
                                             const int idx16, const int8_t* values,
                                             const uint8_t* x, void* y,
                                             const pyedge_qparams* p) {
  const size_t NV = R >= 8 ? 1 : R >= 4 ? 2 : 4;  /* accumulators R * NV <= 16 */
  size_t b0 = 0;
  for (; b0 + 8 * NV <= nb; b0 += 8 * NV)
    for (size_t br = br0; br < br1; br++)
      pyedge_qs8_spmm_avx2_tile(R, C, NV, idx16, br, b0, 8, nb, ldx, indptr, indices, values, x,
                                y, p);
  const size_t rem = nb - b0;
  if (rem == 0) return;
  const size_t last = rem - (rem - 1) / 8 * 8;
  for (size_t br = br0; br < br1; br++) {
    switch ((rem + 7) / 8) {
      case 1:
        pyedge_qs8_spmm_avx2_tile(R, C, 1, idx16, br, b0, last, nb, ldx, indptr, indices, values,
                                  x, y, p);
        break;
      case 2:
        if (NV >= 2)
          pyedge_qs8_spmm_avx2_tile(R, C, 2, idx16, br, b0, last, nb, ldx, indptr, indices,
                                    values, x, y, p);
        break;
      case 3:
        if (NV >= 3)
          pyedge_qs8_spmm_avx2_tile(R, C, 3, idx16, br, b0, last, nb, ldx, indptr, indices,
                                    values, x, y, p);
        break;
      default:
        if (NV >= 4)
          pyedge_qs8_spmm_avx2_tile(R, C, 4, idx16, br, b0, last, nb, ldx, indptr, indices,
                                    values, x, y, p);
    }
  }
}

/* CSR spmm_t: per output row and row of x, 8 int8 weights x 8 gathered uint8 activations,
 * scalar tail (no index or weight is read past the row). */
PYEDGE_INLINE void pyedge_qs8_spmm_t_avx2_csr_body(const size_t R, const size_t C, size_t br0,
                                                   size_t br1, size_t nb, size_t k, size_t n,
                                                   const int64_t* indptr, const void* indices,
                                                   const int idx16, const int8_t* values,
                                                   const uint8_t* x, void* y,
                                                   const pyedge_qparams* p) {
  (void)R;
  (void)C;
  for (size_t row = br0; row < br1; row++)
    for (size_t b = 0; b < nb; b++) {
      const uint8_t* xb = x + b * k;
      const int* base = (const int*)(xb - 3);  /* word at base + idx ends with x[b, idx] */
      __m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
      const int64_t end = indptr[row + 1];
      int64_t j = indptr[row];
      for (; j + 8 <= end; j += 8) {
        const __m256i idx =
            idx16 ? _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i*)((const uint16_t*)indices + j)))
                  : _mm256_loadu_si256((const __m256i*)((const int32_t*)indices + j));
        const __m256i w = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i*)(values + j)));
        const __m256i g = _mm256_srli_epi32(_mm256_i32gather_epi32(base, idx, 1), 24);
        const __m256i prod = _mm256_madd_epi16(w, g);  /* high int16 of g is 0 */
        if (((size_t)(j - indptr[row]) / 8) & 1)
          acc1 = _mm256_add_epi32(acc1, prod);
        else
          acc0 = _mm256_add_epi32(acc0, prod);
      }
      const __m256i s8 = _mm256_add_epi32(acc0, acc1);
      __m128i s = _mm_add_epi32(_mm256_castsi256_si128(s8), _mm256_extracti128_si256(s8, 1));
      s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
      s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
      int32_t acc = _mm_cvtsi128_si32(s);
      for (; j < end; j++)
        acc += (int32_t)values[j] * (int32_t)xb[pyedge_block_col(indices, idx16, j)];
      pyedge_qepilogue_scalar(p, row, acc, y, b * n + row);
    }
}

/* int8 values [i, i + n) (n = 4 or 8) sign-extended to int32 lanes (lanes past n zero). */
PYEDGE_INLINE __m256i pyedge_w8x8_avx2(const int8_t* w, size_t n) {
  int32_t w4;
  memcpy(&w4, w, 4);
  return _mm256_cvtepi8_epi32(n >= 8 ? _mm_loadl_epi64((const __m128i*)w) : _mm_cvtsi32_si128(w4));
}

/* BSR spmm_t: lanes hold the R x C block (W = R * C in one or two 8-lane vectors), the
 * activations broadcast to match; products by vpmaddwd (high int16 of x is 0). */
PYEDGE_INLINE void pyedge_qs8_spmm_t_avx2_block_body(const size_t R, const size_t C, size_t br0,
                                                     size_t br1, size_t nb, size_t k, size_t n,
                                                     const int64_t* indptr,
                                                     const void* indices, const int idx16,
                                                     const int8_t* values, const uint8_t* x,
                                                     void* y, const pyedge_qparams* p) {
  const size_t W = R * C, H = (W + 7) / 8;
  for (size_t br = br0; br < br1; br++)
    for (size_t b = 0; b < nb; b++) {
      const uint8_t* xb = x + b * k;
      __m256i acc[2] = {_mm256_setzero_si256(), _mm256_setzero_si256()};
      for (int64_t j = indptr[br]; j < indptr[br + 1]; j++) {
        const size_t col = pyedge_block_col(indices, idx16, j) * C;
        __m256i xv;
        if (C == 1) {
          xv = _mm256_set1_epi32((int32_t)xb[col]);
        } else {
          int32_t x4;
          memcpy(&x4, xb + col, 4);
          xv = _mm256_broadcastsi128_si256(_mm_cvtepu8_epi32(_mm_cvtsi32_si128(x4)));
        }
        const int8_t* w = values + (size_t)j * W;
        PYEDGE_UNROLL
        for (size_t h = 0; h < H; h++)
          acc[h] = _mm256_add_epi32(
              acc[h], _mm256_madd_epi16(pyedge_w8x8_avx2(w + 8 * h, W < 8 ? W : 8), xv));
      }
      int32_t lanesum[16];
      PYEDGE_UNROLL
      for (size_t h = 0; h < H; h++) _mm256_storeu_si256((__m256i*)(lanesum + 8 * h), acc[h]);
      PYEDGE_UNROLL
      for (size_t r = 0; r < R; r++) {
        int32_t t = 0;
        PYEDGE_UNROLL
        for (size_t c = 0; c < C; c++) t += lanesum[r * C + c];
        pyedge_qepilogue_scalar(p, br * R + r, t, y, b * n + br * R + r);
      }
    }
}
