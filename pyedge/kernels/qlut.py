"""Per-channel 256-entry lookup tables on 8-bit NHWC tensors (``x8_lut_channels``).

A requantizing chain of per-channel elementwise float ops between two 8-bit tensors
(DequantizeLinear -> BatchNormalization/activation -> QuantizeLinear in QDQ models) maps each
channel's 256 input codes to 256 output codes; the table is computed once at load and this
kernel applies it: ``out[..., c] = table[c, byte of x[..., c]]``.
"""

from __future__ import annotations

import numpy as np

from pyedge.kernels import registry
from pyedge.kernels.checks import check_array, resolve_out
from pyedge.kernels.registry import Kernel

FAMILY = "x8_lut_channels"


def lut_channels(x: np.ndarray, table: np.ndarray, *, out: np.ndarray | None = None,
                 num_threads: int | None = None,
                 kernel: str | Kernel | None = None) -> np.ndarray:
    """``out[..., c] = table[c, x[..., c]]`` for an 8-bit tensor with channels last.

    Parameters
    ----------
    x : C-contiguous uint8 or int8 array (..., C); int8 codes index by their byte
    table : C-contiguous uint8 or int8 (C, 256), or (1, 256) for one table for all channels
    out : preallocated C-contiguous array shaped like x with table's dtype, optional
    num_threads : int, optional; results do not depend on it
    kernel : kernel name or Kernel, optional; forces one implementation
    """
    x = check_array("x", x, (np.uint8, np.int8), allow_empty=True)
    table = check_array("table", table, (np.uint8, np.int8), ndim=2)
    if x.ndim < 1:
        raise ValueError("x must have a channel axis")
    c = x.shape[-1]
    if table.shape[1] != 256 or table.shape[0] not in (1, c):
        raise ValueError(f"table must be (C, 256) or (1, 256) with C={c}, got {table.shape}")
    out = resolve_out(out, x.shape, table.dtype)
    threads = registry.config.resolve_threads(num_threads)
    kern = registry.resolve(FAMILY, kernel)
    rows = (-1, c) if c else (0, 0)
    kern.run(x.view(np.uint8).reshape(rows), table.view(np.uint8),
             out.view(np.uint8).reshape(rows), threads)
    return out


def _native() -> list[Kernel]:
    from pyedge.kernels._cython import qlut as nat

    return [Kernel(f"{FAMILY}__scalar", FAMILY, "native", "scalar", nat.lut_channels)]


def _numba() -> list[Kernel]:
    from pyedge.kernels._numba import qlut as nb

    return [Kernel(f"{FAMILY}__numba", FAMILY, "numba", "numba", nb.lut_channels)]


def _numpy() -> list[Kernel]:
    from pyedge.kernels._numpy import qlut as npy

    return [Kernel(f"{FAMILY}__numpy", FAMILY, "numpy", "numpy", npy.lut_channels)]


registry.register(FAMILY, "native", _native)
registry.register(FAMILY, "numba", _numba)
registry.register(FAMILY, "numpy", _numpy)

__all__ = ["lut_channels"]
