/* AVX-512 bodies of the float32 sparse matmul for any block shape (R x C compile-time).
 *
 * spmm (x[K, nb]): each weight is broadcast and multiplies NV vectors of 16 consecutive x
 * values along nb (the last vector masked); accumulators stay in registers.
 * spmm_t (x[nb, K]): CSR gathers 16 x values per step (vgatherdps); r x 1 blocks broadcast
 * one x value against R stored weights; r x 4 blocks broadcast 4 x values to each row.
 * Only compiled with -mavx512f/bw/vl/dq.
 */
#pragma once
#include <immintrin.h>
#include <stdlib.h>
#include "pyedge/f32-spmm.h"

/* One block row, columns [b0, b0 + 16*NV) of y, the last vector masked by tail. */
PYEDGE_INLINE void pyedge_f32_spmm_avx512_tile(const size_t R, const size_t C, const int Q8,
                                               const size_t NV,
                                               const int idx16, size_t br, size_t b0,
                                               __mmask16 tail, size_t nb, size_t ldx,
                                               const int64_t* indptr, const void* indices,
                                               const void* values, const float* x, float* y,
                                               const pyedge_f32_minmax_params* p) {
  enum { U = 2 };  /* two accumulator sets hide the FMA latency when R * NV is small */
  const size_t UU = (R * NV < 8) ? U : 1;
  __m512 acc[U][16][4];
  PYEDGE_UNROLL
  for (size_t u = 0; u < UU; u++)
    PYEDGE_UNROLL
    for (size_t r = 0; r < R; r++)
      PYEDGE_UNROLL
      for (size_t v = 0; v < NV; v++) acc[u][r][v] = _mm512_setzero_ps();
  const int64_t end = indptr[br + 1];
  int64_t j = indptr[br];
  for (; j + (int64_t)UU <= end; j += (int64_t)UU) {
    PYEDGE_UNROLL
    for (size_t u = 0; u < UU; u++) {
      const size_t col = pyedge_block_col(indices, idx16, j + (int64_t)u) * C;
      const size_t w0 = (size_t)(j + (int64_t)u) * R * C;
      PYEDGE_UNROLL
      for (size_t c = 0; c < C; c++) {
        const float* xr = x + (col + c) * ldx + b0;
        __m512 xv[4];
        PYEDGE_UNROLL
        for (size_t v = 0; v + 1 < NV; v++) xv[v] = _mm512_loadu_ps(xr + 16 * v);
        xv[NV - 1] = _mm512_maskz_loadu_ps(tail, xr + 16 * (NV - 1));
        PYEDGE_UNROLL
        for (size_t r = 0; r < R; r++) {
          const __m512 wv = _mm512_set1_ps(pyedge_wv(values, Q8, w0 + r * C + c));
          PYEDGE_UNROLL
          for (size_t v = 0; v < NV; v++) acc[u][r][v] = _mm512_fmadd_ps(wv, xv[v], acc[u][r][v]);
        }
      }
    }
  }
  for (; j < end; j++) {
    const size_t col = pyedge_block_col(indices, idx16, j) * C;
    const size_t w0 = (size_t)j * R * C;
    PYEDGE_UNROLL
    for (size_t c = 0; c < C; c++) {
      const float* xr = x + (col + c) * ldx + b0;
      __m512 xv[4];
      PYEDGE_UNROLL
      for (size_t v = 0; v + 1 < NV; v++) xv[v] = _mm512_loadu_ps(xr + 16 * v);
      xv[NV - 1] = _mm512_maskz_loadu_ps(tail, xr + 16 * (NV - 1));
      PYEDGE_UNROLL
      for (size_t r = 0; r < R; r++) {
        const __m512 wv = _mm512_set1_ps(pyedge_wv(values, Q8, w0 + r * C + c));
        PYEDGE_UNROLL
        for (size_t v = 0; v < NV; v++) acc[0][r][v] = _mm512_fmadd_ps(wv, xv[v], acc[0][r][v]);
      }
    }
  }
  const __m512 lo = _mm512_set1_ps(p->fmin), hi = _mm512_set1_ps(p->fmax);
  PYEDGE_UNROLL
  for (size_t r = 0; r < R; r++) {
    const size_t row = br * R + r;
    const __m512 bias = _mm512_set1_ps(p->bias ? p->bias[row] : 0.0f);
    const __m512 scale = _mm512_set1_ps(Q8 ? p->scale[row] : 1.0f);
    float* yr = y + row * nb + b0;
    PYEDGE_UNROLL
    for (size_t v = 0; v < NV; v++) {
      __m512 s = acc[0][r][v];
      if (UU > 1) s = _mm512_add_ps(s, acc[1][r][v]);
      if (Q8) s = _mm512_mul_ps(s, scale);
      s = _mm512_min_ps(hi, _mm512_max_ps(lo, _mm512_add_ps(s, bias)));
      if (v + 1 < NV)
        _mm512_storeu_ps(yr + 16 * v, s);
      else
        _mm512_mask_storeu_ps(yr + 16 * v, tail, s);
    }
  }
}

/* Vectors along nb per tile for block shape R x C (accumulators R * NV <= 16). */
#define PYEDGE_F32_SPMM_AVX512_NV(R) ((R) >= 16 ? 1 : (R) >= 8 ? 2 : 4)

PYEDGE_INLINE void pyedge_f32_spmm_avx512_body(const size_t R, const size_t C, const int Q8,
                                               size_t br0,
                                               size_t br1, size_t nb, size_t ldx,
                                               const int64_t* indptr,
                                               const void* indices, const int idx16,
                                               const void* values, const float* x, float* y,
                                               const pyedge_f32_minmax_params* p) {
  const size_t NV = PYEDGE_F32_SPMM_AVX512_NV(R);
  /* Rows of x share one alignment when ldx is a multiple of 16: for wide x, peel the columns
   * before the first 64-byte boundary so every full tile loads whole cache lines (callers
   * align narrow x, where the extra pass would cost more than the split loads). */
  size_t b0 = ldx % 16 == 0 && nb >= 256 ? ((64 - ((uintptr_t)x & 63)) & 63) / 4 : 0;
  b0 = PYEDGE_MIN(b0, nb);
  if (b0 > 0)
    for (size_t br = br0; br < br1; br++)
      pyedge_f32_spmm_avx512_tile(R, C, Q8, 1, idx16, br, 0, (__mmask16)((1u << b0) - 1), nb, ldx,
                                  indptr, indices, values, x, y, p);
  for (; b0 + 16 * NV <= nb; b0 += 16 * NV)  /* tiles of nb outer: x tile stays in cache */
    for (size_t br = br0; br < br1; br++)
      pyedge_f32_spmm_avx512_tile(R, C, Q8, NV, idx16, br, b0, 0xFFFF, nb, ldx, indptr, indices,
                                  values, x, y, p);
  const size_t rem = nb - b0;
  if (rem == 0) return;
  const __mmask16 tail = (__mmask16)(0xFFFFu >> ((16 - rem % 16) % 16));
  for (size_t br = br0; br < br1; br++) {
    switch ((rem + 15) / 16) {
      case 1:
        pyedge_f32_spmm_avx512_tile(R, C, Q8, 1, idx16, br, b0, tail, nb, ldx, indptr, indices,
                                    values, x, y, p);
        break;
      case 2:
        if (NV >= 2)
          pyedge_f32_spmm_avx512_tile(R, C, Q8, 2, idx16, br, b0, tail, nb, ldx, indptr,
                                      indices, values, x, y, p);
        break;
      case 3:
        if (NV >= 3)
          pyedge_f32_spmm_avx512_tile(R, C, Q8, 3, idx16, br, b0, tail, nb, ldx, indptr,
                                      indices, values, x, y, p);
        break;
      default:
        if (NV >= 4)
          pyedge_f32_spmm_avx512_tile(R, C, Q8, 4, idx16, br, b0, tail, nb, ldx, indptr,
                                      indices, values, x, y, p);
    }
  }
}

/* Values [i, i + 16) under mask m as floats (int8 values widened). */
PYEDGE_INLINE __m512 pyedge_wload_avx512(const void* values, const int q8, size_t i, __mmask16 m) {
  if (q8)
    return _mm512_cvtepi32_ps(
        _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, (const int8_t*)values + i)));
  return _mm512_maskz_loadu_ps(m, (const float*)values + i);
}

/* 16 block columns starting at j (masked), widened to int32. */
PYEDGE_INLINE __m512i pyedge_cols16_avx512(const void* indices, const int idx16, int64_t j,
                                           __mmask16 m) {
  if (idx16)
    return _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, (const uint16_t*)indices + j));
  return _mm512_maskz_loadu_epi32(m, (const int32_t*)indices + j);
}

/* CSR spmm_t: gathers of 16 x values per step, up to 4 rows of x per pass over the weights. */
PYEDGE_INLINE void pyedge_f32_spmm_t_avx512_csr(const size_t NB, const int Q8, const int idx16,
                                                size_t row,
                                                size_t b0, size_t k, size_t n,
                                                const int64_t* indptr, const void* indices,
                                                const void* values, const float* x, float* y,
                                                const pyedge_f32_minmax_params* p) {
  __m512 acc[4][2];
  PYEDGE_UNROLL
  for (size_t b = 0; b < NB; b++) acc[b][0] = acc[b][1] = _mm512_setzero_ps();
  const int64_t end = indptr[row + 1];
  int64_t j = indptr[row];
  for (; j + 32 <= end; j += 32) {
    PYEDGE_UNROLL
    for (size_t u = 0; u < 2; u++) {
      const __m512i idx = pyedge_cols16_avx512(indices, idx16, j + 16 * (int64_t)u, 0xFFFF);
      const __m512 w = pyedge_wload_avx512(values, Q8, (size_t)j + 16 * u, 0xFFFF);
      PYEDGE_UNROLL
      for (size_t b = 0; b < NB; b++) {
        const __m512 g = _mm512_i32gather_ps(idx, x + (b0 + b) * k, 4);
        acc[b][u] = _mm512_fmadd_ps(w, g, acc[b][u]);
      }
    }
  }
  for (; j < end; j += 16) {
    const size_t left = (size_t)(end - j);
    const __mmask16 m = left >= 16 ? 0xFFFF : (__mmask16)((1u << left) - 1);
    const __m512i idx = pyedge_cols16_avx512(indices, idx16, j, m);
    const __m512 w = pyedge_wload_avx512(values, Q8, (size_t)j, m);
    PYEDGE_UNROLL
    for (size_t b = 0; b < NB; b++) {
      const __m512 g = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, idx, x + (b0 + b) * k, 4);
      acc[b][0] = _mm512_fmadd_ps(w, g, acc[b][0]);
    }
  }
  const float bias = p->bias ? p->bias[row] : 0.0f;
  PYEDGE_UNROLL
  for (size_t b = 0; b < NB; b++) {
    float s = _mm512_reduce_add_ps(_mm512_add_ps(acc[b][0], acc[b][1]));
    s = (Q8 ? s * p->scale[row] : s) + bias;
    s = s < p->fmin ? p->fmin : s;
    y[(b0 + b) * n + row] = s > p->fmax ? p->fmax : s;
  }
}

/* Block spmm_t: lanes hold the R x C block (W = R * C <= 16 lanes), x broadcast to match. */
PYEDGE_INLINE void pyedge_f32_spmm_t_avx512_block(const size_t R, const size_t C, const int Q8,
                                                  const size_t NB, const int idx16, size_t br,
                                                  size_t b0, size_t k, size_t n,
                                                  const int64_t* indptr, const void* indices,
                                                  const void* values, const float* x, float* y,
                                                  const pyedge_f32_minmax_params* p) {
  const size_t W = R * C;
  const __mmask16 lanes = (__mmask16)(0xFFFFu >> (16 - W));
  __m512 acc[4][2];
  PYEDGE_UNROLL
  for (size_t b = 0; b < NB; b++) acc[b][0] = acc[b][1] = _mm512_setzero_ps();
  const int64_t end = indptr[br + 1];
  int64_t j = indptr[br];
  for (; j < end; j++) {
    const size_t col = pyedge_block_col(indices, idx16, j) * C;
    const __m512 w = pyedge_wload_avx512(values, Q8, (size_t)j * W, lanes);
    const size_t u = (size_t)j & 1;
    PYEDGE_UNROLL
    for (size_t b = 0; b < NB; b++) {
      const float* xb = x + (b0 + b) * k + col;
      const __m512 xv = C == 1 ? _mm512_set1_ps(xb[0])
                               : _mm512_broadcast_f32x4(_mm_loadu_ps(xb));
      acc[b][u] = _mm512_fmadd_ps(w, xv, acc[b][u]);
    }
  }
  const __m512 lo = _mm512_set1_ps(p->fmin), hi = _mm512_set1_ps(p->fmax);
  PYEDGE_UNROLL
  for (size_t b = 0; b < NB; b++) {
    __m512 s = _mm512_add_ps(acc[b][0], acc[b][1]);
    float* yb = y + (b0 + b) * n + br * R;
    if (C == 1) {
      const __mmask16 rows = (__mmask16)(0xFFFFu >> (16 - R));
      const __m512 bias = p->bias ? _mm512_maskz_loadu_ps(rows, p->bias + br * R)
                                  : _mm512_setzero_ps();
      if (Q8) s = _mm512_mul_ps(s, _mm512_maskz_loadu_ps(rows, p->scale + br * R));
      s = _mm512_min_ps(hi, _mm512_max_ps(lo, _mm512_add_ps(s, bias)));
      _mm512_mask_storeu_ps(yb, rows, s);
    } else {
      float lanesum[16];
      _mm512_storeu_ps(lanesum, s);
      PYEDGE_UNROLL
      for (size_t r = 0; r < R; r++) {
        float t = (lanesum[4 * r] + lanesum[4 * r + 1]) + (lanesum[4 * r + 2] + lanesum[4 * r + 3]);
        if (Q8) t *= p->scale[br * R + r];
        t += p->bias ? p->bias[br * R + r] : 0.0f;
        t = t < p->fmin ? p->fmin : t;
        yb[r] = t > p->fmax ? p->fmax : t;
      }
    }
  }
}

PYEDGE_INLINE void pyedge_f32_spmm_t_avx512_body(const size_t R, const size_t C, const int Q8,
                                                 size_t br0,
                                                 size_t br1, size_t nb, size_t k, size_t n,
                                                 const int64_t* indptr, const void* indices,
                                                 const int idx16, const void* values,
                                                 const float* x, float* y,
                                                 const pyedge_f32_minmax_params* p) {
  for (size_t br = br0; br < br1; br++) {
    size_t b0 = 0;
    for (; b0 + 4 <= nb; b0 += 4) {
      if (R * C == 1)
        pyedge_f32_spmm_t_avx512_csr(4, Q8, idx16, br, b0, k, n, indptr, indices, values, x, y, p);
      else
        pyedge_f32_spmm_t_avx512_block(R, C, Q8, 4, idx16, br, b0, k, n, indptr, indices, values, x, y, p);
    }
    for (; b0 < nb; b0++) {
      if (R * C == 1)
        pyedge_f32_spmm_t_avx512_csr(1, Q8, idx16, br, b0, k, n, indptr, indices, values, x, y, p);
      else
        pyedge_f32_spmm_t_avx512_block(R, C, Q8, 1, idx16, br, b0, k, n, indptr, indices, values, x, y, p);
    }
  }
}

/* spmm_t for many rows of x: tiles of 64 rows of x are transposed into a channel-major scratch
 * (allocated once per call), the spmm body runs on them into a scratch y[N, 64], and its rows
 * are stored back with stride n; fewer than 16 rows use the gather bodies above. */
PYEDGE_INLINE void pyedge_f32_spmm_t_avx512_tiled_body(const size_t R, const size_t C,
                                                       const int Q8, size_t br0, size_t br1,
                                                       size_t nb, size_t k, size_t n,
                                                       const int64_t* indptr,
                                                       const void* indices, const int idx16,
                                                       const void* values, const float* x,
                                                       float* y,
                                                       const pyedge_f32_minmax_params* p) {
  const size_t T = 64, rows = br1 * R;
  float* raw = nb < 16 ? NULL : (float*)malloc((k * T + rows * T) * sizeof(float) + 64);
  if (raw == NULL) {
    pyedge_f32_spmm_t_avx512_body(R, C, Q8, br0, br1, nb, k, n, indptr, indices, idx16, values,
                                  x, y, p);
    return;
  }
  float* xs = (float*)(((uintptr_t)raw + 63) & ~(uintptr_t)63);  /* [k, T] */
  float* ys = xs + k * T;                                         /* [rows, tb] */
  for (size_t b0 = 0; b0 < nb; b0 += T) {
    const size_t tb = nb - b0 < T ? nb - b0 : T;
    for (size_t t = 0; t < tb; t++) {
      const float* row = x + (b0 + t) * k;
      for (size_t kk = 0; kk < k; kk++) xs[kk * T + t] = row[kk];
    }
    pyedge_f32_spmm_avx512_body(R, C, Q8, br0, br1, tb, T, indptr, indices, idx16, values, xs,
                                ys, p);
    for (size_t t = 0; t < tb; t++) {
      float* yo = y + (b0 + t) * n;
      for (size_t r = br0 * R; r < rows; r++) yo[r] = ys[r * tb + t];
    }
  }
  free(raw);
}
