/* 8-bit NHWC depthwise convolution (uint8/int8 activations, int8 per-channel weights):
 * ``nout`` consecutive output rows per ukernel call, requantized exactly as the INT8 GEMM.
 *
 * A call computes out[r, ox, ch] for r < nout, ox < ow, ch < c:
 *   acc = sum_{ky,kx} (u(rows[r * sh + ky * dh][ix * c + ch]) - zp) * w[(ky * kw + kx) * c + ch]
 *   with ix = ox * sw - pad_left + kx * dw; taps with ix outside [0, iw) read zp (contribute 0);
 *   u(b) = b ^ xor_in (0x80 turns int8 activations into uint8, zp already shifted by 128).
 *   out = pyedge_qepilogue_scalar(q, ch, acc) with q->a_zero_point = zp, q->wsum[ch] = sum of
 *   the channel's weights and q->out_kind UINT8 or INT8.
 * rows[j] points at input row (first row of the call) + j (iw * c bytes); rows above/below the
 * image are NULL and read as the zero point. ``w`` is the layout made by the ukernel's pack
 * function (NULL pack: canonical [kh, kw, c]). ``scratch`` holds scratch_bytes(p) bytes,
 * 64-byte aligned, private to the call.
 */
#pragma once
#include "pyedge/params.h"

typedef struct {
  size_t kh, kw, sh, sw, dh, dw;
  size_t iw, c, ow, pad_left;
  uint8_t xor_in;  /* 0 for uint8 input, 0x80 for int8 */
  uint8_t zp;      /* input zero point in the uint8 domain */
  pyedge_qparams q;
} pyedge_qs8_dwconv2d_params;

typedef void (*pyedge_qs8_dwconv2d_fn)(const uint8_t* const* rows, size_t nout,
                                       const int8_t* w, void* out,
                                       const pyedge_qs8_dwconv2d_params* p, uint8_t* scratch);
typedef size_t (*pyedge_qs8_dwconv2d_scratch_fn)(const pyedge_qs8_dwconv2d_params* p);
/* Packed weight bytes for (kh, kw, c) and the packing itself (w canonical [kh, kw, c]). */
typedef size_t (*pyedge_qs8_dwconv2d_packed_size_fn)(size_t kh, size_t kw, size_t c);
typedef void (*pyedge_qs8_dwconv2d_pack_fn)(size_t kh, size_t kw, size_t c, const int8_t* w,
                                            int8_t* out);

typedef struct {
  const char* name;  /* e.g. qs8_qc8w_dwconv2d_minmax__avx512vnni */
  int isa;           /* enum pyedge_isa */
  pyedge_qs8_dwconv2d_fn fn;
  pyedge_qs8_dwconv2d_scratch_fn scratch_bytes;
  pyedge_qs8_dwconv2d_packed_size_fn packed_size;  /* NULL: canonical weights */
  pyedge_qs8_dwconv2d_pack_fn pack;
} pyedge_qs8_dwconv2d_ukernel;

void pyedge_qs8_qc8w_dwconv2d_minmax__scalar(const uint8_t* const*, size_t, const int8_t*,
                                             void*, const pyedge_qs8_dwconv2d_params*,
                                             uint8_t*);
size_t pyedge_qs8_qc8w_dwconv2d_scratch__scalar(const pyedge_qs8_dwconv2d_params*);

void pyedge_qs8_qc8w_dwconv2d_minmax__neon(const uint8_t* const*, size_t, const int8_t*, void*,
                                           const pyedge_qs8_dwconv2d_params*, uint8_t*);
size_t pyedge_qs8_qc8w_dwconv2d_scratch__neon(const pyedge_qs8_dwconv2d_params*);

void pyedge_qs8_qc8w_dwconv2d_minmax__avx512vnni(const uint8_t* const*, size_t, const int8_t*,
                                                 void*, const pyedge_qs8_dwconv2d_params*,
                                                 uint8_t*);
size_t pyedge_qs8_qc8w_dwconv2d_scratch__avx512vnni(const pyedge_qs8_dwconv2d_params*);
size_t pyedge_qs8_qc8w_dwconv2d_packed_size__avx512vnni(size_t, size_t, size_t);
void pyedge_qs8_qc8w_dwconv2d_pack__avx512vnni(size_t, size_t, size_t, const int8_t*, int8_t*);
