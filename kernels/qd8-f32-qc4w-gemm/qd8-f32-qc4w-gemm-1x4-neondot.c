/* ARMv8.2 dotprod grouped-INT4 GEMM with dynamic int8 activations on the canonical layout:
 * vdotq_s32 group dots (the same exact integers as the NEON kernel), same float32 sequence. */
#include "pyedge/qc4w-neon.h"

void pyedge_qd8_f32_qc4w_gemm_1x4__neondot(size_t m, size_t n, size_t k, size_t group,
                                           const int8_t* xq, const int32_t* xsum,
                                           const float* sx, const uint8_t* w,
                                           const void* scale, const float* bias, float* out,
                                           size_t out_stride) {
  (void)xsum;
  pyedge_qd8_qc4w_neon_body(m, n, k, group, xq, sx, w, (const float*)scale, bias, out,
                            out_stride, 1);
}
