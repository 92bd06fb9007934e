"""Public kernel API; the only package that knows backends exist.

Kernel families register their native, Numba and NumPy implementations in
:mod:`pyedge.kernels.registry`; ``available()`` lists every one this CPU can run.
"""

from pyedge.kernels.cpu import cpu_features
from pyedge.kernels.epilogue import apply_epilogue, gemm_f32
from pyedge.kernels.qgemm import PackedQC8W, pack_qc8w, qgemm
from pyedge.kernels.registry import Kernel, available, select

__all__ = ["Kernel", "PackedQC8W", "apply_epilogue", "available", "cpu_features", "gemm_f32",
           "pack_qc8w", "qgemm", "select"]
from pyedge.kernels.qc4w import PackedQC4W, gemm_qc4w, pack_qc4w  # noqa: E402

__all__ += ["PackedQC4W", "gemm_qc4w", "pack_qc4w"]
from pyedge.kernels.lut import PackedLUT, gemm_lut, pack_lut  # noqa: E402

__all__ += ["PackedLUT", "gemm_lut", "pack_lut"]
from pyedge.kernels.sparse import spmm, spmm_t  # noqa: E402

__all__ += ["spmm", "spmm_t"]
from pyedge.kernels.qsparse import qspmm, qspmm_t  # noqa: E402

__all__ += ["qspmm", "qspmm_t"]
