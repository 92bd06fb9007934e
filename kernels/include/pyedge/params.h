/* Requantization / clamp parameters shared by every integer kernel, and the scalar epilogue. */
#pragma once
#include <math.h>
#include "pyedge/common.h"

/* Output kinds of integer kernels. */
enum pyedge_out_kind {
  PYEDGE_OUT_INT32 = 0,   /* raw accumulator (after zero-point and bias) */
  PYEDGE_OUT_UINT8 = 1,   /* requantized */
  PYEDGE_OUT_INT8 = 2,    /* requantized */
  PYEDGE_OUT_FLOAT32 = 3  /* acc * multiplier, then clamp to [fmin, fmax] */
};

/* Epilogue of an int32 accumulator for output channel n:
 *   acc = sum_k a[m,k] * w[n,k] - a_zero_point * wsum[n] + bias[n]
 *   INT32  : acc
 *   8-bit  : q = clamp(rint(clampf(float(acc) * mult[n], qmin - zp, qmax - zp)) + zp, qmin, qmax)
 *            (one float32 multiply, no FMA, round half to even; clamping in float first is
 *            equivalent to DESIGN.md's formula and cannot overflow int32)
 *   FLOAT32: min(max(float(acc) * mult[n], fmin), fmax)
 * Pointers are already offset to the first output channel the call handles. */
typedef struct {
  int32_t a_zero_point;
  int32_t out_kind;
  const int32_t* wsum;     /* [n] sum over k of the weights of channel n */
  const int32_t* bias;     /* [n] or NULL */
  const float* multiplier; /* [n]; unused for INT32 */
  int32_t out_zero_point;
  int32_t qmin, qmax;      /* 8-bit output bounds */
  float fmin, fmax;        /* float output bounds (-inf, +inf for none) */
} pyedge_qparams;

/* Scalar reference epilogue; SIMD kernels must reproduce it bit for bit. */
PYEDGE_INLINE void pyedge_qepilogue_scalar(const pyedge_qparams* p, size_t n, int32_t acc,
                                           void* out, size_t idx) {
  acc -= p->a_zero_point * p->wsum[n];
  if (p->bias) acc += p->bias[n];
  switch (p->out_kind) {
    case PYEDGE_OUT_INT32:
      ((int32_t*)out)[idx] = acc;
      break;
    case PYEDGE_OUT_FLOAT32: {
      const float x = (float)acc * p->multiplier[n];
      float y = x < p->fmin ? p->fmin : x;
      ((float*)out)[idx] = y > p->fmax ? p->fmax : y;
      break;
    }
    default: {
      const float x = (float)acc * p->multiplier[n];
      const float lo = (float)(p->qmin - p->out_zero_point);
      const float hi = (float)(p->qmax - p->out_zero_point);
      float y = x < lo ? lo : x;
      y = y > hi ? hi : y;
      int32_t q = (int32_t)lrintf(y) + p->out_zero_point;
      if (p->out_kind == PYEDGE_OUT_UINT8)
        ((uint8_t*)out)[idx] = (uint8_t)q;
      else
        ((int8_t*)out)[idx] = (int8_t)q;
    }
  }
}
