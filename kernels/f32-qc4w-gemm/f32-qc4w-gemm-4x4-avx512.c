/* AVX-512 grouped-INT4 GEMM, float activations: K16X8 layout, int4 -> float by vpermps from a
 * 16-entry table pre-multiplied by the group scale, FMA with 16 consecutive k of each row. */
#include <immintrin.h>
#include "pyedge/qc4w-gemm.h"

PYEDGE_INLINE void tile(const size_t mr, const size_t nc, size_t k, const size_t group,
                        const float* x, size_t x_stride, const uint8_t* w, size_t wstride,
                        const float* scale, size_t sstride, const float* bias, float* out,
                        size_t out_stride) {
  const __m512 base = _mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1);
  const size_t tpg = group / 16;
  __m512 acc[4][4];
  for (size_t r = 0; r < mr; r++)
    for (size_t c = 0; c < nc; c++) acc[r][c] = _mm512_setzero_ps();
  const float* sg = scale;
  for (size_t k0 = 0; k0 < k; k0 += 128) {
    const size_t ngb = PYEDGE_MIN(128, k - k0) / group;  /* groups in this block */
    __m512i v[4];
    for (size_t c = 0; c < nc; c++) {
      v[c] = _mm512_loadu_si512((const void*)(w + c * wstride + k0 / 2));
      _mm_prefetch((const char*)(w + c * wstride + k0 / 2 + 1024), _MM_HINT_T0);
    }
    for (size_t gb = 0; gb < ngb; gb++, sg++) {
      __m512 tab[4];
      for (size_t c = 0; c < nc; c++)
        tab[c] = _mm512_mul_ps(base, _mm512_set1_ps(sg[c * sstride]));
      for (size_t t = 0; t < tpg; t++) {
        const float* xk = x + k0 + group * gb + 16 * t;
        __m512 xv[4];
        for (size_t r = 0; r < mr; r++) xv[r] = _mm512_loadu_ps(xk + r * x_stride);
        for (size_t c = 0; c < nc; c++) {
          const __m512 wv = _mm512_permutexvar_ps(v[c], tab[c]);
          v[c] = _mm512_srli_epi32(v[c], 4);
          for (size_t r = 0; r < mr; r++) acc[r][c] = _mm512_fmadd_ps(wv, xv[r], acc[r][c]);
        }
      }
    }
  }
  for (size_t r = 0; r < mr; r++)
    for (size_t c = 0; c < nc; c++) {
      const float y = _mm512_reduce_add_ps(acc[r][c]);
      out[r * out_stride + c] = bias ? y + bias[c] : y;
    }
}

#define CASE(MR, NC)                                                                         \
  tile(MR, NC, k, group_c, x + i * x_stride, x_stride, w + j * wstride, wstride,             \
       scale + j * sstride, sstride, bias ? bias + j : NULL, out + i * out_stride + j,      \
       out_stride)

/* One driver per group size so the group loops have constant trip counts. */
#define DRIVER(GROUP)                                                                        \
  static void driver_##GROUP(size_t m, size_t n, size_t k, const float* x, size_t x_stride, \
                             const uint8_t* w, const float* scale, const float* bias,        \
                             float* out, size_t out_stride) {                                \
    const size_t kpad = PYEDGE_ROUND_UP(k, 128);                                             \
    const size_t wstride = kpad / 2, sstride = kpad / GROUP, group_c = GROUP;                               \
    for (size_t j = 0; j < n;) {                                                             \
      const size_t nc = PYEDGE_MIN(m == 1 ? 4 : 2, n - j);                                   \
      for (size_t i = 0; i < m;) {                                                           \
        const size_t mr = PYEDGE_MIN(4, m - i);                                              \
        switch (mr * 8 + nc) {                                                               \
          case 1 * 8 + 4: CASE(1, 4); break;                                                 \
          case 1 * 8 + 3: CASE(1, 3); break;                                                 \
          case 1 * 8 + 2: CASE(1, 2); break;                                                 \
          case 4 * 8 + 2: CASE(4, 2); break;                                                 \
          case 3 * 8 + 2: CASE(3, 2); break;                                                 \
          case 2 * 8 + 2: CASE(2, 2); break;                                                 \
          case 4 * 8 + 1: CASE(4, 1); break;                                                 \
          case 3 * 8 + 1: CASE(3, 1); break;                                                 \
          case 2 * 8 + 1: CASE(2, 1); break;                                                 \
          default: CASE(1, 1);                                                               \
        }                                                                                    \
        i += mr;                                                                             \
      }                                                                                      \
      j += nc;                                                                               \
    }                                                                                        \
  }

DRIVER(32)
DRIVER(64)
DRIVER(128)

void pyedge_f32_qc4w_gemm_4x4__avx512(size_t m, size_t n, size_t k, size_t group,
                                      const float* x, size_t x_stride, const uint8_t* w,
                                      const float* scale, const float* bias, float* out,
                                      size_t out_stride) {
  if (group == 32)
    driver_32(m, n, k, x, x_stride, w, scale, bias, out, out_stride);
  else if (group == 64)
    driver_64(m, n, k, x, x_stride, w, scale, bias, out, out_stride);
  else
    driver_128(m, n, k, x, x_stride, w, scale, bias, out, out_stride);
}
