/* AVX2 qd8 x grouped-int4 GEMM on the C16K8 layout: each 64-byte chunk is two ymm halves of
 * 8 channels; vpmaddubsw (u4 weights x s8 rows, |15 * 127 * 2| cannot saturate) + vpmaddwd. */
#include <immintrin.h>
#include "pyedge/qc4w-gemm.h"

PYEDGE_INLINE __m256i dot4(__m256i acc, __m256i u, __m256i s) {
  return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, s),
                                                 _mm256_set1_epi16(1)));
}

/* mr rows x one block of 16 channels (two halves h). */
PYEDGE_INLINE void tile(const size_t mr, size_t k, size_t group, const int8_t* xq,
                        const int32_t* xsum, const float* sx, const uint8_t* w,
                        const uint16_t* sc, const float* bias, float* out, size_t out_stride,
                        size_t nvalid) {
  const size_t ngroups = k / group, cpg = group / 8;
  const __m256i mask4 = _mm256_set1_epi8(0x0F);
  __m256 facc[2][2];
  for (size_t r = 0; r < mr; r++) facc[r][0] = facc[r][1] = _mm256_setzero_ps();
  for (size_t g = 0; g < ngroups; g++) {
    __m256i acc[2][2], acc2[2][2];
    for (size_t r = 0; r < mr; r++) {
      const __m256i comp = _mm256_set1_epi32(-8 * xsum[r * ngroups + g]);
      for (size_t h = 0; h < 2; h++) {
        acc[r][h] = comp;
        acc2[r][h] = _mm256_setzero_si256();
      }
    }
    const uint8_t* wg = w + g * group * 8;
    const int8_t* xg = xq + g * group;
    for (size_t c = 0; c < cpg; c++) {
      __m256i xa[2], xb[2];
      for (size_t r = 0; r < mr; r++) {
        int32_t lo4, hi4;
        __builtin_memcpy(&lo4, xg + r * k + c * 8, 4);
        __builtin_memcpy(&hi4, xg + r * k + c * 8 + 4, 4);
        xa[r] = _mm256_set1_epi32(lo4);
        xb[r] = _mm256_set1_epi32(hi4);
      }
      for (size_t h = 0; h < 2; h++) {
        const __m256i v = _mm256_loadu_si256((const __m256i*)(wg + c * 64 + 32 * h));
        const __m256i lo = _mm256_and_si256(v, mask4);
        const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), mask4);
        for (size_t r = 0; r < mr; r++) {
          acc[r][h] = dot4(acc[r][h], lo, xa[r]);
          acc2[r][h] = dot4(acc2[r][h], hi, xb[r]);
        }
      }
    }
    for (size_t h = 0; h < 2; h++) {
      const __m256 s = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i*)(sc + g * 16 + 8 * h)));
      for (size_t r = 0; r < mr; r++) {
        const __m256i d = _mm256_add_epi32(acc[r][h], acc2[r][h]);
        facc[r][h] = _mm256_add_ps(facc[r][h], _mm256_mul_ps(_mm256_cvtepi32_ps(d), s));
      }
    }
  }
  for (size_t r = 0; r < mr; r++) {
    float y[16];
    _mm256_storeu_ps(y, _mm256_mul_ps(facc[r][0], _mm256_set1_ps(sx[r])));
    _mm256_storeu_ps(y + 8, _mm256_mul_ps(facc[r][1], _mm256_set1_ps(sx[r])));
    for (size_t j = 0; j < nvalid; j++) out[r * out_stride + j] = bias ? y[j] + bias[j] : y[j];
  }
}

void pyedge_qd8_f32_qc4w_gemm_2x16c8__avx2(size_t m, size_t n, size_t k, size_t group,
                                           const int8_t* xq, const int32_t* xsum,
                                           const float* sx, const uint8_t* w,
                                           const void* scale, const float* bias, float* out,
                                           size_t out_stride) {
  const size_t ngroups = k / group, nblocks = PYEDGE_DIV_UP(n, 16);
  const uint16_t* sc = (const uint16_t*)scale;
  for (size_t blk = 0; blk < nblocks; blk++) {
    const size_t nvalid = PYEDGE_MIN(16, n - 16 * blk);
    const uint8_t* wb = w + blk * 8 * k;
    const uint16_t* sb = sc + blk * 16 * ngroups;
    const float* bb = bias ? bias + 16 * blk : NULL;
    for (size_t i = 0; i < m; i += 2) {
      float* o = out + i * out_stride + 16 * blk;
      if (m - i >= 2)
        tile(2, k, group, xq + i * k, xsum + i * ngroups, sx + i, wb, sb, bb, o, out_stride,
             nvalid);
      else
        tile(1, k, group, xq + i * k, xsum + i * ngroups, sx + i, wb, sb, bb, o, out_stride,
             nvalid);
    }
  }
}
