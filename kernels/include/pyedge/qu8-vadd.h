/* Element-wise add of two 8-bit tensors with different quantizations (int8 residual
 * connections), requantized to an 8-bit output: families qu8_vadd_minmax / qs8_vadd_minmax.
 *
 * Arithmetic (every backend and the NumPy oracle follow it bit for bit):
 *   ya = float32(a - za) * ma        (exact int difference, one float32 multiply)
 *   yb = float32(b - zb) * mb        (one float32 multiply)
 *   y  = ya + yb                     (one float32 add; no FMA: built with -ffp-contract=off)
 *   q  = rint(min(max(y, lo - zo), hi - zo)) + zo   (round half to even)
 * with ma = float32(sa / so), mb = float32(sb / so) computed once in Python (each <= 2**24, so
 * y is finite and never NaN). Clamping in float before rounding equals rounding then clamping
 * because the bounds are integers.
 *
 * The kernels compute in the unsigned domain: an int8 operand's byte is mapped to uint8 by
 * flipping its sign bit (u = byte ^ 0x80 = q + 128, an exact bijection) and its zero point is
 * shifted by 128; the output is flipped back. So one kernel serves every mix of uint8 / int8
 * operands; the family name states the output type. a, b and out may alias exactly.
 */
#pragma once
#include <math.h>

#include "pyedge/common.h"

typedef struct {
  float a_mult, b_mult;          /* float32(sa / so), float32(sb / so) */
  int32_t a_zero_point;          /* unsigned domain (zero point + 128 for int8) */
  int32_t b_zero_point;          /* unsigned domain */
  int32_t out_zero_point;        /* unsigned domain */
  float out_lo, out_hi;          /* qmin - zo, qmax - zo (the same in both domains) */
  uint8_t a_flip, b_flip, out_flip;  /* 0x80 for int8 tensors, 0 for uint8 */
} pyedge_qu8_vadd_params;

typedef void (*pyedge_qu8_vadd_fn)(size_t n, const uint8_t* a, const uint8_t* b, uint8_t* out,
                                   const pyedge_qu8_vadd_params* p);

typedef struct {
  const char* name;    /* full kernel name, e.g. qs8_vadd_minmax__avx512 */
  const char* family;  /* qu8_vadd_minmax or qs8_vadd_minmax */
  int isa;             /* enum pyedge_isa */
  pyedge_qu8_vadd_fn fn;
} pyedge_qu8_vadd_ukernel;

/* One element, the definition every SIMD path reproduces. */
PYEDGE_INLINE uint8_t pyedge_qu8_vadd_one(uint8_t a, uint8_t b, const pyedge_qu8_vadd_params* p) {
  const float ya = (float) ((int32_t) (uint8_t) (a ^ p->a_flip) - p->a_zero_point) * p->a_mult;
  const float yb = (float) ((int32_t) (uint8_t) (b ^ p->b_flip) - p->b_zero_point) * p->b_mult;
  float y = ya + yb;
  y = y < p->out_lo ? p->out_lo : y;
  y = y > p->out_hi ? p->out_hi : y;
  return (uint8_t) (((int32_t) lrintf(y) + p->out_zero_point) ^ p->out_flip);
}

void pyedge_qu8_vadd_minmax__scalar(size_t, const uint8_t*, const uint8_t*, uint8_t*,
                                    const pyedge_qu8_vadd_params*);
void pyedge_qu8_vadd_minmax__avx2(size_t, const uint8_t*, const uint8_t*, uint8_t*,
                                  const pyedge_qu8_vadd_params*);
void pyedge_qu8_vadd_minmax__avx512(size_t, const uint8_t*, const uint8_t*, uint8_t*,
                                    const pyedge_qu8_vadd_params*);
