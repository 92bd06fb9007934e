/* ARM NEON grouped-INT4 GEMM with dynamic int8 activations on the canonical layout: exact
 * int32 group dots (vmull_s8 + vpadalq_s16), then qc4w-gemm.h's float32 sequence. */
#include "pyedge/qc4w-neon.h"

void pyedge_qd8_f32_qc4w_gemm_1x4__neon(size_t m, size_t n, size_t k, size_t group,
                                        const int8_t* xq, const int32_t* xsum, const float* sx,
                                        const uint8_t* w, const void* scale, const float* bias,
                                        float* out, size_t out_stride) {
  (void)xsum;
  pyedge_qd8_qc4w_neon_body(m, n, k, group, xq, sx, w, (const float*)scale, bias, out,
                            out_stride, 0);
}
