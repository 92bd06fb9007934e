/* AVX2 epilogue of 8 int32 accumulators (one row, 8 channels), bit-exact with the scalar one. */
#pragma once
#include <immintrin.h>
#include <string.h>
#include "pyedge/params.h"

/* Per-call constants of the epilogue, broadcast once. */
typedef struct {
  __m256 flo, fhi;  /* float bounds: [qmin - zp, qmax - zp] for 8-bit, [fmin, fmax] for float */
  __m256i zp;
  int kind;
} pyedge_qepi_avx2;

PYEDGE_INLINE pyedge_qepi_avx2 pyedge_qepi_avx2_init(const pyedge_qparams* p) {
  pyedge_qepi_avx2 e;
  e.kind = p->out_kind;
  e.zp = _mm256_set1_epi32(p->out_zero_point);
  if (p->out_kind == PYEDGE_OUT_FLOAT32) {
    e.flo = _mm256_set1_ps(p->fmin);
    e.fhi = _mm256_set1_ps(p->fmax);
  } else {
    e.flo = _mm256_set1_ps((float)(p->qmin - p->out_zero_point));
    e.fhi = _mm256_set1_ps((float)(p->qmax - p->out_zero_point));
  }
  return e;
}

/* Lane mask (all ones) for the first nn (0..8) lanes. */
PYEDGE_INLINE __m256i pyedge_qepi_avx2_mask(size_t nn) {
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)PYEDGE_MIN(nn, 8)), lanes);
}

/* bias[n] - a_zero_point * wsum[n] for channels n0 .. n0+7 (lanes outside mask are 0). */
PYEDGE_INLINE __m256i pyedge_qepi_avx2_adj(const pyedge_qparams* p, size_t n0, __m256i mask) {
  const __m256i ws = _mm256_maskload_epi32(p->wsum + n0, mask);
  __m256i adj = _mm256_mullo_epi32(ws, _mm256_set1_epi32(-p->a_zero_point));
  if (p->bias) adj = _mm256_add_epi32(adj, _mm256_maskload_epi32(p->bias + n0, mask));
  return adj;
}

PYEDGE_INLINE __m256 pyedge_qepi_avx2_mult(const pyedge_qparams* p, size_t n0, __m256i mask) {
  return p->multiplier ? _mm256_maskload_ps(p->multiplier + n0, mask) : _mm256_setzero_ps();
}

/* Finish acc and store its first nn (1..8) lanes at element index idx of out; same operand
 * order and rounding as the AVX-512 epilogue (see qepilogue-avx512.h). */
PYEDGE_INLINE void pyedge_qepi_avx2_store(const pyedge_qepi_avx2* e, __m256i acc, __m256i adj,
                                          __m256 mult, __m256i mask, size_t nn, void* out,
                                          size_t idx) {
  acc = _mm256_add_epi32(acc, adj);
  if (e->kind == PYEDGE_OUT_INT32) {
    _mm256_maskstore_epi32((int*)out + idx, mask, acc);
    return;
  }
  __m256 x = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), mult);
  x = _mm256_min_ps(e->fhi, _mm256_max_ps(e->flo, x));
  if (e->kind == PYEDGE_OUT_FLOAT32) {
    _mm256_maskstore_ps((float*)out + idx, mask, x);
    return;
  }
  const __m256i q = _mm256_add_epi32(_mm256_cvtps_epi32(x), e->zp);
  /* low byte of each int32 (values are in range): bytes 0..3 of each 128-bit half, joined */
  const __m256i pick = _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                        -1, -1, 0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1,
                                        -1, -1, -1, -1);
  const __m256i b = _mm256_shuffle_epi8(q, pick);
  const __m128i lo = _mm_unpacklo_epi32(_mm256_castsi256_si128(b), _mm256_extracti128_si256(b, 1));
  int8_t bytes[8];
  _mm_storel_epi64((__m128i*)bytes, lo);
  memcpy((int8_t*)out + idx, bytes, PYEDGE_MIN(nn, 8));
}
