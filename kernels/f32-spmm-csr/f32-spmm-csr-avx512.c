/* AVX-512 CSR sparse matmul (float32 or int8 values): broadcast-FMA along nb (spmm),
 * vgatherdps (spmm_t). */
#include "pyedge/f32-spmm-avx512.h"
#include "pyedge/f32-spmm-scalar.h"

PYEDGE_DEFINE_F32_SPMM(1, 1, avx512, pyedge_f32_spmm_avx512_body, pyedge_f32_spmm_t_avx512_tiled_body)
PYEDGE_DEFINE_F32_QC8W_SPMM(1, 1, avx512,
                            pyedge_f32_spmm_avx512_body, pyedge_f32_spmm_t_avx512_tiled_body)
