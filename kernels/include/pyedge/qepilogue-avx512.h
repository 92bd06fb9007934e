/* AVX-512 epilogue of 16 int32 accumulators (one row, 16 channels), bit-exact with the scalar one. */
#pragma once
#include <immintrin.h>
#include "pyedge/params.h"

/* Per-call constants of the epilogue, broadcast once. */
typedef struct {
  __m512 flo, fhi;  /* float bounds: [qmin - zp, qmax - zp] for 8-bit, [fmin, fmax] for float */
  __m512i zp;
  int kind;
  int stream;  /* full, 64-byte aligned 32-bit rows bypass the cache (outputs larger than L2) */
} pyedge_qepi_avx512;

PYEDGE_INLINE pyedge_qepi_avx512 pyedge_qepi_avx512_init(const pyedge_qparams* p) {
  pyedge_qepi_avx512 e;
  e.kind = p->out_kind;
  e.stream = 0;
  e.zp = _mm512_set1_epi32(p->out_zero_point);
  if (p->out_kind == PYEDGE_OUT_FLOAT32) {
    e.flo = _mm512_set1_ps(p->fmin);
    e.fhi = _mm512_set1_ps(p->fmax);
  } else {
    e.flo = _mm512_set1_ps((float)(p->qmin - p->out_zero_point));
    e.fhi = _mm512_set1_ps((float)(p->qmax - p->out_zero_point));
  }
  return e;
}

/* bias[n] - a_zero_point * wsum[n] for channels n0 .. n0+15 (lanes outside mask are 0);
 * int32 wraparound matches the scalar's two updates. */
PYEDGE_INLINE __m512i pyedge_qepi_avx512_adj(const pyedge_qparams* p, size_t n0, __mmask16 mask) {
  const __m512i ws = _mm512_maskz_loadu_epi32(mask, p->wsum + n0);
  __m512i adj = _mm512_mullo_epi32(ws, _mm512_set1_epi32(-p->a_zero_point));
  if (p->bias) adj = _mm512_add_epi32(adj, _mm512_maskz_loadu_epi32(mask, p->bias + n0));
  return adj;
}

PYEDGE_INLINE __m512 pyedge_qepi_avx512_mult(const pyedge_qparams* p, size_t n0, __mmask16 mask) {
  return p->multiplier ? _mm512_maskz_loadu_ps(mask, p->multiplier + n0) : _mm512_setzero_ps();
}

/* Finish acc (raw dot products) and store the lanes in mask at element index idx of out.
 * max(lo, x) / min(hi, y) keep the scalar's operand order (x < lo ? lo : x, y > hi ? hi : y);
 * cvtps2dq rounds half to even like lrintf; 8-bit values are in range, so vpmovdb is exact. */
PYEDGE_INLINE void pyedge_qepi_avx512_store(const pyedge_qepi_avx512* e, __m512i acc,
                                            __m512i adj, __m512 mult, __mmask16 mask,
                                            void* out, size_t idx) {
  acc = _mm512_add_epi32(acc, adj);
  if (e->kind == PYEDGE_OUT_INT32) {
    int32_t* dst = (int32_t*)out + idx;
    if (e->stream && mask == 0xFFFF && ((uintptr_t)dst & 63) == 0)
      _mm512_stream_si512((void*)dst, acc);
    else
      _mm512_mask_storeu_epi32(dst, mask, acc);
    return;
  }
  __m512 x = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), mult);
  x = _mm512_min_ps(e->fhi, _mm512_max_ps(e->flo, x));
  if (e->kind == PYEDGE_OUT_FLOAT32) {
    float* dst = (float*)out + idx;
    if (e->stream && mask == 0xFFFF && ((uintptr_t)dst & 63) == 0)
      _mm512_stream_ps(dst, x);
    else
      _mm512_mask_storeu_ps(dst, mask, x);
    return;
  }
  const __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(x), e->zp);
  _mm512_mask_cvtepi32_storeu_epi8((int8_t*)out + idx, mask, q);
}
