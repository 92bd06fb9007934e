/* NEON epilogues of 16 int32 accumulators, bit-exact with pyedge_qepilogue_scalar: one float32
 * multiply (no FMA), float clamp, round half to even. */
#pragma once
#include <arm_neon.h>
#include <string.h>
#include "pyedge/params.h"

/* Epilogue of 16 accumulators v[q] (lanes 4q .. 4q + 3) whose channels have weight sums
 * wsum[q], biases bias[q] and multipliers mult[q]; stores the first `count` results at element
 * idx of out (p->out_kind elements). */
PYEDGE_INLINE void pyedge_qepilogue_neon_core(const pyedge_qparams* p, const int32x4_t acc[4],
                                              const int32x4_t wsum[4], const int32x4_t bias[4],
                                              const float32x4_t mult[4], void* out, size_t idx,
                                              size_t count) {
  const int32x4_t zp = vdupq_n_s32(p->a_zero_point);
  int32x4_t v[4];
  for (size_t q = 0; q < 4; q++)
    v[q] = vaddq_s32(vsubq_s32(acc[q], vmulq_s32(zp, wsum[q])), bias[q]);
  union {
    int32_t i32[16];
    float f32[16];
    uint8_t u8[16];
  } res;
  size_t elsize = 4;
  if (p->out_kind == PYEDGE_OUT_INT32) {
    for (size_t q = 0; q < 4; q++) vst1q_s32(res.i32 + 4 * q, v[q]);
  } else if (p->out_kind == PYEDGE_OUT_FLOAT32) {
    const float32x4_t lo = vdupq_n_f32(p->fmin), hi = vdupq_n_f32(p->fmax);
    for (size_t q = 0; q < 4; q++) {
      float32x4_t x = vmulq_f32(vcvtq_f32_s32(v[q]), mult[q]);
      x = vbslq_f32(vcltq_f32(x, lo), lo, x);  /* x < lo ? lo : x */
      x = vbslq_f32(vcgtq_f32(x, hi), hi, x);  /* x > hi ? hi : x */
      vst1q_f32(res.f32 + 4 * q, x);
    }
  } else {
    const float32x4_t lo = vdupq_n_f32((float)(p->qmin - p->out_zero_point));
    const float32x4_t hi = vdupq_n_f32((float)(p->qmax - p->out_zero_point));
    const int32x4_t ozp = vdupq_n_s32(p->out_zero_point);
    int32x4_t qv[4];
    for (size_t q = 0; q < 4; q++) {
      float32x4_t x = vmulq_f32(vcvtq_f32_s32(v[q]), mult[q]);
      x = vminq_f32(vmaxq_f32(x, lo), hi);
      qv[q] = vaddq_s32(vcvtnq_s32_f32(x), ozp);  /* round to nearest, ties to even */
    }
    /* q is already within [qmin, qmax] (8-bit): keep the low byte of each lane */
    const int16x8_t h0 = vcombine_s16(vmovn_s32(qv[0]), vmovn_s32(qv[1]));
    const int16x8_t h1 = vcombine_s16(vmovn_s32(qv[2]), vmovn_s32(qv[3]));
    vst1q_u8(res.u8, vreinterpretq_u8_s8(vcombine_s8(vmovn_s16(h0), vmovn_s16(h1))));
    elsize = 1;
  }
  memcpy((char*)out + idx * elsize, &res, count * elsize);
}

/* 16 channels n0 .. n0 + nn - 1 of one output row (acc[q]: channels n0 + 4q ..); p's arrays
 * are read only for the nn valid channels. */
PYEDGE_INLINE void pyedge_qepilogue_neon_16(const pyedge_qparams* p, size_t n0, size_t nn,
                                            const int32x4_t acc[4], void* out, size_t idx) {
  int32_t wsum[16] = {0}, bias[16] = {0};
  float mult[16] = {0};
  memcpy(wsum, p->wsum + n0, nn * sizeof(int32_t));
  if (p->bias) memcpy(bias, p->bias + n0, nn * sizeof(int32_t));
  if (p->out_kind != PYEDGE_OUT_INT32) memcpy(mult, p->multiplier + n0, nn * sizeof(float));
  int32x4_t ws[4], bs[4];
  float32x4_t ms[4];
  for (size_t q = 0; q < 4; q++) {
    ws[q] = vld1q_s32(wsum + 4 * q);
    bs[q] = vld1q_s32(bias + 4 * q);
    ms[q] = vld1q_f32(mult + 4 * q);
  }
  pyedge_qepilogue_neon_core(p, acc, ws, bs, ms, out, idx, nn);
}

/* `count` <= 16 results of one channel n (e.g. 16 batch columns of a sparse row). */
PYEDGE_INLINE void pyedge_qepilogue_neon_bcast(const pyedge_qparams* p, size_t n,
                                               const int32x4_t acc[4], void* out, size_t idx,
                                               size_t count) {
  const int32x4_t ws = vdupq_n_s32(p->wsum[n]);
  const int32x4_t bs = vdupq_n_s32(p->bias ? p->bias[n] : 0);
  const float32x4_t ms = vdupq_n_f32(p->out_kind != PYEDGE_OUT_INT32 ? p->multiplier[n] : 0.0f);
  const int32x4_t wsv[4] = {ws, ws, ws, ws}, bsv[4] = {bs, bs, bs, bs};
  const float32x4_t msv[4] = {ms, ms, ms, ms};
  pyedge_qepilogue_neon_core(p, acc, wsv, bsv, msv, out, idx, count);
}
