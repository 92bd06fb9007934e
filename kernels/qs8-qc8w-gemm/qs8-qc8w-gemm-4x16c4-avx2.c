/* AVX2 INT8 GEMM ukernel, 4 rows x 16 channels: u8/s8 widened to int16 in registers, vpmaddwd.
 *
 * vpmaddubsw would saturate (255*127*2 > 32767), so each 4-byte group is split into its even
 * and odd bytes as int16 (and/shift for u8 activations, shift-left + arithmetic shift for s8
 * weights); vpmaddwd sums two products exactly in int32. Layout (16, 4, 64) as AVX-512 VNNI. */
#include <immintrin.h>
#include <string.h>
#include "pyedge/qepilogue-avx2.h"
#include "pyedge/qs8-qc8w-gemm.h"

enum { MR = 4, NR = 16, KC = 64 };
#define PYEDGE_UNROLL _Pragma("GCC unroll 8")

/* acc[i][h] += dot4(a_i, w) for one 4-k chunk: wv holds 64 bytes (16 channels x 4 k). Even
 * bytes first, then odd bytes, so 8 accumulators + 2 weights + 1 activation fit 16 ymm. */
PYEDGE_INLINE void pyedge_avx2_chunk(int R, __m256i acc[MR][2], const int32_t a4[MR],
                                     const int8_t* wv) {
  const __m256i w0 = _mm256_loadu_si256((const __m256i*)wv);
  const __m256i w1 = _mm256_loadu_si256((const __m256i*)(wv + 32));
  __m256i we0 = _mm256_srai_epi16(_mm256_slli_epi16(w0, 8), 8);  /* w0, w2 of each channel */
  __m256i we1 = _mm256_srai_epi16(_mm256_slli_epi16(w1, 8), 8);
  PYEDGE_UNROLL for (int i = 0; i < R; i++) {
    const __m256i ae = _mm256_and_si256(_mm256_set1_epi32(a4[i]), _mm256_set1_epi32(0xFF00FF));
    acc[i][0] = _mm256_add_epi32(acc[i][0], _mm256_madd_epi16(ae, we0));  /* a0, a2 */
    acc[i][1] = _mm256_add_epi32(acc[i][1], _mm256_madd_epi16(ae, we1));
  }
  we0 = _mm256_srai_epi16(w0, 8);  /* w1, w3 */
  we1 = _mm256_srai_epi16(w1, 8);
  PYEDGE_UNROLL for (int i = 0; i < R; i++) {
    const __m256i ao = _mm256_srli_epi16(_mm256_set1_epi32(a4[i]), 8);  /* a1, a3 */
    acc[i][0] = _mm256_add_epi32(acc[i][0], _mm256_madd_epi16(ao, we0));
    acc[i][1] = _mm256_add_epi32(acc[i][1], _mm256_madd_epi16(ao, we1));
  }
}

/* R (4, or 1 for the last rows) rows from m0 x the 16 channels of block wb. */
PYEDGE_INLINE void pyedge_avx2_rows(int R, size_t m0, size_t k, const uint8_t* a,
                                    size_t a_stride, const int8_t* wb, size_t n0,
                                    const __m256i mask[2], const __m256i adj[2],
                                    const __m256 mult[2], const size_t nn[2],
                                    const pyedge_qepi_avx2* e, void* out, size_t out_stride) {
  const size_t kq = k / 4, krem = k % 4;
  const uint8_t* ar[MR];
  PYEDGE_UNROLL for (int i = 0; i < R; i++) ar[i] = a + (m0 + i) * a_stride;
  __m256i acc[MR][2];
  PYEDGE_UNROLL for (int i = 0; i < R; i++) acc[i][0] = acc[i][1] = _mm256_setzero_si256();
  int32_t a4[MR];
  if (krem) {  /* partial chunk first (reads only the k % 4 valid bytes) */
    PYEDGE_UNROLL for (int i = 0; i < R; i++) {
      a4[i] = 0;
      memcpy(&a4[i], ar[i] + kq * 4, krem);
    }
    pyedge_avx2_chunk(R, acc, a4, wb + kq * KC);
  }
  for (size_t c = 0; c < kq; c++) {
    PYEDGE_UNROLL for (int i = 0; i < R; i++) memcpy(&a4[i], ar[i] + c * 4, 4);
    pyedge_avx2_chunk(R, acc, a4, wb + c * KC);
  }
  PYEDGE_UNROLL for (int i = 0; i < R; i++)
    PYEDGE_UNROLL for (int h = 0; h < 2; h++)
      if (nn[h])
        pyedge_qepi_avx2_store(e, acc[i][h], adj[h], mult[h], mask[h], nn[h], out,
                               (m0 + i) * out_stride + n0 + 8 * h);
}

void pyedge_qs8_qc8w_gemm_minmax_4x16c4__avx2(size_t m, size_t n, size_t k, const uint8_t* a,
                                              size_t a_stride, const int8_t* w,
                                              const pyedge_qparams* p, void* out,
                                              size_t out_stride) {
  const size_t bstride = NR * PYEDGE_ROUND_UP(k, KC);
  const pyedge_qepi_avx2 e = pyedge_qepi_avx2_init(p);
  for (size_t n0 = 0; n0 < n; n0 += NR) {
    const int8_t* wb = w + (n0 / NR) * bstride;
    __m256i mask[2], adj[2];
    __m256 mult[2];
    size_t nn[2];
    for (int h = 0; h < 2; h++) {
      const size_t c0 = n0 + 8 * h;
      nn[h] = c0 < n ? PYEDGE_MIN(8, n - c0) : 0;
      mask[h] = pyedge_qepi_avx2_mask(nn[h]);
      adj[h] = pyedge_qepi_avx2_adj(p, c0, mask[h]);
      mult[h] = pyedge_qepi_avx2_mult(p, c0, mask[h]);
    }
    size_t m0 = 0;
    for (; m0 + MR <= m; m0 += MR)
      pyedge_avx2_rows(MR, m0, k, a, a_stride, wb, n0, mask, adj, mult, nn, &e, out, out_stride);
    for (; m0 < m; m0++)
      pyedge_avx2_rows(1, m0, k, a, a_stride, wb, n0, mask, adj, mult, nn, &e, out, out_stride);
  }
}
