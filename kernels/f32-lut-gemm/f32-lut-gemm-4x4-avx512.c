/* AVX-512 codebook GEMM: per channel, vpermps looks 16 indices up in the channel's 16-float
 * table (one zmm), then FMAs with 16 consecutive k of each row; never forms float weights. */
#include <immintrin.h>
#include "pyedge/f32-lut-gemm.h"

PYEDGE_INLINE void tile(const size_t mr, const size_t nc, const size_t bits, size_t k,
                        const float* x, size_t x_stride, const uint8_t* w, size_t wstride,
                        const float* levels, const float* bias, float* out,
                        size_t out_stride) {
  const size_t per = 32 / bits, kb = 16 * per;
  __m512 acc[4][4], tab[4];
  for (size_t c = 0; c < nc; c++) tab[c] = _mm512_loadu_ps(levels + 16 * c);
  for (size_t r = 0; r < mr; r++)
    for (size_t c = 0; c < nc; c++) acc[r][c] = _mm512_setzero_ps();
  size_t k0 = 0;
  for (; k0 + kb <= k; k0 += kb) {
    __m512i v[4];
    for (size_t c = 0; c < nc; c++) {
      v[c] = _mm512_loadu_si512((const void*)(w + c * wstride + (k0 / kb) * 64));
      _mm_prefetch((const char*)(w + c * wstride + (k0 / kb) * 64 + 1024), _MM_HINT_T0);
    }
    for (size_t t = 0; t < per; t++) {
      __m512 xv[4];
      for (size_t r = 0; r < mr; r++) xv[r] = _mm512_loadu_ps(x + r * x_stride + k0 + 16 * t);
      for (size_t c = 0; c < nc; c++) {
        const __m512 wv = _mm512_permutexvar_ps(v[c], tab[c]);
        v[c] = _mm512_srli_epi32(v[c], (unsigned)bits);
        for (size_t r = 0; r < mr; r++) acc[r][c] = _mm512_fmadd_ps(wv, xv[r], acc[r][c]);
      }
    }
  }
  if (k0 < k) { /* last partial block: masked x loads give 0 past K */
    __m512i v[4];
    for (size_t c = 0; c < nc; c++)
      v[c] = _mm512_loadu_si512((const void*)(w + c * wstride + (k0 / kb) * 64));
    for (size_t kt = k0; kt < k; kt += 16) {
      const size_t left = k - kt;
      const __mmask16 mask = (__mmask16)(left >= 16 ? 0xFFFF : (1u << left) - 1);
      __m512 xv[4];
      for (size_t r = 0; r < mr; r++) xv[r] = _mm512_maskz_loadu_ps(mask, x + r * x_stride + kt);
      for (size_t c = 0; c < nc; c++) {
        const __m512 wv = _mm512_permutexvar_ps(v[c], tab[c]);
        v[c] = _mm512_srli_epi32(v[c], (unsigned)bits);
        for (size_t r = 0; r < mr; r++) acc[r][c] = _mm512_fmadd_ps(wv, xv[r], acc[r][c]);
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
  tile(MR, NC, bits_c, k, x + i * x_stride, x_stride, w + j * wstride, wstride,            \
       levels + 16 * j, bias ? bias + j : NULL, out + i * out_stride + j, out_stride)

/* One driver per index width so the field loops have constant trip counts. */
#define DRIVER(BITS)                                                                         \
  static void driver_##BITS(size_t m, size_t n, size_t k, const float* x, size_t x_stride,  \
                            const uint8_t* w, const float* levels, const float* bias,        \
                            float* out, size_t out_stride) {                                 \
    const size_t bits_c = BITS, kb = 16 * (32 / BITS);                                       \
    const size_t wstride = PYEDGE_DIV_UP(k, kb) * 64;                                        \
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

DRIVER(2)
DRIVER(3)
DRIVER(4)

void pyedge_f32_lut_gemm_4x4__avx512(size_t m, size_t n, size_t k, size_t bits,
                                     const float* x, size_t x_stride, const uint8_t* w,
                                     const float* levels, const float* bias, float* out,
                                     size_t out_stride) {
  if (bits == 4)
    driver_4(m, n, k, x, x_stride, w, levels, bias, out, out_stride);
  else if (bits == 3)
    driver_3(m, n, k, x, x_stride, w, levels, bias, out, out_stride);
  else
    driver_2(m, n, k, x, x_stride, w, levels, bias, out, out_stride);
}
