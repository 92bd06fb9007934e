/* AMX-INT8 GEMM ukernel: 2x2 tiles of 16 rows x 16 channels (tdpbusd), AVX-512 epilogue. */
#include <immintrin.h>
#include <string.h>
#include "pyedge/qepilogue-avx512.h"
#include "pyedge/qs8-qc8w-gemm.h"

/* Tiles: 0..3 accumulators C[mi][nj] = tile 2*mi+nj, 4..5 activations, 6..7 weights.
 * Accumulator and activation tiles have tr rows (16, or m % 16 for the last rows) of 64
 * bytes; packed weights (16, 4, 64) make one weight tile per channel block and 64-k block:
 * 16 rows (4 k each) of 64 bytes, 1 KiB contiguous. The tile configuration is loaded by
 * every call (it is per thread) and released at its end; the process must hold AMX
 * permission (pyedge_cpu_features requests it; the registry offers AMX only when granted). */
typedef struct {
  uint8_t palette_id, start_row, reserved[14];
  uint16_t colsb[16];
  uint8_t rows[16];
} pyedge_amx_tilecfg;

enum { AMX_NR = 16, AMX_KC = 64, AMX_TILE_ROWS = 16 };
/* Rows of activations processed per pass over one block of weights (keeps a in L2). */
#define AMX_A_CHUNK_BYTES (256u * 1024u)
/* Outputs this large (bytes of a 32-bit result) from this long a K are written with streaming
 * stores (measured: faster for 256x3072x768, 2x slower for output-bound K <= 32 shapes). */
#define AMX_STREAM_BYTES (1u << 20)
#define AMX_STREAM_MIN_K 256

typedef struct {
  const uint8_t* a;
  size_t a_stride, m, k, a_end;   /* a_end: offset one past the last valid byte of a */
  size_t tr;                      /* rows of the A and C tiles: 16, or m % 16 for the last */
  uint8_t (*stage)[AMX_TILE_ROWS * AMX_KC];  /* [2] staging buffers for edge A tiles */
} pyedge_amx_a;

/* Load the A tile of rows r0 .. r0+tr-1 and k block kb into tile `t` (4 or 5): straight from
 * a when all tr x 64 bytes lie inside it (bytes past k of a row belong to the next row and
 * meet zero weights), else (K tail of the last rows) through a zero-padded staging copy. */
#define AMX_LOAD_A(t, A, r0, kb)                                                             \
  do {                                                                                       \
    const size_t k0_ = (kb) * AMX_KC;                                                        \
    if ((r0) + (A)->tr <= (A)->m &&                                                          \
        ((r0) + (A)->tr - 1) * (A)->a_stride + k0_ + AMX_KC <= (A)->a_end) {                 \
      _tile_loadd(t, (A)->a + (r0) * (A)->a_stride + k0_, (A)->a_stride);                    \
    } else {                                                                                 \
      uint8_t* s_ = (A)->stage[(t) - 4];                                                     \
      const size_t rows_ = PYEDGE_MIN((A)->tr, (A)->m - (r0));                               \
      const size_t cols_ = PYEDGE_MIN(AMX_KC, (A)->k - k0_);                                 \
      memset(s_, 0, (A)->tr * AMX_KC);                                                       \
      for (size_t i_ = 0; i_ < rows_; i_++)                                                  \
        memcpy(s_ + i_ * AMX_KC, (A)->a + ((r0) + i_) * (A)->a_stride + k0_, cols_);         \
      _tile_loadd(t, s_, AMX_KC);                                                            \
    }                                                                                        \
  } while (0)

/* Per pair of channel blocks: the zero-point/bias adjustment (each accumulator tile row's
 * initial value), multipliers and lane masks. */
typedef struct {
  _Alignas(64) int32_t adj[2][16];
  __m512 mult[2];
  __mmask16 mask[2];
} pyedge_amx_group;

PYEDGE_INLINE void pyedge_amx_group_init(pyedge_amx_group* g, size_t b, size_t nblocks,
                                         size_t n, const pyedge_qparams* p) {
  for (size_t j = 0; j < 2; j++) {
    const size_t c0 = (b + j) * AMX_NR;
    g->mask[j] = b + j >= nblocks ? 0
                 : n - c0 >= 16   ? (__mmask16)0xFFFF
                                  : (__mmask16)((1u << (n - c0)) - 1u);
    _mm512_store_si512(g->adj[j], pyedge_qepi_avx512_adj(p, c0, g->mask[j]));
    g->mult[j] = pyedge_qepi_avx512_mult(p, c0, g->mask[j]);
  }
}

/* Write accumulator tile `t` (already adjusted) for rows r0.. and block j of the group:
 * int32 tiles of 16 full rows and columns go straight to out when its rows are 64-byte
 * aligned (tile stores splitting cache lines were measured 3x slower) and out is not
 * streamed, others through buf and the vector epilogue. */
#define AMX_STORE_C(t, j, r0)                                                                 \
  do {                                                                                        \
    const size_t rows_ = PYEDGE_MIN(A->tr, A->m - (r0));                                      \
    const size_t c0_ = (b + (j)) * AMX_NR;                                                    \
    int32_t* dst_ = (int32_t*)out + (r0) * out_stride + c0_;                                  \
    if (e->kind == PYEDGE_OUT_INT32 && !e->stream && rows_ == AMX_TILE_ROWS &&                \
        g->mask[j] == 0xFFFF && ((uintptr_t)dst_ & 63) == 0 && (out_stride & 15) == 0) {      \
      _tile_stored(t, dst_, out_stride * 4);                                                  \
    } else {                                                                                  \
      _tile_stored(t, buf, 64);                                                               \
      for (size_t i_ = 0; i_ < rows_; i_++)                                                   \
        pyedge_qepi_avx512_store(e, _mm512_load_si512(buf + i_ * 16), _mm512_setzero_si512(), \
                                 g->mult[j], g->mask[j], out, ((r0) + i_) * out_stride + c0_); \
    }                                                                                         \
  } while (0)

/* MT (1, 2) row tiles x NT (1, 2) channel blocks starting at row r0 and block b. */
PYEDGE_INLINE void pyedge_amx_tile(int MT, int NT, const pyedge_amx_a* A, size_t r0, size_t b,
                                   const int8_t* w, size_t bstride, size_t kblocks,
                                   const pyedge_amx_group* g, const pyedge_qepi_avx512* e,
                                   int32_t* buf, void* out, size_t out_stride) {
  /* accumulators start at bias - a_zero_point * wsum (stride 0: one row repeated) */
  _tile_loadd(0, g->adj[0], 0);
  if (NT > 1) _tile_loadd(1, g->adj[1], 0);
  if (MT > 1) _tile_loadd(2, g->adj[0], 0);
  if (MT > 1 && NT > 1) _tile_loadd(3, g->adj[1], 0);
  const int8_t* w0 = w + b * bstride;
  /* All loads of a k block before its products: tiles are not renamed, and this order lets
   * the loads of block kb+1 overlap the products of block kb (measured 3-4x faster). */
  for (size_t kb = 0; kb < kblocks; kb++) {
    AMX_LOAD_A(4, A, r0, kb);
    if (MT > 1) AMX_LOAD_A(5, A, r0 + A->tr, kb);
    _tile_loadd(6, w0 + kb * 1024, 64);
    if (NT > 1) _tile_loadd(7, w0 + bstride + kb * 1024, 64);
    _tile_dpbusd(0, 4, 6);
    if (NT > 1) _tile_dpbusd(1, 4, 7);
    if (MT > 1) _tile_dpbusd(2, 5, 6);
    if (MT > 1 && NT > 1) _tile_dpbusd(3, 5, 7);
  }
  AMX_STORE_C(0, 0, r0);
  if (NT > 1) AMX_STORE_C(1, 1, r0);
  if (MT > 1) AMX_STORE_C(2, 0, r0 + A->tr);
  if (MT > 1 && NT > 1) AMX_STORE_C(3, 1, r0 + A->tr);
}

/* Tile configuration: accumulator and activation tiles of tr rows, weight tiles of 16. */
static void pyedge_amx_configure(size_t tr) {
  pyedge_amx_tilecfg cfg;
  memset(&cfg, 0, sizeof(cfg));
  cfg.palette_id = 1;
  for (int t = 0; t < 8; t++) {
    cfg.colsb[t] = 64;
    cfg.rows[t] = t < 6 ? (uint8_t)tr : AMX_TILE_ROWS;
  }
  _tile_loadconfig(&cfg);
}

/* Rows [r_begin, r_end) (a multiple of A->tr rows): in chunks that keep a in L2, then
 * channel pairs, then pairs of row tiles. */
static void pyedge_amx_rows(const pyedge_amx_a* A, size_t r_begin, size_t r_end,
                            const int8_t* w, size_t kpad, size_t n, const pyedge_qparams* p,
                            const pyedge_qepi_avx512* e, int32_t* buf, void* out,
                            size_t out_stride) {
  const size_t kblocks = kpad / AMX_KC, bstride = AMX_NR * kpad;
  const size_t nblocks = PYEDGE_DIV_UP(n, AMX_NR), tr = A->tr;
  const size_t chunk = PYEDGE_MAX(2 * tr, AMX_A_CHUNK_BYTES / kpad / (2 * tr) * (2 * tr));
  pyedge_amx_group g;
  for (size_t mc = r_begin; mc < r_end; mc += chunk) {
    const size_t mend = PYEDGE_MIN(r_end, mc + chunk);
    for (size_t b = 0; b < nblocks; b += 2) {
      pyedge_amx_group_init(&g, b, nblocks, n, p);
      const int two = b + 1 < nblocks;
      size_t r = mc;
      for (; r + 2 * tr <= mend; r += 2 * tr) {
        if (two)
          pyedge_amx_tile(2, 2, A, r, b, w, bstride, kblocks, &g, e, buf, out, out_stride);
        else
          pyedge_amx_tile(2, 1, A, r, b, w, bstride, kblocks, &g, e, buf, out, out_stride);
      }
      if (r < mend) {
        if (two)
          pyedge_amx_tile(1, 2, A, r, b, w, bstride, kblocks, &g, e, buf, out, out_stride);
        else
          pyedge_amx_tile(1, 1, A, r, b, w, bstride, kblocks, &g, e, buf, out, out_stride);
      }
    }
  }
}

void pyedge_qs8_qc8w_gemm_minmax_32x32c4__amx(size_t m, size_t n, size_t k, const uint8_t* a,
                                              size_t a_stride, const int8_t* w,
                                              const pyedge_qparams* p, void* out,
                                              size_t out_stride) {
  _Alignas(64) int32_t buf[256];
  _Alignas(64) uint8_t stage[2][AMX_TILE_ROWS * AMX_KC];
  const size_t kpad = PYEDGE_ROUND_UP(k, AMX_KC);
  pyedge_amx_a A = {a, a_stride, m, k, (m - 1) * a_stride + k, AMX_TILE_ROWS, stage};
  pyedge_qepi_avx512 e = pyedge_qepi_avx512_init(p);
  e.stream = m * n * 4 >= AMX_STREAM_BYTES && k >= AMX_STREAM_MIN_K;
  /* full 16-row tiles, then the last m % 16 rows with tiles of that many rows (a second
   * configuration instead of zero-padded staging copies) */
  const size_t rem = m % AMX_TILE_ROWS, mfull = m - rem;
  if (mfull) {
    pyedge_amx_configure(AMX_TILE_ROWS);
    pyedge_amx_rows(&A, 0, mfull, w, kpad, n, p, &e, buf, out, out_stride);
  }
  if (rem) {
    A.tr = rem;
    pyedge_amx_configure(rem);
    pyedge_amx_rows(&A, mfull, m, w, kpad, n, p, &e, buf, out, out_stride);
  }
  if (e.stream) _mm_sfence();  /* order the streaming stores before the caller reads out */
  _tile_release();
}
