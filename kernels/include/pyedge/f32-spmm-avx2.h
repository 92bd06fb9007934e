/* AVX2+FMA bodies of the sparse matmul, float32 or int8 values, any R x C block (constants).
 *
 * Same schemes as the AVX-512 bodies with 8-lane vectors: spmm broadcasts each weight against
 * NV vectors of x along nb (the last one masked with vmaskmovps); spmm_t gathers 8 x values per
 * step for CSR (scalar tail, so no index is read past the row) and broadcasts x against the
 * stored block lanes otherwise; int8 values are widened to float in registers and scaled per
 * row in the epilogue. Only compiled with -mavx2 -mfma.
 */
#pragma once
#include <immintrin.h>
#include <string.h>
#include "pyedge/f32-spmm-scalar.h"

static const int32_t pyedge_avx2_mask_table[16] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                                  0,  0,  0,  0,  0,  0,  0,  0};

/* Lane mask with the first `count` (0..8) lanes set. */
PYEDGE_INLINE __m256i pyedge_avx2_mask(size_t count) {
  return _mm256_loadu_si256((const __m256i*)(pyedge_avx2_mask_table + 8 - count));
}

PYEDGE_INLINE void pyedge_f32_spmm_avx2_tile(const size_t R, const size_t C, const int Q8,
                                             const size_t NV, const int idx16, size_t br, size_t b0, size_t last,
                                             size_t nb, size_t ldx, const int64_t* indptr,
                                             const void* indices, const void* values,
                                             const float* x, float* y,
                                             const pyedge_f32_minmax_params* p) {
  const __m256i tail = pyedge_avx2_mask(last);
  __m256 acc[16][4];
  PYEDGE_UNROLL
  for (size_t r = 0; r < R; r++)
    PYEDGE_UNROLL
    for (size_t v = 0; v < NV; v++) acc[r][v] = _mm256_setzero_ps();
  for (int64_t j = indptr[br]; j < indptr[br + 1]; j++) {
    const size_t col = pyedge_block_col(indices, idx16, j) * C;
    const size_t w0 = (size_t)j * R * C;
    PYEDGE_UNROLL
    for (size_t c = 0; c < C; c++) {
      const float* xr = x + (col + c) * ldx + b0;
      __m256 xv[4];
      PYEDGE_UNROLL
      for (size_t v = 0; v + 1 < NV; v++) xv[v] = _mm256_loadu_ps(xr + 8 * v);
      xv[NV - 1] = last == 8 ? _mm256_loadu_ps(xr + 8 * (NV - 1))
                             : _mm256_maskload_ps(xr + 8 * (NV - 1), tail);
      PYEDGE_UNROLL
      for (size_t r = 0; r < R; r++) {
        const __m256 wv = _mm256_set1_ps(pyedge_wv(values, Q8, w0 + r * C + c));
        PYEDGE_UNROLL
        for (size_t v = 0; v < NV; v++) acc[r][v] = _mm256_fmadd_ps(wv, xv[v], acc[r][v]);
      }
    }
  }
  const __m256 lo = _mm256_set1_ps(p->fmin), hi = _mm256_set1_ps(p->fmax);
  PYEDGE_UNROLL
  for (size_t r = 0; r < R; r++) {
    const size_t row = br * R + r;
    const __m256 bias = _mm256_set1_ps(p->bias ? p->bias[row] : 0.0f);
    const __m256 scale = _mm256_set1_ps(Q8 ? p->scale[row] : 1.0f);
    float* yr = y + row * nb + b0;
    PYEDGE_UNROLL
    for (size_t v = 0; v < NV; v++) {
      const __m256 a = Q8 ? _mm256_mul_ps(acc[r][v], scale) : acc[r][v];
      const __m256 s = _mm256_min_ps(hi, _mm256_max_ps(lo, _mm256_add_ps(a, bias)));
      if (v + 1 < NV || last == 8)
        _mm256_storeu_ps(yr + 8 * v, s);
      else
        _mm256_maskstore_ps(yr + 8 * v, tail, s);
    }
  }
}

#define PYEDGE_F32_SPMM_AVX2_NV(R) ((R) >= 8 ? 1 : (R) >= 4 ? 2 : 4)

PYEDGE_INLINE void pyedge_f32_spmm_avx2_body(const size_t R, const size_t C, const int Q8,
                                             size_t br0,
                                             size_t br1, size_t nb, size_t ldx,
                                             const int64_t* indptr,
                                             const void* indices, const int idx16,
                                             const void* values, const float* x, float* y,
                                             const pyedge_f32_minmax_params* p) {
  const size_t NV = PYEDGE_F32_SPMM_AVX2_NV(R);
  /* Peel the columns before the first 32-byte boundary when all rows share an alignment. */
  size_t b0 = ldx % 8 == 0 && nb >= 256 ? ((32 - ((uintptr_t)x & 31)) & 31) / 4 : 0;
  b0 = PYEDGE_MIN(b0, nb);
  if (b0 > 0)
    for (size_t br = br0; br < br1; br++)
      pyedge_f32_spmm_avx2_tile(R, C, Q8, 1, idx16, br, 0, b0, nb, ldx, indptr, indices, values, x, y, p);
  for (; b0 + 8 * NV <= nb; b0 += 8 * NV)
    for (size_t br = br0; br < br1; br++)
      pyedge_f32_spmm_avx2_tile(R, C, Q8, NV, idx16, br, b0, 8, nb, ldx, indptr, indices, values, x, y,
                                p);
  const size_t rem = nb - b0;
  if (rem == 0) return;
  const size_t last = rem - (rem - 1) / 8 * 8;
  for (size_t br = br0; br < br1; br++) {
    switch ((rem + 7) / 8) {
      case 1:
        pyedge_f32_spmm_avx2_tile(R, C, Q8, 1, idx16, br, b0, last, nb, ldx, indptr, indices, values, x, y, p);
        break;
      case 2:
        if (NV >= 2)
          pyedge_f32_spmm_avx2_tile(R, C, Q8, 2, idx16, br, b0, last, nb, ldx, indptr, indices,
                                    values, x, y, p);
        break;
      case 3:
        if (NV >= 3)
          pyedge_f32_spmm_avx2_tile(R, C, Q8, 3, idx16, br, b0, last, nb, ldx, indptr, indices,
                                    values, x, y, p);
        break;
      default:
        if (NV >= 4)
          pyedge_f32_spmm_avx2_tile(R, C, Q8, 4, idx16, br, b0, last, nb, ldx, indptr, indices,
                                    values, x, y, p);
    }
  }
}

PYEDGE_INLINE float pyedge_hsum_avx2(__m256 v) {
  const __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 t = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(t, _mm_shuffle_ps(t, t, 1)));
}

/* Values [i, i + 8) as floats (int8 values widened); n (4 or 8) values are read, the lanes
 * past n are zero. */
PYEDGE_INLINE __m256 pyedge_wload_avx2(const void* values, const int q8, size_t i, size_t n) {
  if (q8) {
    const int8_t* v = (const int8_t*)values + i;
    int32_t w4;
    memcpy(&w4, v, 4);
    const __m128i b = n >= 8 ? _mm_loadl_epi64((const __m128i*)v) : _mm_cvtsi32_si128(w4);
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(b));
  }
  const float* f = (const float*)values + i;
  return n >= 8 ? _mm256_loadu_ps(f) : _mm256_maskload_ps(f, pyedge_avx2_mask(n));
}

/* CSR spmm_t for one row and one row of x: 8-wide gathers, scalar tail. */
PYEDGE_INLINE void pyedge_f32_spmm_t_avx2_csr(const int Q8, const int idx16, size_t row,
                                              size_t b, size_t k, size_t n,
                                              const int64_t* indptr, const void* indices,
                                              const void* values, const float* x, float* y,
                                              const pyedge_f32_minmax_params* p) {
  const float* xb = x + b * k;
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  const int64_t end = indptr[row + 1];
  int64_t j = indptr[row];
  for (; j + 16 <= end; j += 16) {
    __m256i i0, i1;
    if (idx16) {
      i0 = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i*)((const uint16_t*)indices + j)));
      i1 = _mm256_cvtepu16_epi32(
          _mm_loadu_si128((const __m128i*)((const uint16_t*)indices + j + 8)));
    } else {
      i0 = _mm256_loadu_si256((const __m256i*)((const int32_t*)indices + j));
      i1 = _mm256_loadu_si256((const __m256i*)((const int32_t*)indices + j + 8));
    }
    acc0 = _mm256_fmadd_ps(pyedge_wload_avx2(values, Q8, (size_t)j, 8),
                           _mm256_i32gather_ps(xb, i0, 4), acc0);
    acc1 = _mm256_fmadd_ps(pyedge_wload_avx2(values, Q8, (size_t)j + 8, 8),
                           _mm256_i32gather_ps(xb, i1, 4), acc1);
  }
  float s = pyedge_hsum_avx2(_mm256_add_ps(acc0, acc1));
  for (; j < end; j++)
    s += pyedge_wv(values, Q8, (size_t)j) * xb[pyedge_block_col(indices, idx16, j)];
  if (Q8) s *= p->scale[row];
  s += p->bias ? p->bias[row] : 0.0f;
  s = s < p->fmin ? p->fmin : s;
  y[b * n + row] = s > p->fmax ? p->fmax : s;
}

/* Block spmm_t: W = R * C lanes in one or two 8-lane vectors, x broadcast to match. */
PYEDGE_INLINE void pyedge_f32_spmm_t_avx2_block(const size_t R, const size_t C, const int Q8,
                                                const int idx16, size_t br, size_t b, size_t k,
                                                size_t n, const int64_t* indptr,
                                                const void* indices, const void* values,
                                                const float* x, float* y,
                                                const pyedge_f32_minmax_params* p) {
  const size_t W = R * C, H = (W + 7) / 8;
  const float* xb = x + b * k;
  __m256 acc[2][2] = {{_mm256_setzero_ps(), _mm256_setzero_ps()},
                      {_mm256_setzero_ps(), _mm256_setzero_ps()}};
  for (int64_t j = indptr[br]; j < indptr[br + 1]; j++) {
    const size_t col = pyedge_block_col(indices, idx16, j) * C;
    const size_t w0 = (size_t)j * W;
    const __m256 xv = C == 1 ? _mm256_broadcast_ss(xb + col)
                             : _mm256_broadcast_ps((const __m128*)(xb + col));
    const size_t u = (size_t)j & 1;
    PYEDGE_UNROLL
    for (size_t h = 0; h < H; h++)
      acc[u][h] = _mm256_fmadd_ps(pyedge_wload_avx2(values, Q8, w0 + 8 * h, W < 8 ? W : 8), xv,
                                  acc[u][h]);
  }
  float lanesum[16];
  PYEDGE_UNROLL
  for (size_t h = 0; h < H; h++)
    _mm256_storeu_ps(lanesum + 8 * h, _mm256_add_ps(acc[0][h], acc[1][h]));
  float* yb = y + b * n + br * R;
  PYEDGE_UNROLL
  for (size_t r = 0; r < R; r++) {
    float t = 0.0f;
    PYEDGE_UNROLL
    for (size_t c = 0; c < C; c++) t += lanesum[r * C + c];
    if (Q8) t *= p->scale[br * R + r];
    t += p->bias ? p->bias[br * R + r] : 0.0f;
    t = t < p->fmin ? p->fmin : t;
    yb[r] = t > p->fmax ? p->fmax : t;
  }
}

PYEDGE_INLINE void pyedge_f32_spmm_t_avx2_body(const size_t R, const size_t C, const int Q8,
                                               size_t br0,
                                               size_t br1, size_t nb, size_t k, size_t n,
                                               const int64_t* indptr, const void* indices,
                                               const int idx16, const void* values,
                                               const float* x, float* y,
                                               const pyedge_f32_minmax_params* p) {
  for (size_t br = br0; br < br1; br++)
    PYEDGE_UNROLL
    for (size_t b = 0; b < nb; b++) {
      if (R * C == 1)
        pyedge_f32_spmm_t_avx2_csr(Q8, idx16, br, b, k, n, indptr, indices, values, x, y, p);
      else
        pyedge_f32_spmm_t_avx2_block(R, C, Q8, idx16, br, b, k, n, indptr, indices, values, x,
                                     y, p);
    }
}
