"""Public kernel API; the only package that knows backends exist.

Kernel families register their native, Numba and NumPy implementations in
:mod:`pyedge.kernels.registry`; ``available()`` lists every one this CPU can run.
"""

from pyedge.kernels.conv import (
    PackedConvF32,
    PackedConvQ,
    conv2d,
    conv2d_q,
    pack_conv_f32w,
    pack_conv_qc8w,
)
from pyedge.kernels.convhwc import PackedConvHWC, conv_hwc_3x3s2, pack_conv_hwc
from pyedge.kernels.cpu import cpu_features
from pyedge.kernels.dwconv2d import depthwise_conv2d
from pyedge.kernels.dwsep import depthwise_separable, depthwise_separable_q
from pyedge.kernels.elementwise import activation, activation_lut, add_q, apply_lut
from pyedge.kernels.epilogue import apply_epilogue, gemm_f32
from pyedge.kernels.lut import PackedLUT, gemm_lut, pack_lut
from pyedge.kernels.pool import avg_pool2d, global_avg_pool2d, max_pool2d
from pyedge.kernels.qc4w import PackedQC4W, gemm_qc4w, pack_qc4w
from pyedge.kernels.qdwconv2d import PackedDWQ, depthwise_conv2d_q, pack_dw_qc8w
from pyedge.kernels.qgemm import PackedQC8W, pack_qc8w, qgemm
from pyedge.kernels.qlut import lut_channels
from pyedge.kernels.qsparse import qspmm, qspmm_t
from pyedge.kernels.registry import Kernel, available, select
from pyedge.kernels.sgemm import PackedF32W, pack_f32w, sgemm
from pyedge.kernels.sparse import spmm, spmm_t

__all__ = [
    "Kernel", "available", "select", "cpu_features",
    "PackedQC8W", "pack_qc8w", "qgemm",
    "PackedQC4W", "pack_qc4w", "gemm_qc4w",
    "PackedLUT", "pack_lut", "gemm_lut",
    "PackedF32W", "pack_f32w", "sgemm", "apply_epilogue", "gemm_f32",
    "spmm", "spmm_t", "qspmm", "qspmm_t",
    "PackedConvF32", "PackedConvQ", "pack_conv_f32w", "pack_conv_qc8w", "conv2d", "conv2d_q",
    "depthwise_conv2d", "PackedDWQ", "pack_dw_qc8w", "depthwise_conv2d_q",
    "depthwise_separable", "depthwise_separable_q",
    "max_pool2d", "avg_pool2d", "global_avg_pool2d",
    "activation", "activation_lut", "apply_lut", "add_q",
    "lut_channels",
    "PackedConvHWC", "pack_conv_hwc", "conv_hwc_3x3s2",
]
