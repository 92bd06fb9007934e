/* AVX-512 VNNI 8-bit depthwise convolution: four kernel rows per VPDPBUSD byte quad.
 *
 * For each output row the ukernel interleaves the input rows used by kernel rows 4g..4g+3
 * into a scratch row X4[g][ix][ch][4] (padding columns hold the zero point), so one 64-byte
 * load feeds one VPDPBUSD with 16 channels x 4 taps. Channel chunks of 64 are stored in the
 * in-lane order left by the byte/word unpacks (part q, lane L, dword j = channel 16L + 4q + j);
 * the final signed/unsigned packs undo that order. Leftover channels go in natural-order
 * chunks of 16. Weights are packed once per call in the same layout (zero past kh and c).
 */
#include <immintrin.h>
#include <string.h>

#include "pyedge/qs8-dwconv2d.h"

#define GROUPS(kh) (((kh) + 3) / 4)

static size_t padded_c(size_t c) { return PYEDGE_ROUND_UP(c, 16); }

static size_t window(const pyedge_qs8_dwconv2d_params* p) {
  return (p->ow - 1) * p->sw + (p->kw - 1) * p->dw + 1;
}

/* 3-row kernels also get a copy shifted down one byte (taps at rows 1..3 of the quad), so one
 * interleaved quad serves two consecutive output rows at stride 1. */
size_t pyedge_qs8_qc8w_dwconv2d_packed_size__avx512vnni(size_t kh, size_t kw, size_t c) {
  return GROUPS(kh) * kw * padded_c(c) * 4 * (kh == 3 ? 2 : 1);
}

static void pack_rows(size_t kh, size_t kw, size_t c, const int8_t* w, int8_t* out,
                      size_t shift) {
  const size_t cp = padded_c(c);
  for (size_t ky = 0; ky < kh; ky++) {
    const size_t g = (ky + shift) / 4, b = (ky + shift) % 4;
    for (size_t kx = 0; kx < kw; kx++) {
      const int8_t* src = w + (ky * kw + kx) * c;
      int8_t* blk = out + (g * kw + kx) * cp * 4 + b;
      size_t ch0 = 0;
      for (; ch0 + 64 <= c; ch0 += 64) {  /* position 16q + 4l + j holds channel 16l + 4q + j */
        for (size_t q = 0; q < 4; q++)
          for (size_t l = 0; l < 4; l++)
            for (size_t j = 0; j < 4; j++)
              blk[(ch0 + 16 * q + 4 * l + j) * 4] = src[ch0 + 16 * l + 4 * q + j];
      }
      for (; ch0 < c; ch0++) blk[ch0 * 4] = src[ch0];
    }
  }
}

void pyedge_qs8_qc8w_dwconv2d_pack__avx512vnni(size_t kh, size_t kw, size_t c,
                                               const int8_t* w, int8_t* out) {
  const size_t one = GROUPS(kh) * kw * padded_c(c) * 4;
  memset(out, 0, pyedge_qs8_qc8w_dwconv2d_packed_size__avx512vnni(kh, kw, c));
  pack_rows(kh, kw, c, w, out, 0);
  if (kh == 3) pack_rows(kh, kw, c, w, out + one, 1);
}

size_t pyedge_qs8_qc8w_dwconv2d_scratch__avx512vnni(const pyedge_qs8_dwconv2d_params* p) {
  /* X4 rows, per-channel bias - zp * wsum (int32) and multipliers in stored order, then one
   * input row of raw zero points standing for the rows outside the image */
  return GROUPS(p->kh) * window(p) * padded_c(p->c) * 4 + 2 * padded_c(p->c) * 4 +
         p->iw * p->c;
}

/* Interleave four rows (16 channels each, natural order) into 64 bytes at dst. */
PYEDGE_INLINE void interleave16(const uint8_t* const* src, size_t off, __mmask16 m, __m128i vx,
                                uint8_t* dst) {
  const __m128i a0 = _mm_xor_si128(_mm_maskz_loadu_epi8(m, src[0] + off), vx);
  const __m128i a1 = _mm_xor_si128(_mm_maskz_loadu_epi8(m, src[1] + off), vx);
  const __m128i a2 = _mm_xor_si128(_mm_maskz_loadu_epi8(m, src[2] + off), vx);
  const __m128i a3 = _mm_xor_si128(_mm_maskz_loadu_epi8(m, src[3] + off), vx);
  const __m128i p0 = _mm_unpacklo_epi8(a0, a1), p1 = _mm_unpackhi_epi8(a0, a1);
  const __m128i r0 = _mm_unpacklo_epi8(a2, a3), r1 = _mm_unpackhi_epi8(a2, a3);
  _mm_storeu_si128((__m128i*)dst, _mm_unpacklo_epi16(p0, r0));
  _mm_storeu_si128((__m128i*)(dst + 16), _mm_unpackhi_epi16(p0, r0));
  _mm_storeu_si128((__m128i*)(dst + 32), _mm_unpacklo_epi16(p1, r1));
  _mm_storeu_si128((__m128i*)(dst + 48), _mm_unpackhi_epi16(p1, r1));
}

/* Interleave four rows (64 channels each) into 256 bytes at dst, parts in unpack order. */
PYEDGE_INLINE void interleave64(const uint8_t* const* src, size_t off, __m512i vx,
                                uint8_t* dst) {
  const __m512i a0 = _mm512_xor_si512(_mm512_loadu_si512(src[0] + off), vx);
  const __m512i a1 = _mm512_xor_si512(_mm512_loadu_si512(src[1] + off), vx);
  const __m512i a2 = _mm512_xor_si512(_mm512_loadu_si512(src[2] + off), vx);
  const __m512i a3 = _mm512_xor_si512(_mm512_loadu_si512(src[3] + off), vx);
  const __m512i p0 = _mm512_unpacklo_epi8(a0, a1), p1 = _mm512_unpackhi_epi8(a0, a1);
  const __m512i r0 = _mm512_unpacklo_epi8(a2, a3), r1 = _mm512_unpackhi_epi8(a2, a3);
  _mm512_storeu_si512(dst, _mm512_unpacklo_epi16(p0, r0));
  _mm512_storeu_si512(dst + 64, _mm512_unpackhi_epi16(p0, r0));
  _mm512_storeu_si512(dst + 128, _mm512_unpacklo_epi16(p1, r1));
  _mm512_storeu_si512(dst + 192, _mm512_unpackhi_epi16(p1, r1));
}

PYEDGE_INLINE void build_x4_impl(const uint8_t* const* rows, size_t r, size_t g,
                                 const pyedge_qs8_dwconv2d_params* p, const uint8_t* zp_row,
                                 uint8_t* x4, const int do_xor, int all4) {
  const size_t c = p->c, cp = padded_c(c), wn = window(p);
  const uint8_t* src[4];
  for (size_t b = 0; b < 4; b++) {  /* rows past the kernel: any valid row (zero weights) */
    const size_t ky = all4 || 4 * g + b < p->kh ? 4 * g + b : 4 * g;
    src[b] = rows[r * p->sh + ky * p->dh];
    if (src[b] == NULL) src[b] = zp_row;
  }
  const __m512i vx = _mm512_set1_epi8(do_xor ? (char)0x80 : 0);
  for (size_t ixp = 0; ixp < wn; ixp++) {
    uint8_t* dst = x4 + ixp * cp * 4;
    const ptrdiff_t ix = (ptrdiff_t)ixp - (ptrdiff_t)p->pad_left;
    if (ix < 0 || ix >= (ptrdiff_t)p->iw) {
      memset(dst, p->zp, cp * 4);
      continue;
    }
    const size_t base = (size_t)ix * c;
    size_t ch0 = 0;
    for (; ch0 + 64 <= c; ch0 += 64) interleave64(src, base + ch0, vx, dst + ch0 * 4);
    for (; ch0 < c; ch0 += 16) {
      const size_t n = PYEDGE_MIN(16, c - ch0);
      interleave16(src, base + ch0, (__mmask16)((1u << n) - 1u), _mm512_castsi512_si128(vx),
                   dst + ch0 * 4);
    }
  }
}

/* Build X4 for output row r and kernel-row group g (uint8 input: no xor at all); ``all4``
 * reads four real rows (the shared quad of an output row pair). */
static void build_x4(const uint8_t* const* rows, size_t r, size_t g,
                     const pyedge_qs8_dwconv2d_params* p, const uint8_t* zp_row, uint8_t* x4,
                     int all4) {
  if (p->xor_in)
    build_x4_impl(rows, r, g, p, zp_row, x4, 1, all4);
  else
    build_x4_impl(rows, r, g, p, zp_row, x4, 0, all4);
}

/* 4x4 transpose of 128-bit lanes: out[q] lane L = in[L] lane q. */
PYEDGE_INLINE void transpose_lanes(__m512i* v) {
  const __m512i t0 = _mm512_shuffle_i32x4(v[0], v[1], 0x44);
  const __m512i t1 = _mm512_shuffle_i32x4(v[2], v[3], 0x44);
  const __m512i t2 = _mm512_shuffle_i32x4(v[0], v[1], 0xEE);
  const __m512i t3 = _mm512_shuffle_i32x4(v[2], v[3], 0xEE);
  v[0] = _mm512_shuffle_i32x4(t0, t1, 0x88);
  v[1] = _mm512_shuffle_i32x4(t0, t1, 0xDD);
  v[2] = _mm512_shuffle_i32x4(t2, t3, 0x88);
  v[3] = _mm512_shuffle_i32x4(t2, t3, 0xDD);
}

/* rint(min(float(acc) * mult, 65536)): the 16-bit packs, the saturating zero-point add and the
 * final byte clamp then give exactly clamp(rint(acc * mult) + zp, qmin, qmax) (DESIGN.md):
 * rint commutes with clamping to integers, and every saturation lies outside [qmin, qmax]. */
PYEDGE_INLINE __m512i scaled(__m512i acc, __m512 mult) {
  const __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), mult);
  return _mm512_cvtps_epi32(_mm512_min_ps(f, _mm512_set1_ps(65536.0f)));
}

/* One output row from its X4 rows (groups gstride bytes apart) and packed weights w. */
PYEDGE_INLINE void out_row(const uint8_t* x4, size_t gstride, const int8_t* w, uint8_t* orow,
                           const pyedge_qs8_dwconv2d_params* p, size_t ng, const int32_t* comb,
                           const float* mult, const size_t kw, const size_t sw,
                           const size_t dw) {
  const pyedge_qparams* q = &p->q;
  const size_t c = p->c, cp = padded_c(c);
  const __m512i ozp16 = _mm512_set1_epi16((short)q->out_zero_point);
  const __m512i ozp = _mm512_set1_epi32(q->out_zero_point);
  const __m512i qmin32 = _mm512_set1_epi32(q->qmin), qmax32 = _mm512_set1_epi32(q->qmax);
  const __m512i qmin8 = _mm512_set1_epi8((char)q->qmin), qmax8 = _mm512_set1_epi8((char)q->qmax);
  const int is_u8 = q->out_kind == PYEDGE_OUT_UINT8;
  size_t ch0 = 0;
  for (; ch0 + 64 <= c; ch0 += 64) {
    __m512i vc[4];
    __m512 vm[4];
    for (size_t i = 0; i < 4; i++) {
      vc[i] = _mm512_loadu_si512(comb + ch0 + 16 * i);
      vm[i] = _mm512_loadu_ps(mult + ch0 + 16 * i);
    }
    for (size_t ox = 0; ox < p->ow; ox++) {
      __m512i acc[4] = {vc[0], vc[1], vc[2], vc[3]};
      for (size_t g = 0; g < ng; g++) {
        const uint8_t* xg = x4 + g * gstride + (ox * sw * cp + ch0) * 4;
        const int8_t* wg = w + (g * kw * cp + ch0) * 4;
#pragma GCC unroll 5
        for (size_t kx = 0; kx < kw; kx++) {
          const uint8_t* xp = xg + kx * dw * cp * 4;
          const int8_t* wp = wg + kx * cp * 4;
#pragma GCC unroll 4
          for (size_t i = 0; i < 4; i++)
            acc[i] = _mm512_dpbusd_epi32(acc[i], _mm512_loadu_si512(xp + 64 * i),
                                         _mm512_loadu_si512(wp + 64 * i));
        }
      }
      __m512i y[4];
#pragma GCC unroll 4
      for (size_t i = 0; i < 4; i++) y[i] = scaled(acc[i], vm[i]);
      const __m512i h0 = _mm512_adds_epi16(_mm512_packs_epi32(y[0], y[1]), ozp16);
      const __m512i h1 = _mm512_adds_epi16(_mm512_packs_epi32(y[2], y[3]), ozp16);
      __m512i b;
      if (is_u8)
        b = _mm512_min_epu8(_mm512_max_epu8(_mm512_packus_epi16(h0, h1), qmin8), qmax8);
      else
        b = _mm512_min_epi8(_mm512_max_epi8(_mm512_packs_epi16(h0, h1), qmin8), qmax8);
      _mm512_storeu_si512(orow + ox * c + ch0, b);
    }
  }
  for (; ch0 < c; ch0 += 16) {
    const size_t n = PYEDGE_MIN(16, c - ch0);
    const __mmask16 m = (__mmask16)((1u << n) - 1u);
    const __m512i vc = _mm512_loadu_si512(comb + ch0);
    const __m512 vm = _mm512_loadu_ps(mult + ch0);
    for (size_t ox = 0; ox < p->ow; ox++) {
      __m512i acc = vc;
      for (size_t g = 0; g < ng; g++) {
        const uint8_t* xg = x4 + g * gstride + (ox * sw * cp + ch0) * 4;
        const int8_t* wg = w + (g * kw * cp + ch0) * 4;
#pragma GCC unroll 5
        for (size_t kx = 0; kx < kw; kx++)
          acc = _mm512_dpbusd_epi32(acc, _mm512_loadu_si512(xg + kx * dw * cp * 4),
                                    _mm512_loadu_si512(wg + kx * cp * 4));
      }
      __m512i y = _mm512_add_epi32(scaled(acc, vm), ozp);
      y = _mm512_min_epi32(_mm512_max_epi32(y, qmin32), qmax32);
      _mm_mask_storeu_epi8(orow + ox * c + ch0, m, _mm512_cvtepi32_epi8(y));
    }
  }
}

PYEDGE_INLINE void dw_rows(const uint8_t* const* rows, size_t nout, const int8_t* w,
                           uint8_t* out, const pyedge_qs8_dwconv2d_params* p, uint8_t* scratch,
                           const size_t kw, const size_t sw, const size_t dw) {
  const size_t c = p->c, cp = padded_c(c), wn = window(p), ng = GROUPS(p->kh);
  const pyedge_qparams* q = &p->q;
  uint8_t* x4 = scratch;
  int32_t* comb = (int32_t*)(scratch + ng * wn * cp * 4);
  float* mult = (float*)(comb + cp);
  uint8_t* zp_row = (uint8_t*)(mult + cp);
  memset(zp_row, p->zp ^ p->xor_in, p->iw * c);
  for (size_t ch = 0; ch < cp; ch++) {
    const size_t src = ch < c ? ch : 0;
    comb[ch] = (q->bias ? q->bias[src] : 0) - q->a_zero_point * q->wsum[src];
    mult[ch] = q->multiplier[src];
  }
  for (size_t ch0 = 0; ch0 + 64 <= c; ch0 += 64) {  /* stored order of 64-channel chunks */
    __m512i vc[4], vm[4];
    for (size_t i = 0; i < 4; i++) {
      vc[i] = _mm512_loadu_si512(comb + ch0 + 16 * i);
      vm[i] = _mm512_loadu_si512(mult + ch0 + 16 * i);
    }
    transpose_lanes(vc);
    transpose_lanes(vm);
    for (size_t i = 0; i < 4; i++) {
      _mm512_storeu_si512(comb + ch0 + 16 * i, vc[i]);
      _mm512_storeu_si512(mult + ch0 + 16 * i, vm[i]);
    }
  }
  const size_t gstride = wn * cp * 4;
  const int pair = p->kh == 3 && p->sh == 1 && p->dh == 1;
  const size_t wshift = ng * kw * cp * 4;  /* the packed copy shifted one row down */
  for (size_t r = 0; r < nout;) {
    if (pair && r + 1 < nout) {  /* rows r..r+3 feed output rows r and r + 1 */
      build_x4(rows, r, 0, p, zp_row, x4, 1);
      out_row(x4, gstride, w, out + r * p->ow * c, p, ng, comb, mult, kw, sw, dw);
      out_row(x4, gstride, w + wshift, out + (r + 1) * p->ow * c, p, ng, comb, mult, kw, sw,
              dw);
      r += 2;
      continue;
    }
    for (size_t g = 0; g < ng; g++) build_x4(rows, r, g, p, zp_row, x4 + g * gstride, 0);
    out_row(x4, gstride, w, out + r * p->ow * c, p, ng, comb, mult, kw, sw, dw);
    r++;
  }
}

void pyedge_qs8_qc8w_dwconv2d_minmax__avx512vnni(const uint8_t* const* rows, size_t nout,
                                                 const int8_t* w, void* out,
                                                 const pyedge_qs8_dwconv2d_params* p,
                                                 uint8_t* scratch) {
  if (p->kw == 3 && p->dw == 1 && p->sw == 1)
    dw_rows(rows, nout, w, out, p, scratch, 3, 1, 1);
  else if (p->kw == 3 && p->dw == 1 && p->sw == 2)
    dw_rows(rows, nout, w, out, p, scratch, 3, 2, 1);
  else
    dw_rows(rows, nout, w, out, p, scratch, p->kw, p->sw, p->dw);
}
