/* AVX-512 BSR sparse matmul (float32 or int8 values) for blocks 1x4, 4x1, 4x4, 8x1, 16x1. */
#include "pyedge/f32-spmm-avx512.h"
#include "pyedge/f32-spmm-scalar.h"

PYEDGE_DEFINE_F32_SPMM(1, 4, avx512, pyedge_f32_spmm_avx512_body, pyedge_f32_spmm_t_avx512_tiled_body)
PYEDGE_DEFINE_F32_SPMM(4, 1, avx512, pyedge_f32_spmm_avx512_body, pyedge_f32_spmm_t_avx512_tiled_body)
PYEDGE_DEFINE_F32_SPMM(4, 4, avx512, pyedge_f32_spmm_avx512_body, pyedge_f32_spmm_t_avx512_tiled_body)
PYEDGE_DEFINE_F32_SPMM(8, 1, avx512, pyedge_f32_spmm_avx512_body, pyedge_f32_spmm_t_avx512_tiled_body)
PYEDGE_DEFINE_F32_SPMM(16, 1, avx512,
                       pyedge_f32_spmm_avx512_body, pyedge_f32_spmm_t_avx512_tiled_body)
PYEDGE_DEFINE_F32_QC8W_SPMM(1, 4, avx512,
                            pyedge_f32_spmm_avx512_body, pyedge_f32_spmm_t_avx512_tiled_body)
PYEDGE_DEFINE_F32_QC8W_SPMM(4, 1, avx512,
                            pyedge_f32_spmm_avx512_body, pyedge_f32_spmm_t_avx512_tiled_body)
PYEDGE_DEFINE_F32_QC8W_SPMM(4, 4, avx512,
                            pyedge_f32_spmm_avx512_body, pyedge_f32_spmm_t_avx512_tiled_body)
PYEDGE_DEFINE_F32_QC8W_SPMM(8, 1, avx512,
                            pyedge_f32_spmm_avx512_body, pyedge_f32_spmm_t_avx512_tiled_body)
PYEDGE_DEFINE_F32_QC8W_SPMM(16, 1, avx512,
                            pyedge_f32_spmm_avx512_body, pyedge_f32_spmm_t_avx512_tiled_body)
